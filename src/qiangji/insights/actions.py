"""Writes of the insights app: publish an index version, refresh a snapshot, record media."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qiangji.programmes.models import Programme

from .index import DRAWS, VersionSpec, compute
from .inputs import gather
from .models import Aggregation, IndexSnapshot, IndexVersion, MediaReport
from .spec import indicator_table, normalise_weights

#: How many compounds the heat table keeps per programme (the busiest).
HEAT_COMPOUNDS = 30


@transaction.atomic
def do_publish_version(
    *,
    programme: Programme,
    weights: dict[str, float],
    aggregation: str = Aggregation.LINEAR,
    mentor_share: float = 0.0,
    note: str = "",
    by=None,
    refresh: bool = True,
) -> IndexVersion:
    """Publish the programme's next index version; weights not summing to one are rescaled.

    The returned version's ``weights_rescaled`` says whether they were.
    """
    clean, rescaled = normalise_weights(weights)
    if aggregation not in Aggregation.values:
        aggregation = Aggregation.LINEAR
    mentor_share = min(0.5, max(0.0, float(mentor_share or 0.0)))
    last = (
        IndexVersion.objects.select_for_update()
        .filter(programme=programme)
        .order_by("-number")
        .first()
    )
    version = IndexVersion.objects.create(
        programme=programme,
        number=(last.number + 1) if last else 1,
        weights=clean,
        aggregation=aggregation,
        mentor_share=mentor_share,
        indicators=indicator_table(),
        weights_rescaled=rescaled,
        note=note[:300],
        published_by=by,
    )
    if refresh:
        transaction.on_commit(lambda: _enqueue_refresh(programme.pk))
    return version


def current_version(programme: Programme) -> IndexVersion:
    """Return the programme's current index version, publishing the default one if none yet."""
    version = IndexVersion.objects.current_for(programme)
    if version is None:
        version = do_publish_version(
            programme=programme,
            weights={},
            note="默认版本：六性等权",
            refresh=False,
        )
        IndexVersion.objects.filter(pk=version.pk).update(weights_rescaled=False)
        version.weights_rescaled = False
    return version


def _heat(programme: Programme, community_ids: list[int]) -> dict:
    from qiangji.concerns.interface import category_heat

    by_compound = category_heat(community_ids, by="compound")
    totals: dict[int, int] = {}
    for row in by_compound:
        totals[row["row_id"]] = totals.get(row["row_id"], 0) + row["count"]
    busiest = set(sorted(totals, key=lambda k: -totals[k])[:HEAT_COMPOUNDS])
    return {
        "community": category_heat(community_ids, by="community"),
        "compound": [row for row in by_compound if row["row_id"] in busiest],
    }


def _hot_issues(programme: Programme) -> list:
    """Return the subdistrict's top hot issues from the concerns app when it offers them."""
    from .inputs import _optional, _safe_call

    found = _safe_call(
        _optional("qiangji.concerns.interface", "top_hot_issues"), programme.subdistrict, n=5
    )
    from .index import _jsonable

    rows = []
    for issue in found or []:
        if hasattr(issue, "as_dict"):
            rows.append(_jsonable(issue.as_dict()))
        elif isinstance(issue, dict):
            rows.append(_jsonable(issue))
        else:
            rows.append({"label": str(issue)})
    return rows


def compute_result(
    programme: Programme,
    *,
    version: IndexVersion | None = None,
    until: dt.datetime | None = None,
    draws: int | None = None,
) -> dict:
    """Gather and compute the programme's index now (nothing saved)."""
    version = version or current_version(programme)
    gathered = gather(programme, until=until)
    if draws is None:
        draws = getattr(settings, "INSIGHTS_MONTE_CARLO_DRAWS", DRAWS)
    result = compute(gathered, VersionSpec.from_model(version), draws=draws)
    result["version_id"] = version.pk
    result["version_published_at"] = version.published_at.isoformat()
    result["heat"] = _heat(programme, [c["id"] for c in gathered.communities])
    result["hot_issues"] = _hot_issues(programme)
    return result


SUMMARY_EXTRAS = (
    "plan_id", "plan_round", "review_mean", "review_round", "tickets", "response_rate", "solve_rate",
    "satisfaction_rate", "followed_up", "open", "overdue", "unanswered", "progress", "items", "items_overdue",
    "open_suggestions",
)  # fmt: skip


def summarise(result: dict) -> dict:
    """Return the part of a result the dashboards read: no indicator evidence."""
    return {
        **{
            k: result.get(k)
            for k in (
                "programme",
                "version",
                "weights",
                "median",
                "ranked",
                "notices",
                "sources",
                "draws",
                "computed_at",
                "hot_issues",
                "heat",
                "correlations",
                "mentor_share",
            )
        },  # fmt: skip
        "communities": [
            {
                **{
                    k: row.get(k)
                    for k in (
                        "id",
                        "name",
                        "composite",
                        "rank_point",
                        "rank_median",
                        "rank_band",
                        "band",
                        "review_band",
                        "scored_traits",
                    )
                },  # fmt: skip
                "traits": {
                    key: {"score": t["score"], "status": t["status"], "mentor": t.get("mentor")}
                    for key, t in row["traits"].items()
                },
                "extras": {k: row.get("extras", {}).get(k) for k in SUMMARY_EXTRAS},
            }
            for row in result.get("communities", [])
        ],
    }


def do_refresh_index(*, programme: Programme, draws: int | None = None) -> IndexSnapshot:
    """Recompute the programme's index and store it as "current" and as this month's snapshot."""
    started = time.perf_counter()
    version = current_version(programme)
    result = compute_result(programme, version=version, draws=draws)
    now = timezone.now()
    result["computed_at"] = now.isoformat()
    seconds = round(time.perf_counter() - started, 3)
    month = timezone.localtime(now).strftime("%Y-%m")
    summary = summarise(result)
    snapshot = None
    with transaction.atomic():
        for period in ("current", month):
            snapshot_row, _created = IndexSnapshot.objects.update_or_create(
                programme=programme,
                period=period,
                defaults={
                    "version": version,
                    "computed_at": now,
                    "seconds": seconds,
                    "result": result,
                    "summary": summary,
                },
            )
            snapshot = snapshot if snapshot is not None else snapshot_row
    return snapshot


def current_snapshot(programme: Programme, *, full: bool = True) -> IndexSnapshot | None:
    """Return the current snapshot; without `full` its evidence (`result`) is not loaded."""
    rows = IndexSnapshot.objects.filter(programme=programme, period="current")
    return (rows if full else rows.defer("result")).first()


@transaction.atomic
def do_add_media_report(*, programme, community, outlet, published_on, title, link="", by=None):
    """Record a media report; the index refreshes after it."""
    report, _created = MediaReport.objects.get_or_create(
        programme=programme,
        community=community,
        outlet=outlet,
        title=title,
        defaults={"published_on": published_on, "link": link, "added_by": by},
    )
    transaction.on_commit(lambda: _enqueue_refresh(programme.pk))
    return report


def _enqueue_refresh(programme_id: int) -> None:
    from .tasks import enqueue_refresh

    enqueue_refresh(programme_id)

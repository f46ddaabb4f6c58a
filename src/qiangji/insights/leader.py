"""The leader view: every programme's snapshot under a territory, rolled up (constant queries)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from qiangji.territories.models import Kind, Territory

from . import present
from .models import IndexSnapshot
from .spec import TRAIT_KEYS

#: How many categories (columns) and rows the heat table shows.
HEAT_COLUMNS = 10
HEAT_ROWS = 30
LAGGING = 12


def _child_kind(kind: str) -> str:
    return {
        Kind.PROVINCE: Kind.CITY,
        Kind.CITY: Kind.DISTRICT,
        Kind.DISTRICT: Kind.SUBDISTRICT,
        Kind.SUBDISTRICT: Kind.COMMUNITY,
    }.get(kind, Kind.COMMUNITY)


def _pooled(rows: list[dict], part: str, whole_key: str) -> float | None:
    """Return Σ part / Σ whole over communities (rates pooled, not averaged)."""
    whole = sum(r.get(whole_key) or 0 for r in rows)
    if not whole:
        return None
    return sum((r.get(part) or 0) * (r.get(whole_key) or 0) for r in rows) / whole


def leader_view(territory: Territory, *, by: str = "community") -> dict:
    """Return the rows, lagging communities and heat table of the territory (two queries)."""
    snapshots = list(
        IndexSnapshot.objects.filter(
            period="current", programme__subdistrict__path__startswith=territory.path
        )
        .select_related("programme__subdistrict")
        .defer("result")
        .order_by("programme__subdistrict__path", "programme__name")
    )
    child_kind = _child_kind(territory.kind)
    # Each subdistrict's path is /…/district/subdistrict/: the child of `territory` on it.
    depth = territory.path.count("/") - 1
    children: dict[int, dict] = {}
    communities: list[dict] = []
    heat: dict[tuple[int, str], int] = {}
    row_names: dict[int, str] = {}
    row_community: dict[int, int] = {}
    computed = []
    for snapshot in snapshots:
        result = snapshot.summary
        subdistrict = snapshot.programme.subdistrict
        parts = subdistrict.path.strip("/").split("/")
        child_id = (
            int(parts[depth]) if child_kind != Kind.COMMUNITY and len(parts) > depth else None
        )
        computed.append(snapshot.computed_at)
        ranked = result.get("ranked") or 0
        for row in result.get("communities", []):
            key = child_id if child_id is not None else row["id"]
            children.setdefault(key, {"id": key, "rows": [], "programmes": set()})
            children[key]["rows"].append(row)
            children[key]["programmes"].add(snapshot.programme_id)
            communities.append({**row, "programme_id": snapshot.programme_id,
                                "programme": snapshot.programme.name, "subdistrict": subdistrict.name,
                                "bands": max((c.get("band") or 0 for c in result["communities"]), default=0),
                                "ranked_in": ranked, "median": result.get("median", {})})  # fmt: skip
        for cell in result.get("heat", {}).get(by, []):
            heat[(cell["row_id"], cell["category"])] = (
                heat.get((cell["row_id"], cell["category"]), 0) + cell["count"]
            )
            row_names[cell["row_id"]] = cell["row"]
            row_community[cell["row_id"]] = cell["community_id"]
    names = dict(
        Territory.objects.filter(pk__in=[k for k in children if k]).values_list("pk", "name")
    )
    rows = []
    for key, child in children.items():
        extras = [r.get("extras", {}) for r in child["rows"]]
        traits = []
        for trait in TRAIT_KEYS:
            value = present.median(r["traits"][trait]["score"] for r in child["rows"])
            traits.append({"text": present.fmt_score(value), "css": present.score_class(value)})
        first_programme = min(child["programmes"])
        url = (
            reverse("insights:overview", kwargs={"pk": first_programme})
            if child_kind != Kind.COMMUNITY or len(child["programmes"]) == 1
            else ""
        )
        if child_kind == Kind.COMMUNITY:
            url = reverse("insights:community", kwargs={"pk": first_programme, "community_id": key})
        rows.append(
            {
                "name": names.get(key) or next((r["name"] for r in child["rows"]), ""),
                "url": url,
                "communities": len(child["rows"]),
                "ranked": sum(1 for r in child["rows"] if r.get("rank_band")),
                "traits": traits,
                "response": present.fmt_pct(_pooled(extras, "response_rate", "tickets")),
                "solve": present.fmt_pct(_pooled(extras, "solve_rate", "tickets")),
                "satisfaction": present.fmt_pct(
                    _pooled(extras, "satisfaction_rate", "followed_up")
                ),
                "open": sum(e.get("open") or 0 for e in extras),
                "overdue": sum(e.get("overdue") or 0 for e in extras),
                "items_overdue": sum(e.get("items_overdue") or 0 for e in extras),
            }
        )
    rows.sort(key=lambda r: r["name"])
    lagging = []
    for row in communities:
        band = row.get("rank_band")
        # Lagging: even its best plausible rank is in the bottom half of its programme.
        bottom = bool(band) and row["ranked_in"] >= 4 and band[0] > row["ranked_in"] / 2
        weak = [
            present.TRAIT_ZH[t] for t in TRAIT_KEYS
            if row["traits"][t]["score"] is not None and row["median"].get(t) is not None
            and row["traits"][t]["score"] < 0.6 * row["median"][t]
        ]  # fmt: skip
        if bottom or len(weak) >= 2:
            lagging.append(
                {
                    "name": row["name"], "subdistrict": row["subdistrict"], "rank": present.rank_text(row),
                    "weak": "、".join(weak) or "—", "bottom": bottom, "sort": row.get("rank_median") or 0,
                    "url": reverse("insights:community", kwargs={"pk": row["programme_id"], "community_id": row["id"]}),
                }
            )  # fmt: skip
    lagging.sort(key=lambda r: -r["sort"])
    category_totals: dict[str, int] = {}
    row_totals: dict[int, int] = {}
    for (row_id, category), count in heat.items():
        category_totals[category] = category_totals.get(category, 0) + count
        row_totals[row_id] = row_totals.get(row_id, 0) + count
    columns = sorted(category_totals, key=lambda c: -category_totals[c])[:HEAT_COLUMNS]
    peak = max((heat.get((r, c), 0) for r in row_totals for c in columns), default=0) or 1
    concerns_url = reverse("concerns:index")
    heat_rows = []
    for row_id in sorted(row_totals, key=lambda r: -row_totals[r])[:HEAT_ROWS]:
        cells = []
        for category in columns:
            count = heat.get((row_id, category), 0)
            cells.append(
                {"count": count, "level": min(4, int(4 * count / peak + 0.999)) if count else 0}
            )
        heat_rows.append(
            {"name": row_names.get(row_id, ""), "total": row_totals[row_id], "cells": cells,
             "url": f"{concerns_url}?territory={row_community.get(row_id, row_id)}&state=all"}
        )  # fmt: skip
    as_of = min(computed) if computed else None
    return {
        "rows": rows,
        "child_kind": child_kind,
        "lagging": lagging[:LAGGING],
        "lagging_total": len(lagging),
        "heat_columns": [c or "未分类" for c in columns],
        "heat_rows": heat_rows,
        "as_of": timezone.localtime(as_of).strftime("%H:%M") if as_of else "",
        "programmes": len(snapshots),
    }

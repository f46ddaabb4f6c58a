"""What other apps may use from implementation (落实) — keep it stable.

``delivery_by_community(community_ids, *, programme=None) -> dict[int, dict]``
    For each community id, its delivery (the latest programme's when ``programme`` is None),
    in three queries whatever the size of the data. Keys:

    ==========================  ================================================================
    ``progress``                0–100 float rolled up by the documented rule (weighted mean of
                                the children normalised by their weights, docs/implementation.md),
                                ``None`` when the community has no approved plan
    ``items``                   tracked items of every level (lines, projects, tasks), cancelled
                                ones excluded
    ``done``                    items whose status means done
    ``overdue``                 unfinished items whose deadline has passed (today, local time)
    ``cancelled``               cancelled items
    ``lines``/``projects``/``tasks``  live items of each level
    ``tasks_fully_specified``   live tasks with owner, deadline, budget, indicator and target set
    ``delivered_on_time``       done tasks completed on or before their deadline
    ``completed_per_line``      ``{line title: done tasks}``
    ``budget_planned``          Σ planned budget of live items (float, yuan)
    ``budget_spent``            Σ spent of all items (float, yuan)
    ``last_update``             the latest update (datetime) or ``None``
    ==========================  ================================================================

``concern_progress(concern_ids) -> dict[int, list[dict]]``
    The plug-in the concerns app's pages reach through ``core.plugins.app_modules("interface")``
    (the concerns app never imports this one): for each concern id, the items that answer it
    — ``{"text": "已纳入石榴园品牌项目《…》，进度 80%" or "…已落实", "title", "progress", "done",
    "url"}`` — the url being the community's public progress page. No personal data.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, F, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qiangji.implementation.models import ConcernLink, Delivery, Item, Kind, Meaning

_EMPTY = {
    "progress": None,
    "items": 0,
    "done": 0,
    "overdue": 0,
    "cancelled": 0,
    "lines": 0,
    "projects": 0,
    "tasks": 0,
    "tasks_fully_specified": 0,
    "delivered_on_time": 0,
    "budget_planned": 0.0,
    "budget_spent": 0.0,
    "last_update": None,
}


def _empty() -> dict:
    return {**_EMPTY, "completed_per_line": {}}


def deliveries_for(community_ids, *, programme=None) -> dict[int, Delivery]:
    """Return each community's delivery (the latest programme's unless one is given)."""
    rows = Delivery.objects.filter(community_id__in=list(community_ids))
    if programme is not None:
        rows = rows.filter(programme=programme)
    chosen: dict[int, Delivery] = {}
    for delivery in rows.select_related("programme").order_by(
        "programme__starts_on", "programme_id"
    ):
        chosen[delivery.community_id] = delivery  # the latest programme wins
    return chosen


def delivery_by_community(community_ids: list[int], *, programme=None) -> dict[int, dict]:
    """Return each community's delivery figures (see the module doc), in three queries."""
    result = {int(pk): _empty() for pk in community_ids}
    deliveries = deliveries_for(result.keys(), programme=programme)
    if not deliveries:
        return result
    today = timezone.localdate()
    live = ~Q(status__meaning=Meaning.CANCELLED)
    done = Q(status__meaning=Meaning.DONE)
    unfinished = live & ~done
    task = Q(kind=Kind.TASK) & live
    rows = (
        Item.objects.filter(delivery_id__in=[d.pk for d in deliveries.values()])
        .values("delivery_id")
        .annotate(
            items=Count("pk", filter=live),
            done=Count("pk", filter=done),
            overdue=Count("pk", filter=unfinished & Q(deadline__lt=today)),
            cancelled=Count("pk", filter=~live),
            lines=Count("pk", filter=live & Q(kind=Kind.LINE)),
            projects=Count("pk", filter=live & Q(kind=Kind.PROJECT)),
            tasks=Count("pk", filter=task),
            tasks_fully_specified=Count(
                "pk",
                filter=task
                & ~Q(owner="")
                & Q(deadline__isnull=False, budget__isnull=False)
                & ~Q(indicator="")
                & ~Q(target=""),
            ),
            delivered_on_time=Count(
                "pk",
                filter=Q(kind=Kind.TASK)
                & done
                & Q(deadline__isnull=False, completed_at__date__lte=F("deadline")),
            ),
            budget_planned=Sum("budget", filter=live),
            budget_spent=Sum("spent"),
            last_item_update=Max("last_update_at"),
        )
    )
    by_delivery = {row["delivery_id"]: row for row in rows}
    per_line: dict[int, dict[str, int]] = defaultdict(dict)
    for delivery_id, title, count in (
        Item.objects.filter(
            delivery_id__in=[d.pk for d in deliveries.values()], kind=Kind.TASK, line__isnull=False
        )
        .filter(done)
        .values_list("delivery_id", "line__title")
        .annotate(n=Count("pk"))
        .values_list("delivery_id", "line__title", "n")
    ):
        per_line[delivery_id][title] = count
    for community_id, delivery in deliveries.items():
        row = by_delivery.get(delivery.pk, {})
        figures = result[community_id]
        for key in (
            "items",
            "done",
            "overdue",
            "cancelled",
            "lines",
            "projects",
            "tasks",
            "tasks_fully_specified",
            "delivered_on_time",
        ):
            figures[key] = row.get(key, 0) or 0
        figures["budget_planned"] = float(row.get("budget_planned") or Decimal(0))
        figures["budget_spent"] = float(row.get("budget_spent") or Decimal(0))
        figures["progress"] = float(delivery.progress) if delivery.progress is not None else None
        figures["last_update"] = delivery.last_update_at or row.get("last_item_update")
        figures["completed_per_line"] = per_line.get(delivery.pk, {})
    return result


def short_name(community_name: str) -> str:
    """Return "石榴园" for "石榴园社区"."""
    return community_name[:-2] if community_name.endswith("社区") else community_name


def concern_progress(concern_ids) -> dict[int, list[dict]]:
    """Return, per concern id, the items answering it (see the module doc); no personal data."""
    ids = [int(pk) for pk in concern_ids]
    out: dict[int, list[dict]] = {pk: [] for pk in ids}
    if not ids:
        return out
    # A concern is answered through itself, the head of its near-duplicate group, or its topic.
    keys: dict[tuple[str, int], set[int]] = defaultdict(set)
    for pk in ids:
        keys[(ConcernLink.Kind.CONCERN, pk)].add(pk)
    try:
        concern_model = apps.get_model("concerns", "Concern")
    except LookupError:
        concern_model = None
    if concern_model is not None:
        for pk, root, topic in concern_model.objects.filter(pk__in=ids).values_list(
            "pk", "duplicate_of_id", "topic_id"
        ):
            if root:
                keys[(ConcernLink.Kind.CONCERN, root)].add(pk)
            if topic:
                keys[(ConcernLink.Kind.TOPIC, topic)].add(pk)
    condition = Q(pk__in=[])
    for kind in {k for k, _t in keys}:
        condition |= Q(kind=kind, target_id__in=[t for k, t in keys if k == kind])
    links = ConcernLink.objects.filter(condition).select_related(
        "item__status", "delivery__community"
    )
    for link in links:
        community = link.delivery.community
        brand = short_name(community.name)
        url = reverse("implementation:public", args=[community.pk])
        if link.item is not None:
            title = link.item.title
            progress = float(link.item.progress)
            done = link.item.status.meaning == Meaning.DONE
            if link.item.status.meaning == Meaning.CANCELLED:
                continue
        else:
            title = link.delivery.brand_name or brand
            progress = float(link.delivery.progress or 0)
            done = progress >= 100
        if done:
            text = _("Part of the %(brand)s brand project “%(title)s”: delivered") % {
                "brand": brand,
                "title": title,
            }
        else:
            text = _("Part of the %(brand)s brand project “%(title)s”: %(p)s%% done") % {
                "brand": brand,
                "title": title,
                "p": f"{progress:.0f}",
            }
        entry = {"text": text, "title": title, "progress": progress, "done": done, "url": url}
        for concern_id in keys[(link.kind, link.target_id)]:
            if entry not in out[concern_id]:
                out[concern_id].append(entry)
    return out

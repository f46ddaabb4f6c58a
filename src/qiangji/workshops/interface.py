"""What other apps may read from workshops: activities, attendance, ideas and cases per community.

- ``participation_by_community(community_ids, *, programme_id=None, until=None)`` →
  ``{community_id: {...}}`` with ``activities`` (activities the community took part in),
  ``study_visits``, ``kinds`` (distinct activity kinds), ``recurring_kinds`` (kinds it took
  part in at least twice: a series, not a one-off), ``attendances`` (sign-ins at its
  activities, each activity's sign-ins shared equally among its communities),
  ``attendees`` (distinct people signed in at its activities), ``ideas`` (idea cards of its
  round-table groups), ``votes`` (votes on them), ``cases`` (library cases whose source
  community carries its name) and ``last_activity``. Seven queries whatever the size.
- ``case_texts(limit=500)`` → ``[(case_id, title, text)]``: the case library's texts, for
  comparing a plan with what others already do.
- ``activities_of_programme(programme_id)`` → the programme's activities (title, kind, dates,
  venue, summary, communities, sign-ins), for reports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count

from qiangji.territories.models import Territory
from qiangji.workshops.models import Activity, ActivityKind, Attendance, Case, IdeaCard

FIGURES = ("activities", "study_visits", "kinds", "recurring_kinds", "attendances", "attendees",
           "ideas", "votes", "cases")  # fmt: skip


def participation_by_community(
    community_ids: Iterable[int],
    *,
    programme_id: int | None = None,
    until: dt.datetime | None = None,
) -> dict[int, dict]:
    """Return each community's workshop participation (seven queries)."""
    ids = list(community_ids)
    out: dict[int, dict] = {
        cid: {**dict.fromkeys(FIGURES, 0), "last_activity": None} for cid in ids
    }
    if not ids:
        return out
    through = Activity.communities.through.objects.filter(territory_id__in=ids)
    if programme_id:
        through = through.filter(activity__programme_id=programme_id)
    if until:
        through = through.filter(activity__starts_at__lte=until)
    links = list(
        through.values_list("territory_id", "activity_id", "activity__kind", "activity__starts_at")
    )
    activity_ids = {a for _c, a, _k, _s in links}
    sharing = dict(
        Activity.communities.through.objects.filter(activity_id__in=activity_ids)
        .values("activity_id")
        .annotate(n=Count("pk"))
        .values_list("activity_id", "n")
    )
    signed = dict(
        Attendance.objects.filter(activity_id__in=activity_ids)
        .values("activity_id")
        .annotate(n=Count("pk"))
        .values_list("activity_id", "n")
    )
    kinds: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for cid, activity_id, kind, starts_at in links:
        figures = out[cid]
        figures["activities"] += 1
        figures["study_visits"] += kind == ActivityKind.STUDY_VISIT
        figures["attendances"] += signed.get(activity_id, 0) / max(1, sharing.get(activity_id, 1))
        kinds[cid][kind] += 1
        if figures["last_activity"] is None or starts_at > figures["last_activity"]:
            figures["last_activity"] = starts_at
    for cid, counts in kinds.items():
        out[cid]["kinds"] = len(counts)
        out[cid]["recurring_kinds"] = sum(1 for n in counts.values() if n >= 2)
    attendees = Attendance.objects.filter(activity_id__in=activity_ids)
    for cid, n in (
        attendees.filter(activity__communities__in=ids)
        .values("activity__communities")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("activity__communities", "n")
    ):
        if cid in out:
            out[cid]["attendees"] = n
    cards = IdeaCard.objects.filter(group__community_id__in=ids)
    if programme_id:
        cards = cards.filter(group__activity__programme_id=programme_id)
    if until:
        cards = cards.filter(created_at__lte=until)
    for cid, n, votes in (
        cards.values("group__community_id")
        .annotate(n=Count("pk", distinct=True), v=Count("votes"))
        .values_list("group__community_id", "n", "v")
    ):
        out[cid]["ideas"] = n
        out[cid]["votes"] = votes
    names = dict(Territory.objects.filter(pk__in=ids).values_list("name", "pk"))
    cases = Case.objects.filter(source_community__in=list(names))
    if until:
        cases = cases.filter(created_at__lte=until)
    for name, n in (
        cases.values("source_community")
        .annotate(n=Count("pk"))
        .values_list("source_community", "n")
    ):
        out[names[name]]["cases"] = n
    for figures in out.values():
        figures["attendances"] = round(figures["attendances"], 1)
    return out


def case_texts(limit: int = 500) -> list[tuple[int, str, str]]:
    """Return the most recent library cases as (id, title, problem + practice)."""
    return [
        (pk, title, f"{title}\n{problem}\n{practice}")
        for pk, title, problem, practice in Case.objects.order_by("-pk").values_list(
            "pk", "title", "problem", "practice"
        )[:limit]
    ]


def activities_of_programme(programme_id: int) -> list[dict]:
    """Return the programme's activities in date order: title, kind, when, where, communities, sign-ins.

    Two queries whatever the number of activities.
    """
    activities = list(
        Activity.objects.filter(programme_id=programme_id)
        .annotate(signed=Count("attendances", distinct=True))
        .order_by("starts_at", "pk")
        .values("pk", "title", "kind", "starts_at", "ends_at", "venue", "summary", "signed")
    )
    counts = dict(
        Activity.communities.through.objects.filter(activity__programme_id=programme_id)
        .values("activity_id")
        .annotate(n=Count("pk"))
        .values_list("activity_id", "n")
    )
    labels = dict(ActivityKind.choices)
    return [
        {
            **row,
            "kind_label": str(labels.get(row["kind"], row["kind"])),
            "communities": counts.get(row["pk"], 0),
        }
        for row in activities
    ]

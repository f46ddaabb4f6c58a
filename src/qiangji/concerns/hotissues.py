"""Hot issues in the database: refit, incremental joining, staff corrections, one ticket.

The method lives in `analysis/hotissues.py` (pure Python); this module stores its results and
keeps staff decisions: a concern staff put into a hot issue (merge, split) or took out
(`hot_issue_by_staff`) is left out of every refit and stays where staff put it; a renamed
hot issue keeps its label; a refitted cluster takes over the existing row it overlaps most
(so links from plans, tickets and implementation items stay valid).
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiangji.concerns.analysis import hotissues as method
from qiangji.concerns.models import (
    Concern,
    HotIssue,
    HotIssueModelStore,
    HotIssueState,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketState,
)

TREND_WEEKS = 8
# A refitted cluster takes over an existing hot issue when they share this share of members.
TAKE_OVER_SHARE = 0.5


class HotIssueError(ValueError):
    """A hot-issue request that cannot be carried out; the message is for the person."""


class HotIssueConflict(HotIssueError):
    """Someone else changed the hot issue meanwhile (another tab, another person)."""


# --- reading ---------------------------------------------------------------------------------
def known_names(territory) -> list[str]:
    """Return the names of the territory's communities, compounds and grids (the user dictionary)."""
    from qiangji.territories.models import Territory

    return list(
        Territory.objects.filter(path__startswith=territory.path)
        .exclude(kind__in=["city", "district"])
        .values_list("name", flat=True)
    )


def heat_of_issue(issue: HotIssue, members: list[Concern] | None = None):
    """Return the heat (a `Priority`) of a hot issue from its concerns, as stored.

    The same code computes the figure and its explanation on hover.
    """
    if members is None:
        members = list(issue.concerns.all())  # prefetched by `with_heat_inputs()` in lists
    now = timezone.now()
    last = max((c.last_reported_at or c.reported_at for c in members), default=None)
    age = max((now - last).total_seconds() / 86400, 0.0) if last else 0.0
    ticket = issue.ticket if issue.ticket_id else None
    deadline = ""
    if ticket is not None and not ticket.is_done:
        left = (ticket.deadline_at - now).total_seconds()
        deadline = "overdue" if left < 0 else ("soon" if left < 86400 else "")
    return method.heat_of(
        texts=[""] * len(members),
        factors=[c.urgency_factors or [] for c in members],
        residents=_residents(members),
        likes=sum(c.likes for c in members),
        me_too=sum(c.me_too_count for c in members),
        age_days=age,
        deadline=deadline,
        staff_flag=bool(ticket and ticket.supervised) or any(c.staff_flag for c in members),
    )


def explain_heat(issue: HotIssue) -> str:
    """Return the heat formula with this hot issue's numbers, for the tooltip."""
    result = heat_of_issue(issue)
    return _("Heat") + " " + result.explain().replace("优先级", "", 1)


def _residents(members: list[Concern]) -> int:
    return len({c.reporter_key or f"#{c.pk}" for c in members})


def recount(issue: HotIssue) -> HotIssue:
    """Recompute a hot issue's figures from its concerns and save them."""
    members = list(issue.concerns.select_related("compound", "ticket"))
    if not members:
        issue.state = HotIssueState.DISSOLVED
        issue.size = issue.residents = issue.likes = issue.me_too = 0
        issue.heat = 0.0
        issue.save()
        return issue
    result = heat_of_issue(issue, members)
    times = [c.reported_at for c in members]
    now = timezone.now()
    start = now - dt.timedelta(weeks=TREND_WEEKS)
    trend = [0] * TREND_WEEKS
    for t in times:
        if t >= start:
            trend[min(int((t - start).days // 7), TREND_WEEKS - 1)] += 1
    compounds = Counter(c.compound.name for c in members if c.compound_id)
    issue.size = len(members)
    issue.residents = result.residents
    issue.likes = result.likes
    issue.me_too = result.me_too
    issue.first_reported_at = min(times)
    issue.last_reported_at = max(c.last_reported_at or c.reported_at for c in members)
    issue.trend = trend
    issue.compounds = [name for name, _n in compounds.most_common(5)]
    issue.urgency_factors = list(result.factors)
    issue.care_score = result.care
    issue.urgency_score = result.urgency
    issue.heat = result.score
    issue.save()
    return issue


def fit_territories(territory) -> list:
    """Return the territories whose fit covers `territory`: hot issues are fitted per subdistrict.

    A matter often spans communities (a road, a school); one fit per subdistrict sees it
    whole. A community under no subdistrict is fitted alone; a district fits each subdistrict.
    """
    from qiangji.territories.models import Kind, Territory

    if territory.kind == Kind.SUBDISTRICT:
        return [territory]
    if territory.kind in (Kind.COMMUNITY, Kind.COMPOUND, Kind.GRID):
        above = [t for t in territory.ancestors() if t.kind == Kind.SUBDISTRICT]
        if above:
            return above[-1:]
        community = territory if territory.kind == Kind.COMMUNITY else territory.parent
        return [community] if community else []
    return list(Territory.objects.filter(path__startswith=territory.path, kind=Kind.SUBDISTRICT))


# --- the refit -------------------------------------------------------------------------------
def _docs(concerns: list[Concern]) -> list[method.Doc]:
    return [
        method.Doc(
            id=str(c.pk),
            text=f"{c.title} {c.text}",
            time=c.reported_at,
            likes=c.likes,
            user=c.reporter_key or f"#{c.pk}",
            me_too=c.me_too_count,
        )
        for c in concerns
    ]


@transaction.atomic
def do_refresh_hot_issues(*, territory) -> list[HotIssue]:
    """Refit the hot issues of a territory's open concerns, keeping staff corrections.

    Return the territory's active hot issues, hottest first.
    """
    concerns = list(
        Concern.objects.in_territory(territory)
        .open()
        .only(
            "pk", "title", "text", "reported_at", "likes", "reporter_key", "me_too_count",
            "hot_issue_id", "hot_issue_by_staff",
        )
    )  # fmt: skip
    free = [c for c in concerns if not c.hot_issue_by_staff]
    result = method.find_hot_issues(_docs(free), known_names=known_names(territory))
    existing = list(
        HotIssue.objects.select_for_update().filter(territory=territory, state=HotIssueState.ACTIVE)
    )
    old_members: dict[int, set[int]] = {h.pk: set() for h in existing}
    for c in free:
        if c.hot_issue_id in old_members:
            old_members[c.hot_issue_id].add(c.pk)
    taken: set[int] = set()
    assignments: list[tuple[HotIssue, list[int]]] = []
    for found in result.issues:
        pks = [free[i].pk for i in found.members]
        members = set(pks)
        best, best_overlap = None, 0
        for h in existing:
            if h.pk in taken:
                continue
            overlap = len(old_members[h.pk] & members)
            if overlap > best_overlap:
                best, best_overlap = h, overlap
        if best is not None and best_overlap >= TAKE_OVER_SHARE * min(
            len(members), max(len(old_members[best.pk]), 1)
        ):
            row = best
            taken.add(row.pk)
        else:
            row = HotIssue(territory=territory)
        if not row.label_by_staff:
            row.label = found.label[:120]
        row.place, row.problem = found.place[:60], found.problem[:60]
        row.places, row.terms = found.places, found.terms
        row.state = HotIssueState.ACTIVE
        row.save()
        assignments.append((row, pks))
    # Free concerns leave the territory's hot issues, then join their new ones.
    Concern.objects.filter(pk__in=[c.pk for c in free if c.hot_issue_id]).update(hot_issue=None)
    for row, pks in assignments:
        Concern.objects.filter(pk__in=pks).update(hot_issue=row)
    rows = {row.pk: row for row, _ in assignments}
    for h in existing:
        if h.pk not in rows:
            rows[h.pk] = h  # keeps its staff-placed concerns, else dissolves in recount
    for row in rows.values():
        recount(row)
    state = method.to_state(result.lexicon, result.space)
    HotIssueModelStore.objects.update_or_create(
        territory=territory,
        defaults={
            "blob": zlib.compress(json.dumps(state, ensure_ascii=False).encode()),
            "fitted_at": timezone.now(),
            "n_concerns": len(free),
        },
    )
    return list(HotIssue.objects.filter(territory=territory).active().order_by("-heat", "-pk"))


def _index_for(territory_ids: list[int]) -> tuple[method.HotIssueIndex | None, int | None]:
    store = (
        HotIssueModelStore.objects.filter(territory_id__in=territory_ids)
        .order_by("-fitted_at")
        .first()
    )
    if store is None:
        return None, None
    try:
        state = json.loads(zlib.decompress(bytes(store.blob)))
    except (zlib.error, ValueError):
        return None, None
    lexicon, space = method.from_state(state)
    issues = list(
        HotIssue.objects.filter(territory_id=store.territory_id)
        .active()
        .values_list("pk", "places", "terms")
    )
    if not issues:
        return None, None
    return method.HotIssueIndex.build(lexicon, space, issues), store.territory_id


def join_hot_issues(concerns: list[Concern]) -> int:
    """Put new concerns into the hot issue each fits (place and problem), if any; return how many.

    Uses the last fit of the concern's community or of a territory above it; a concern that
    fits none stays single until the next refit.
    """
    joined = 0
    by_community: dict[int, list[Concern]] = {}
    for c in concerns:
        by_community.setdefault(c.community_id, []).append(c)
    for community_id, group in by_community.items():
        from qiangji.territories.models import Territory

        community = Territory.objects.filter(pk=community_id).first()
        if community is None:
            continue
        ancestors = [community.pk, *(t.pk for t in community.ancestors())]
        index, _territory_id = _index_for(ancestors)
        if index is None:
            continue
        keys = index.join([f"{c.title} {c.text}" for c in group])
        touched = set()
        for c, key in zip(group, keys, strict=True):
            if key is not None:
                Concern.objects.filter(pk=c.pk).update(hot_issue_id=key)
                c.hot_issue_id = key
                touched.add(key)
                joined += 1
        for issue in HotIssue.objects.filter(pk__in=touched):
            recount(issue)
    return joined


# --- staff corrections -------------------------------------------------------------------------
def _lock(pk: int, version: int | None) -> HotIssue:
    issue = HotIssue.objects.select_for_update().filter(pk=pk).first()
    if issue is None or issue.state != HotIssueState.ACTIVE:
        raise HotIssueConflict(
            _("This hot issue was merged or dissolved meanwhile; please look again.")
        )
    if version is not None and issue.version != version:
        raise HotIssueConflict(
            _("Someone else changed this hot issue meanwhile; please look again.")
        )
    return issue


@transaction.atomic
def do_merge_hot_issues(
    *, target: HotIssue, other: HotIssue, by=None, versions: tuple[int, int] | None = None
) -> HotIssue:
    """Merge `other` into `target` (its concerns move, staff-placed); return target.

    Both rows are locked in id order so two tabs merging at once cannot both succeed: the
    second finds a merged row or a changed version and gets a conflict, never an error page.
    """
    if target.pk == other.pk:
        raise HotIssueError(_("Choose two different hot issues to merge."))
    first, second = sorted([target.pk, other.pk])
    want = dict(zip([target.pk, other.pk], versions or (None, None), strict=True))
    locked = {pk: _lock(pk, want[pk]) for pk in (first, second)}
    target, other = locked[target.pk], locked[other.pk]
    if target.ticket_id and other.ticket_id:
        raise HotIssueError(_("Both hot issues already have a ticket; close one before merging."))
    Concern.objects.filter(hot_issue=other).update(hot_issue=target, hot_issue_by_staff=True)
    Concern.objects.filter(hot_issue=target).update(hot_issue_by_staff=True)
    if other.ticket_id and not target.ticket_id:
        target.ticket_id, other.ticket_id = other.ticket_id, None
    other.state, other.merged_into, other.version = HotIssueState.MERGED, target, other.version + 1
    other.save()
    target.version += 1
    recount(target)
    if target.ticket_id:
        _follow(target)
    return target


@transaction.atomic
def do_rename_hot_issue(
    *, issue: HotIssue, label: str, by=None, version: int | None = None
) -> HotIssue:
    """Give a hot issue the label staff chose; refits keep it."""
    label = " ".join((label or "").replace("\x00", "").split())[:120]
    if not label:
        raise HotIssueError(_("Please give the hot issue a name."))
    issue = _lock(issue.pk, version)
    issue.label, issue.label_by_staff, issue.version = label, True, issue.version + 1
    issue.save(update_fields=["label", "label_by_staff", "version", "updated_at"])
    return issue


@transaction.atomic
def do_split_hot_issue(
    *, issue: HotIssue, concern_ids: list[int], label: str, by=None, version: int | None = None
) -> HotIssue:
    """Move the chosen concerns of a hot issue into a new one named `label`; return the new one."""
    issue = _lock(issue.pk, version)
    label = " ".join((label or "").replace("\x00", "").split())[:120]
    chosen = list(issue.concerns.filter(pk__in=concern_ids).values_list("pk", flat=True))
    if not chosen:
        raise HotIssueError(_("Choose the concerns that form the new hot issue."))
    if len(chosen) == issue.concerns.count():
        raise HotIssueError(_("Leave at least one concern in the hot issue."))
    new = HotIssue.objects.create(
        territory=issue.territory,
        label=label or issue.label,
        label_by_staff=bool(label),
        place=issue.place,
        problem=issue.problem,
        places=issue.places,
        terms=issue.terms,
    )
    Concern.objects.filter(pk__in=chosen).update(hot_issue=new, hot_issue_by_staff=True)
    Concern.objects.filter(hot_issue=issue).update(hot_issue_by_staff=True)
    issue.version += 1
    recount(issue)
    recount(new)
    return new


@transaction.atomic
def do_move_out(*, issue: HotIssue, concern: Concern, by=None) -> HotIssue:
    """Take a concern out of its hot issue; refits leave it single."""
    issue = _lock(issue.pk, None)
    current = Concern.objects.filter(pk=concern.pk).values_list("hot_issue_id", flat=True).first()
    if current != issue.pk:
        raise HotIssueError(_("This concern is not in the hot issue."))
    Concern.objects.filter(pk=concern.pk).update(hot_issue=None, hot_issue_by_staff=True)
    issue.version += 1
    return recount(issue)


# --- one ticket for the whole matter ----------------------------------------------------------
@transaction.atomic
def do_hot_issue_ticket(*, issue: HotIssue, by=None) -> Ticket:
    """Make one ticket for the whole matter: its lead concern's; every other follows it."""
    issue = _lock(issue.pk, None)
    if issue.ticket_id:
        return issue.ticket
    lead = (
        issue.concerns.filter(closed_at__isnull=True, ticket__isnull=False)
        .order_by("-priority_score", "reported_at", "pk")
        .select_related("ticket")
        .first()
    )
    if lead is None:
        raise HotIssueError(_("The hot issue has no open concern to act on."))
    issue.ticket = lead.ticket
    issue.version += 1
    issue.save(update_fields=["ticket", "version", "updated_at"])
    TicketEvent.objects.create(
        ticket=lead.ticket,
        action=TicketAction.ACCEPT,
        from_state=lead.ticket.state,
        to_state=lead.ticket.state,
        note=_("One ticket for the hot issue “%(label)s” (%(n)d concerns)")
        % {"label": issue.label, "n": issue.size},
        by=by,
    )
    _follow(issue)
    return lead.ticket


def following_ticket(ticket: Ticket) -> Ticket | None:
    """Return the hot-issue ticket this ticket follows (it is then not acted on by itself)."""
    issue = (
        HotIssue.objects.filter(concerns__ticket=ticket, ticket__isnull=False)
        .exclude(ticket=ticket)
        .select_related("ticket")
        .first()
    )
    return issue.ticket if issue else None


def _follow(issue: HotIssue) -> int:
    """Bring the tickets of a hot issue's concerns to its ticket's state; return how many moved."""
    lead = Ticket.objects.get(pk=issue.ticket_id)
    now = timezone.now()
    followers = list(
        Ticket.objects.filter(concern__hot_issue=issue)
        .exclude(pk=lead.pk)
        .exclude(state=lead.state)
        .select_related("concern")
    )
    for t in followers:
        TicketEvent.objects.create(
            ticket=t,
            action=TicketAction.ACCEPT,
            from_state=t.state,
            to_state=lead.state,
            note=_("Follows the hot issue's ticket #%(pk)d") % {"pk": lead.pk},
            by=None,
            at=now,
        )
        t.state = lead.state
        t.assignee_id, t.unit = lead.assignee_id, lead.unit
        t.answer, t.answered_at = lead.answer, lead.answered_at
        t.satisfaction = lead.satisfaction if lead.state == TicketState.CLOSED else ""
        t.closed_at = lead.closed_at
        t.version += 1
        t.save()
    if lead.state == TicketState.CLOSED:
        Concern.objects.filter(hot_issue=issue, closed_at__isnull=True).update(
            closed_at=lead.closed_at or now
        )
    return len(followers)


def after_ticket_action(ticket: Ticket) -> None:
    """Called by the ticket cycle after a step: a hot issue's ticket carries its concerns along."""
    issue = HotIssue.objects.filter(ticket=ticket).first()
    if issue is not None:
        _follow(issue)

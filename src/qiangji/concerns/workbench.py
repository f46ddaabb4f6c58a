"""The concerns' part of the workbench (工作台): tickets to do, and the three rates.

One definition of each to-do (`TODOS`) serves both the workbench's counts and the ticket list
it links to (`views.tickets`), so the count on the workbench is the length of that list.
`todos()` runs two queries whatever the size of the data: one conditional aggregate over the
tickets in every scope of the person, one over failed imports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiangji.accounts.models import Role
from qiangji.concerns.models import ImportBatch, ImportState, Ticket, TicketState
from qiangji.core.workbench import Figure, Todo
from qiangji.territories.models import Territory

DONE = (TicketState.ANSWERED, TicketState.CLOSED)
FIGURES_SECONDS = 600  # the rates are recomputed at most every ten minutes


@dataclass(frozen=True)
class TodoKind:
    key: str
    label: str
    oldest: str  # the ticket field whose minimum dates the oldest item
    personal: bool = False  # the person's own tickets (assignee), not a territory's

    def condition(self, user, now: dt.datetime) -> Q:
        """Return the tickets this to-do is about (before narrowing to a scope)."""
        if self.key == "route":
            return Q(state=TicketState.ACCEPTED)
        if self.key == "sign":
            return Q(state=TicketState.DISPATCHED, assignee=user)
        if self.key == "handle":
            return Q(state__in=(TicketState.SIGNED, TicketState.HANDLING), assignee=user)
        if self.key == "overdue":
            return ~Q(state__in=DONE) & Q(deadline_at__lt=now)
        if self.key == "follow_up":
            return Q(state=TicketState.ANSWERED)
        if self.key == "grid":
            return ~Q(state__in=DONE)
        raise ValueError(self.key)


TODOS = {
    kind.key: kind
    for kind in (
        TodoKind(
            "sign", gettext_lazy("Tickets sent to you to sign for"), "deadline_at", personal=True
        ),
        TodoKind("handle", gettext_lazy("Tickets you are handling"), "deadline_at", personal=True),
        TodoKind("overdue", gettext_lazy("Overdue tickets"), "deadline_at"),
        TodoKind("route", gettext_lazy("New concerns to dispatch"), "concern__reported_at"),
        TodoKind("follow_up", gettext_lazy("Follow-up calls due"), "answered_at"),
        TodoKind("grid", gettext_lazy("Open tickets in your grid"), "deadline_at"),
    )
}


@dataclass(frozen=True)
class Scope:
    """Where a person works, for the to-dos: a community, a grid, or a territory above."""

    territory_id: int
    path: str
    kind: str  # territory kind
    keys: tuple[str, ...]  # the to-dos of this role here

    def condition(self) -> Q:
        if self.kind == "community":
            return Q(concern__community_id=self.territory_id)
        if self.kind == "grid":
            return Q(concern__grid_id=self.territory_id)
        below = Territory.objects.filter(path__startswith=self.path, kind="community")
        return Q(concern__community_id__in=below.values("pk"))


def scopes(access) -> list[Scope]:
    """Return the person's scopes for tickets, one per territory role (the widest first)."""
    found: dict[int, Scope] = {}
    for grant in access.grants:
        if not grant.territory_id:
            continue
        if grant.role == Role.SUBDISTRICT_ADMIN:
            keys: tuple[str, ...] = ("overdue",)
        elif grant.role in (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF):
            keys = ("route", "overdue")
        elif grant.role == Role.GRID_WORKER:
            keys = ("grid", "follow_up")
        else:
            continue
        previous = found.get(grant.territory_id)
        merged = tuple(dict.fromkeys((*(previous.keys if previous else ()), *keys)))
        found[grant.territory_id] = Scope(
            grant.territory_id, grant.territory_path, grant.territory_kind, merged
        )
    if access.is_superuser and not found:
        for pk, path, kind in Territory.objects.filter(parent__isnull=True).values_list(
            "pk", "path", "kind"
        ):
            found[pk] = Scope(pk, path, kind, ("overdue",))
    # A scope inside a wider one of the same person adds nothing but noise.
    ordered = sorted(found.values(), key=lambda s: len(s.path))
    kept: list[Scope] = []
    for scope in ordered:
        if not any(scope.path.startswith(w.path) and set(scope.keys) <= set(w.keys) for w in kept):
            kept.append(scope)
    return kept


def tickets_for(key: str, user, access, scope: Scope | None, now: dt.datetime | None = None):
    """Return the tickets of one to-do, oldest first: what the workbench counts and links to."""
    kind = TODOS[key]
    now = now or timezone.now()
    tickets = Ticket.objects.filter(kind.condition(user, now))
    if not kind.personal:
        if scope is None:
            return Ticket.objects.none()
        tickets = tickets.filter(scope.condition())
    return tickets.order_by(kind.oldest, "pk")


def list_url(key: str, territory_id: int | None = None) -> str:
    """Return the ticket list of one to-do (in one territory of the person)."""
    params: dict[str, str | int] = {"todo": key}
    if territory_id is not None:
        params["territory"] = territory_id
    return f"{reverse('concerns:tickets')}?{urlencode(params)}"


def todos(request, access) -> list[Todo]:
    user = request.user
    now = timezone.now()
    wanted: list[tuple[str, Scope | None]] = [("sign", None), ("handle", None)]
    mine = scopes(access)
    wanted += [(key, scope) for scope in mine for key in scope.keys]
    # Two aggregates, each narrowed by an index: the person's own tickets (assignee), then
    # the tickets of their territories (a community, a grid, or the communities below).
    personal = {i: ks for i, ks in enumerate(wanted) if ks[1] is None}
    scoped = {i: ks for i, ks in enumerate(wanted) if ks[1] is not None}
    values: dict = {}
    for part, narrowing in ((personal, Q(assignee=user)), (scoped, None)):
        if not part:
            continue
        aggregates = {}
        for i, (key, scope) in part.items():
            kind = TODOS[key]
            condition = kind.condition(user, now)
            if scope is not None:
                condition &= scope.condition()
            aggregates[f"n{i}"] = Count("pk", filter=condition)
            aggregates[f"o{i}"] = Min(kind.oldest, filter=condition)
            aggregates[f"c{i}"] = Min("concern_id", filter=condition)
        if narrowing is None:
            narrowing = Q(pk__in=[])
            for scope in mine:
                narrowing |= scope.condition()
        values.update(Ticket.objects.filter(narrowing).aggregate(**aggregates))
    names = {
        pk: f"{parent} · {name}" if kind == "grid" and parent else name
        for pk, name, kind, parent in Territory.objects.filter(
            pk__in=[s.territory_id for s in mine]
        ).values_list("pk", "name", "kind", "parent__name")
    }
    found: list[Todo] = []
    for i, (key, scope) in enumerate(wanted):
        count = values[f"n{i}"]
        if not count:
            continue
        oldest = values[f"o{i}"]
        urgent = key == "overdue" or (
            key in ("sign", "handle") and oldest is not None and oldest < now
        )
        url = (
            reverse("concerns:detail", args=[values[f"c{i}"]])
            if count == 1
            else list_url(key, scope.territory_id if scope else None)
        )
        found.append(
            Todo(
                label=str(TODOS[key].label),
                url=url,
                count=count,
                oldest=oldest,
                community=names.get(scope.territory_id, "") if scope else "",
                kind=f"concerns.{key}",
                urgent=urgent,
            )
        )
    found += _failed_imports(request, access, mine, names)
    return found


def _failed_imports(request, access, mine: list[Scope], names: dict) -> list[Todo]:
    """Imports that failed in the communities the person works for (their own uploads too)."""
    condition = Q(uploaded_by=request.user)
    for scope in mine:
        if scope.kind == "community" and "route" in scope.keys:
            condition |= Q(community_id=scope.territory_id)
        elif "route" not in scope.keys and scope.kind != "grid":
            condition |= Q(community__path__startswith=scope.path)
    values = (
        ImportBatch.objects.filter(condition, state=ImportState.FAILED)
        .defer("content")
        .aggregate(n=Count("pk"), oldest=Min("created_at"), first=Min("pk"))
    )
    if not values["n"]:
        return []
    return [
        Todo(
            label=_("Imports that failed"),
            url=reverse("concerns:import_detail", args=[values["first"]]),
            count=values["n"],
            oldest=values["oldest"],
            kind="concerns.failed_imports",
            urgent=True,
        )
    ]


def figures(request, access) -> list[Figure]:
    """The three rates of the tickets in the person's widest territory (cached ten minutes)."""
    if not (access.is_superuser or access.grants):
        return []
    roots = [g for g in access.grants if g.territory_path and g.role != Role.GRID_WORKER]
    if access.is_superuser:
        territory = Territory.objects.filter(parent__isnull=True).only("pk", "path").first()
        if territory is None:
            return []
        path, territory_id = territory.path, territory.pk
    elif roots:
        widest = min(roots, key=lambda g: len(g.territory_path))
        path, territory_id = widest.territory_path, widest.territory_id
    else:
        return []
    key = f"workbench:concerns:rates:{path}"
    values = cache.get(key)
    if values is None:
        from qiangji.concerns.stats import measures

        now = timezone.now()
        values = Ticket.objects.filter(concern__community__path__startswith=path).aggregate(
            **measures(now, handling=False)
        )
        values["at"] = now
        cache.set(key, values, FIGURES_SECONDS)
    stats_url = f"{reverse('concerns:stats')}?territory={territory_id}"

    def rate(part: str, whole: str) -> str:
        return f"{100 * values[part] / values[whole]:.1f}%" if values[whole] else "—"

    return [
        Figure(
            label=_("Response rate"),
            value=rate("responded", "total"),
            definition=_(
                "Tickets signed for or further, out of all tickets in the territory "
                "(%(n)s tickets)."
            )
            % {"n": values["total"]},
            computed_at=values["at"],
            url=stats_url,
            kind="concerns.response_rate",
        ),
        Figure(
            label=_("Solve rate"),
            value=rate("solved", "total"),
            definition=_("Tickets answered or followed up, out of all tickets in the territory."),
            computed_at=values["at"],
            url=stats_url,
            kind="concerns.solve_rate",
        ),
        Figure(
            label=_("Satisfaction rate"),
            value=rate("satisfied", "visited"),
            definition=_(
                "Residents satisfied or fairly satisfied at the follow-up call, out of the "
                "tickets followed up (%(n)s)."
            )
            % {"n": values["visited"]},
            computed_at=values["at"],
            url=stats_url,
            kind="concerns.satisfaction_rate",
        ),
    ]

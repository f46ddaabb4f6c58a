"""Pages of the concerns app: the public phone form, lists, top-10, tickets, import, topics."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiangji.accounts.models import Role, RoleGrant, User
from qiangji.accounts.permissions import Access, access_for, require
from qiangji.concerns import actions, importing
from qiangji.concerns.forms import (
    ImportUploadForm,
    PublicConcernForm,
    RecategoriseForm,
    StaffConcernForm,
    TicketActionForm,
)
from qiangji.concerns.models import (
    Category,
    Channel,
    Concern,
    ImportBatch,
    ImportMapping,
    ImportState,
    Ticket,
    TicketAction,
    TicketState,
    Topic,
)
from qiangji.concerns.stats import PERIODS, ticket_statistics
from qiangji.lib.files import file_response
from qiangji.lib.qr import qr_svg
from qiangji.lib.ratelimit import Limit, client_key
from qiangji.lib.tabular import csv_response
from qiangji.territories.models import Kind, Territory

DEVICE_COOKIE = "qj_device"
RATE_WINDOW_SECONDS = 600
RETENTION_DAYS = getattr(settings, "CONCERNS_RETENTION_DAYS", 180)
PAGE_SIZE = 20  # a phone screenful or two; rendering, not SQL, dominates the page time


# --- permission helpers -----------------------------------------------------------------------
def _public_community(pk: int) -> Territory:
    return get_object_or_404(Territory, pk=pk, kind=Kind.COMMUNITY)


def _can_enter(access: Access, community: Territory) -> bool:
    """Staff entry: the community's workers, and its grid workers recording a patrol."""
    return access.can_work_in_community(community) or community.pk in access.grid_community_ids


def _get_concern_for_user(request: HttpRequest, pk: int) -> tuple[Concern, bool]:
    """Return a concern the person may read and whether they may work on it (else 404)."""
    concern = get_object_or_404(
        Concern.objects.select_related(
            "community", "compound", "grid", "category", "reporter", "ticket__assignee", "topic"
        ),
        pk=pk,
    )
    access = access_for(request.user)
    if not access.can_view_territory(concern.community):
        raise Http404
    return concern, access.can_work_in_community(concern.community)


# The steps of the person a ticket is dispatched to (often a grid worker, who does not work
# in the community's office and so holds none of the other steps).
ASSIGNEE_ACTIONS = (
    TicketAction.SIGN,
    TicketAction.START,
    TicketAction.ANSWER,
    TicketAction.RETURN,
)


# A grid worker calls back the residents of their grid (回访) once a ticket there is answered.
GRID_WORKER_ACTIONS = (TicketAction.FOLLOW_UP,)


def _permitted_steps(request: HttpRequest, ticket: Ticket, *, can_work: bool) -> set[str] | None:
    """Return the steps this person's roles allow on the ticket (None: all of them).

    The one rule for ticket steps: the page shows, and a post may take, only these.
    """
    if can_work:
        return None
    mine: set[str] = set()
    if ticket.assignee_id is not None and ticket.assignee_id == request.user.pk:
        mine.update(ASSIGNEE_ACTIONS)
    grid_id = ticket.concern.grid_id
    if grid_id is not None and any(
        g.role == Role.GRID_WORKER and g.territory_id == grid_id
        for g in access_for(request.user).grants
    ):
        mine.update(GRID_WORKER_ACTIONS)
    return mine


def _ticket_actions(request: HttpRequest, ticket: Ticket, *, can_work: bool) -> list[str]:
    """Return the steps this person may take on the ticket now."""
    permitted = _permitted_steps(request, ticket, can_work=can_work)
    allowed = actions.allowed_actions(ticket)
    return allowed if permitted is None else [a for a in allowed if a in permitted]


def _scope(request: HttpRequest, access: Access) -> Territory:
    """Return the territory a list is about: ?territory= if readable, else the person's home."""
    raw = request.GET.get("territory", "")
    if raw.isdigit():
        territory = Territory.objects.filter(pk=int(raw)).first()
        if territory is None or not access.can_view_territory(territory):
            raise Http404
        return territory
    roots = access.root_territories()
    if not roots:
        communities = list(access.visible_territories().filter(kind=Kind.COMMUNITY)[:1])
        require(bool(communities))
        return communities[0]
    root = roots[0]
    if root.kind == Kind.GRID:
        return root.parent
    if root.kind == Kind.COMPOUND:
        return root.parent
    return root


def _person(request: HttpRequest) -> str:
    """Return the anonymous resident's device id (a cookie), else a hash of their address."""
    device = request.COOKIES.get(DEVICE_COOKIE, "")
    if device and len(device) <= 64:
        return f"device:{device}"
    return "ip:" + client_key(request)


def _with_device_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(18),
            max_age=365 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _form_limit() -> Limit:
    return Limit(
        "concerns-form",
        getattr(settings, "CONCERNS_FORM_RATE_LIMIT", 5),
        RATE_WINDOW_SECONDS,
    )


def _rate_limited(request: HttpRequest, community: Territory) -> bool:
    """Return True when this address already stored too many concerns or me-toos lately.

    The count is shared by every worker and keyed on the client's address as seen through
    the configured trusted proxy (`lib.ratelimit`).
    """
    return _form_limit().exceeded(f"{community.pk}:{client_key(request)}")


def _count_submission(request: HttpRequest, community: Territory) -> None:
    _form_limit().hit(f"{community.pk}:{client_key(request)}")


def _similar_limit() -> Limit:
    # The form asks once per pause in typing: a resident writing a long message makes a few
    # dozen requests; a script listing the community's concerns makes thousands.
    return Limit(
        "concerns-similar",
        getattr(settings, "CONCERNS_SIMILAR_RATE_LIMIT", 60),
        RATE_WINDOW_SECONDS,
    )


# --- what other apps report about a concern (plug-ins) ----------------------------------------
FOLLOW_SALT = "concerns.follow"


def follow_token(concern_pk: int) -> str:
    """Return the unguessable token of a concern's public page (given to the resident)."""
    from django.core import signing

    return signing.dumps(concern_pk, salt=FOLLOW_SALT, compress=True)


def concern_outcomes(concern_ids: list[int]) -> dict[int, list[dict]]:
    """Return what other apps say about the concerns, e.g. "已纳入…品牌项目《…》，进度 80%".

    The concerns app imports no capability: any app whose ``interface.py`` declares
    ``concern_progress(concern_ids) -> {id: [{"text", "done", "url", ...}]}`` is asked
    (found with ``core.plugins.app_modules``; the implementation app declares it).
    """
    from qiangji.core.plugins import app_modules

    found: dict[int, list[dict]] = {pk: [] for pk in concern_ids}
    for module in app_modules("interface"):
        hook = getattr(module, "concern_progress", None)
        if hook is None:
            continue
        for pk, entries in hook(concern_ids).items():
            found.setdefault(pk, []).extend(entries)
    return found


# --- the public phone form --------------------------------------------------------------------
def _similar(community: Territory, text: str):
    return (
        actions.similar_open_concerns(community, text, limit=5)
        if text and len(text.strip()) >= 4
        else []
    )


@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest, community_pk: int) -> HttpResponse:
    community = _public_community(community_pk)
    form = PublicConcernForm(request.POST or None, request.FILES or None, community=community)
    similar = []
    status = 200
    if request.method == "POST":
        if request.POST.get("website"):
            # A bot filled the honeypot: answer as if all went well, store nothing.
            return redirect("concerns:public_thanks", community_pk=community.pk)
        if _rate_limited(request, community):
            return render(
                request, "concerns/public_limited.html", {"community": community}, status=429
            )
        if form.is_valid():
            data = form.cleaned_data
            similar = [] if data.get("confirm_new") else _similar(community, data["text"])
            if not similar:
                photo = None
                if data.get("photo"):
                    checked = data["photo"]
                    photo = ContentFile(checked.data, name=f"concern.{checked.extension}")
                try:
                    concern = actions.do_file_concern(
                        community=community,
                        text=data["text"],
                        compound=data.get("compound"),
                        channel=Channel.FORM,
                        reporter_name=data.get("name", ""),
                        reporter_phone=data.get("phone", ""),
                        consent=bool(data.get("consent")),
                        person=_person(request),
                        photo=photo,
                    )
                except actions.ConcernError as error:
                    form.add_error("text", str(error))
                    status = 400
                else:
                    _count_submission(request, community)
                    request.session["concerns_last_filed"] = concern.pk
                    return redirect("concerns:public_thanks", community_pk=community.pk)
            else:
                form.data = form.data.copy()
                form.data["confirm_new"] = "on"
        else:
            status = 400
    response = render(
        request,
        "concerns/public_form.html",
        {
            "community": community,
            "form": form,
            "similar": similar,
            "retention_days": RETENTION_DAYS,
        },
        status=status,
    )
    return _with_device_cookie(request, response)


@require_GET
def public_similar(request: HttpRequest, community_pk: int) -> HttpResponse:
    """The similar open concerns for what the resident has typed so far (an htmx fragment)."""
    community = _public_community(community_pk)
    text = request.GET.get("text", "")[:2000]
    limit, key = _similar_limit(), f"{community.pk}:{client_key(request)}"
    if limit.exceeded(key):
        # An empty list (htmx keeps what it showed): the form itself still works.
        return render(
            request,
            "concerns/public_form.html#similar",
            {"community": community, "similar": [], "live": True},
            status=429,
        )
    limit.hit(key)
    return render(
        request,
        "concerns/public_form.html#similar",
        {"community": community, "similar": _similar(community, text), "live": True},
    )


@require_POST
def public_metoo(request: HttpRequest, community_pk: int, pk: int) -> HttpResponse:
    community = _public_community(community_pk)
    concern = get_object_or_404(Concern.objects.open().public(), pk=pk, community=community)
    if _rate_limited(request, community):
        return render(request, "concerns/public_limited.html", {"community": community}, status=429)
    added = actions.do_me_too(concern=concern, person=_person(request))
    _count_submission(request, community)
    request.session["concerns_metoo"] = {"pk": concern.pk, "added": added}
    return _with_device_cookie(
        request, redirect("concerns:public_thanks", community_pk=community.pk)
    )


@require_GET
def public_thanks(request: HttpRequest, community_pk: int) -> HttpResponse:
    community = _public_community(community_pk)
    metoo = request.session.pop("concerns_metoo", None)
    filed = request.session.pop("concerns_last_filed", None)
    followed = filed or (metoo or {}).get("pk")
    return render(
        request,
        "concerns/public_thanks.html",
        {
            "community": community,
            "metoo": metoo,
            "filed": filed,
            "follow": follow_token(followed) if followed else "",
        },
    )


@require_GET
def public_concern(request: HttpRequest, community_pk: int, token: str) -> HttpResponse:
    """A concern's public page for the resident who raised or supported it (no personal data)."""
    from django.core import signing

    community = _public_community(community_pk)
    try:
        pk = int(signing.loads(token[:200], salt=FOLLOW_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    concern = get_object_or_404(
        Concern.objects.select_related("ticket"), pk=pk, community=community
    )
    ticket = getattr(concern, "ticket", None)
    return render(
        request,
        "concerns/public_concern.html",
        {
            "community": community,
            "concern": concern,
            "ticket": ticket,
            "outcomes": concern_outcomes([concern.pk])[concern.pk],
        },
    )


@login_required
@require_GET
def poster(request: HttpRequest, community_pk: int) -> HttpResponse:
    """A printable A4 poster with the QR code of the community's form."""
    community = _public_community(community_pk)
    require(access_for(request.user).can_work_in_community(community))
    url = request.build_absolute_uri(reverse("concerns:public_form", args=[community.pk]))
    return render(
        request,
        "concerns/poster.html",
        {"community": community, "url": url, "qr": qr_svg(url, title=community.name)},
    )


# --- staff lists ------------------------------------------------------------------------------
def _visible_concerns(access: Access, territory: Territory):
    return Concern.objects.in_territory(territory).select_related(
        "community", "compound", "category", "ticket"
    )


class SearchPaginator(Paginator):
    """Pages of search results counting at most SEARCH_COUNT_CAP + 1 matches.

    A frequent word across a city can match hundreds of thousands of concerns; counting them
    all costs more than the page. Beyond the cap the list says "more than 1,000" and offers
    the first 50 pages; the search words narrow it.
    """

    @cached_property
    def count(self) -> int:
        return self.object_list[: SEARCH_COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > SEARCH_COUNT_CAP


SEARCH_COUNT_CAP = 1000


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    territory = _scope(request, access)
    concerns = _visible_concerns(access, territory)
    state = request.GET.get("state", "open")
    query = request.GET.get("q", "").strip()[:100]
    if not query:
        # Reports of the same matter are listed once, under the first; a search finds them all.
        concerns = concerns.roots()
    if state == "open":
        concerns = concerns.open()
    elif state == "closed":
        concerns = concerns.filter(closed_at__isnull=False)
    elif state == "unrouted":
        concerns = concerns.open().filter(actions.needs_routing_q())
    elif state == "overdue":
        concerns = concerns.filter(
            ticket__deadline_at__lt=timezone.now(),
        ).exclude(ticket__state__in=[TicketState.ANSWERED, TicketState.CLOSED])
    category = request.GET.get("category", "")
    if category.isdigit():
        concerns = concerns.filter(category_id=int(category))
    if query:
        concerns = concerns.search(query, one_community_page=territory.kind == Kind.COMMUNITY)
    order = request.GET.get("order", "priority")
    concerns = (
        concerns.order_by("-priority_score", "-pk")
        if order == "priority"
        else concerns.order_by("-reported_at", "-pk")
    )
    paginator = (SearchPaginator if query else Paginator)(concerns, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "territory": territory,
        "page": page,
        "query": query,
        "state": state,
        "category": category,
        "order": order,
        "categories": Category.objects.filter(active=True),
        "communities": access.visible_territories()
        .filter(kind=Kind.COMMUNITY)
        .order_by("order", "name"),
        "can_enter": territory.kind == Kind.COMMUNITY and _can_enter(access, territory),
        "can_work": territory.kind == Kind.COMMUNITY and access.can_work_in_community(territory),
        "now": timezone.now(),
        "routing": None
        if request.htmx
        else actions.routing_figures(_visible_concerns(access, territory)),
    }
    template = "concerns/index.html#results" if request.htmx else "concerns/index.html"
    return render(request, template, context)


TICKETS_PAGE_SIZE = 50


@login_required
@require_GET
def tickets(request: HttpRequest) -> HttpResponse:
    """The tickets of one to-do of the workbench (or all open ones of the person), oldest first."""
    from qiangji.concerns.workbench import DONE, TODOS, scopes, tickets_for

    access = access_for(request.user)
    require(access.is_superuser or bool(access.grants))
    mine = scopes(access)
    key = request.GET.get("todo", "")
    if key not in TODOS:
        key = ""
    raw = request.GET.get("territory", "")
    chosen = mine
    if raw.isdigit():
        chosen = [scope for scope in mine if scope.territory_id == int(raw)]
        if not chosen:
            raise Http404
    if key and TODOS[key].personal:
        rows = tickets_for(key, request.user, access, None)
    else:
        condition = Q(pk__in=[])
        for scope in chosen:
            if not key or key in scope.keys:
                condition |= scope.condition()
        if key:
            rows = Ticket.objects.filter(
                condition & TODOS[key].condition(request.user, timezone.now())
            )
            rows = rows.order_by(TODOS[key].oldest, "pk")
        else:
            rows = Ticket.objects.filter(
                (condition | Q(assignee=request.user)) & ~Q(state__in=DONE)
            ).order_by("deadline_at", "pk")
    rows = rows.select_related("concern__community", "concern__grid", "assignee")
    page = Paginator(rows, TICKETS_PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = [TODOS[k] for k in ("sign", "handle")] + [
        TODOS[k] for k in dict.fromkeys(k for scope in mine for k in scope.keys)
    ]
    context = {
        "page": page,
        "todo": TODOS.get(key),
        "kinds": kinds,
        "territory": raw if raw.isdigit() else "",
        "now": timezone.now(),
    }
    template = "concerns/tickets.html#table" if request.htmx else "concerns/tickets.html"
    return render(request, template, context)


TOP_N = 10  # 十大关切: ten entries, hot issues first
TOP_HOT = 5  # at most this many of the ten are hot issues


def top_lists(territory: Territory) -> tuple[list, list[Concern], list[Concern]]:
    """Return the territory's 最关切 (hot issues, then single concerns) and 最紧迫 lists.

    最关切 holds ten entries: up to five hot issues (whole matters, by heat), then the open
    concerns most cared about that belong to none of them. 最紧迫 is ten single concerns.
    """
    from qiangji.concerns.models import HotIssue

    hot = list(
        HotIssue.objects.active()
        .in_territory(territory)
        .with_heat_inputs()
        .order_by("-heat", "-pk")[:TOP_HOT]
    )
    base = (
        Concern.objects.in_territory(territory)
        .open()
        .roots()
        .select_related("community", "compound", "category", "ticket")
    )
    singles = base.exclude(hot_issue__in=[h.pk for h in hot]) if hot else base
    cared = list(singles.order_by("-care_score", "-priority_score", "-pk")[: TOP_N - len(hot)])
    urgent = list(base.order_by("-urgency_score", "-priority_score", "-pk")[:TOP_N])
    return hot, cared, urgent


@login_required
@require_GET
def top(request: HttpRequest) -> HttpResponse:
    from qiangji.concerns.hotissues import explain_heat

    access = access_for(request.user)
    territory = _scope(request, access)
    hot, cared, urgent = top_lists(territory)
    shown = [*cared, *urgent]
    for concern, result in zip(shown, actions.priorities_of(shown), strict=True):
        concern.explanation = result.explain()
    for issue in hot:
        issue.explanation = explain_heat(issue)
    return render(
        request,
        "concerns/top.html",
        {
            "territory": territory,
            "hot": hot,
            "cared": cared,
            "urgent": urgent,
            "communities": access.visible_territories()
            .filter(kind=Kind.COMMUNITY)
            .order_by("order", "name"),
        },
    )


def _entry_defaults(access: Access, community: Territory) -> dict:
    """A grid worker records what they met on patrol, in their own grid."""
    grids = [
        g.territory_id
        for g in access.grants
        if g.role == Role.GRID_WORKER and g.territory_kind == Kind.GRID
    ]
    grid = community.children.filter(kind=Kind.GRID, pk__in=grids).first()
    if grid is None:
        return {}
    return {"channel": Channel.PATROL, "grid": grid.pk}


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    raw = request.GET.get("community", "") or request.POST.get("community", "")
    community = (
        get_object_or_404(Territory, pk=int(raw), kind=Kind.COMMUNITY)
        if raw.isdigit()
        else _scope(request, access)
    )
    if community.kind != Kind.COMMUNITY:
        raise Http404
    require(_can_enter(access, community))
    form = StaffConcernForm(
        request.POST or None, community=community, initial=_entry_defaults(access, community)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = actions.do_file_concern(
                community=community,
                text=data["text"],
                channel=data["channel"],
                compound=data.get("compound"),
                grid=data.get("grid"),
                category=data.get("category"),
                reporter_name=data.get("name", ""),
                reporter_phone=data.get("phone", ""),
                consent=bool(data.get("consent")),
                person=data.get("phone", ""),
                by=request.user,
            )
        except actions.ConcernError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The concern was recorded."))
            return redirect("concerns:detail", pk=concern.pk)
    return render(
        request,
        "concerns/new.html",
        {"community": community, "form": form},
        status=400 if form.errors else 200,
    )


# --- one concern and its ticket -----------------------------------------------------------
def _people_for(community: Territory):
    """Return who a ticket may be dispatched to: the community's people and the admins above."""
    ids = RoleGrant.objects.filter(
        Q(territory__path__startswith=community.path)
        | Q(territory_id__in=[int(p) for p in community.path.strip("/").split("/")]),
        role__in=[
            Role.COMMUNITY_SECRETARY,
            Role.COMMUNITY_STAFF,
            Role.GRID_WORKER,
            Role.SUBDISTRICT_ADMIN,
        ],
    ).values_list("user_id", flat=True)
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern, can_work = _get_concern_for_user(request, pk)
    ticket = concern.ticket
    allowed = _ticket_actions(request, ticket, can_work=can_work)
    context = {
        "concern": concern,
        "ticket": ticket,
        "can_work": can_work,
        "explanation": actions.priority_of(concern).explain(),
        "events": ticket.events.select_related("by"),
        "duplicates": concern.duplicates.order_by("reported_at")[:50],
        "allowed": allowed,
        "form": TicketActionForm(people=_people_for(concern.community)) if allowed else None,
        "recategorise": RecategoriseForm(initial={"category": concern.category_id})
        if can_work
        else None,
        "actions_labels": dict(TicketAction.choices),
        "states": TicketState.choices,
        "outcomes": concern_outcomes([concern.pk])[concern.pk],
        # Below the auto-routing threshold the category waits for a person: the top two.
        "suggestions": actions.routing_suggestions(concern)
        if can_work
        and not concern.category_by_staff
        and concern.category_confidence < actions.auto_threshold()
        else [],
    }
    template = "concerns/detail.html#ticket" if request.htmx else "concerns/detail.html"
    return render(request, template, context)


@login_required
@require_POST
def ticket_action(request: HttpRequest, pk: int) -> HttpResponse:
    concern, can_work = _get_concern_for_user(request, pk)
    permitted = _permitted_steps(request, concern.ticket, can_work=can_work)
    require(permitted is None or bool(permitted))
    form = TicketActionForm(request.POST, people=_people_for(concern.community))
    if not form.is_valid():
        messages.error(
            request,
            _("The form was incomplete: %(errors)s")
            % {"errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())},
        )
        return redirect("concerns:detail", pk=concern.pk)
    data = form.cleaned_data
    require(permitted is None or data["action"] in permitted)
    new_deadline = data.get("new_deadline")
    if new_deadline is not None and timezone.is_naive(new_deadline):
        new_deadline = timezone.make_aware(new_deadline)
    try:
        actions.do_ticket_action(
            ticket=concern.ticket,
            action=data["action"],
            by=request.user,
            version=data["version"],
            note=data.get("note", ""),
            assignee=data.get("assignee"),
            unit=data.get("unit", ""),
            answer=data.get("answer", ""),
            satisfaction=data.get("satisfaction", ""),
            new_deadline=new_deadline,
        )
    except actions.ConcernError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Ticket updated."))
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("concerns:detail", args=[concern.pk])
        return response
    return redirect("concerns:detail", pk=concern.pk)


@login_required
@require_POST
def recategorise(request: HttpRequest, pk: int) -> HttpResponse:
    concern, can_work = _get_concern_for_user(request, pk)
    require(can_work)
    form = RecategoriseForm(request.POST)
    if form.is_valid():
        actions.do_recategorise(
            concern=concern, category=form.cleaned_data["category"], by=request.user
        )
        messages.success(request, _("Category corrected; the routing model learns from it."))
    else:
        messages.error(request, _("Choose a category."))
    return redirect("concerns:detail", pk=concern.pk)


@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The concern's photo: for everyone when the concern is public, else for its readers (404)."""
    concern = get_object_or_404(Concern.objects.select_related("community"), pk=pk)
    if not concern.public and not (
        request.user.is_authenticated
        and access_for(request.user).can_view_territory(concern.community)
    ):
        raise Http404
    return file_response(concern.photo, public=concern.public)


@login_required
@require_POST
def set_public(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the concern to residents (the public form's "我也关心" list), or hide it again."""
    concern, can_work = _get_concern_for_user(request, pk)
    require(can_work)
    concern.public = request.POST.get("public") == "1"
    concern.save(update_fields=["public", "updated_at"])
    messages.success(
        request,
        _("Residents now see this concern (masked) and may support it.")
        if concern.public
        else _("Residents no longer see this concern."),
    )
    return redirect("concerns:detail", pk=concern.pk)


@login_required
@require_POST
def erase_reporter(request: HttpRequest, pk: int) -> HttpResponse:
    concern, can_work = _get_concern_for_user(request, pk)
    require(can_work)
    if concern.reporter is not None:
        actions.do_erase_reporter(reporter=concern.reporter)
        messages.success(
            request, _("The resident's personal data was erased; the concern stays, anonymous.")
        )
    return redirect("concerns:detail", pk=concern.pk)


@login_required
@require_GET
def export_reporter(request: HttpRequest, pk: int) -> HttpResponse:
    """One resident's data and concerns as JSON (a PIPL access request)."""
    concern, can_work = _get_concern_for_user(request, pk)
    require(can_work)
    reporter = concern.reporter
    if reporter is None:
        raise Http404
    import json

    payload = {
        "name": reporter.name,
        "phone": reporter.phone,
        "consent_at": reporter.consent_at.isoformat() if reporter.consent_at else None,
        "concerns": [
            {
                "id": c.pk,
                "community": c.community.name,
                "text": c.text,
                "reported_at": c.reported_at.isoformat(),
            }
            for c in reporter.concerns.select_related("community")
        ],
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="reporter-{reporter.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


# --- topics and statistics ----------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def topics(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    territory = _scope(request, access)
    if request.method == "POST":
        require(
            access.can_work_in_community(territory)
            if territory.kind == Kind.COMMUNITY
            else access.can_manage_people(territory)
        )
        from qiangji.concerns.tasks import refresh_topics

        refresh_topics.enqueue(territory.pk)
        messages.success(request, _("Hot topics are being recomputed."))
        return redirect(f"{reverse('concerns:topics')}?territory={territory.pk}")
    topics = Topic.objects.filter(territory=territory)
    if territory.kind != Kind.COMMUNITY and not topics.exists():
        # Topics are fitted per community: above one, show the communities' own topics.
        topics = Topic.objects.filter(territory__path__startswith=territory.path)
    rows = list(topics.select_related("territory").order_by("-score")[:30])
    weeks = _topic_trends(rows)
    for row in rows:
        row.trend = weeks.get(row.pk, [])
        row.compounds = []
    compounds = defaultdict(lambda: defaultdict(int))
    for topic_id, name in Concern.objects.filter(
        topic__in=rows, compound__isnull=False
    ).values_list("topic_id", "compound__name"):
        compounds[topic_id][name] += 1
    for row in rows:
        row.compounds = sorted(compounds[row.pk].items(), key=lambda kv: -kv[1])[:5]
    samples = defaultdict(list)
    for c in (
        Concern.objects.filter(topic__in=rows)
        .order_by("-priority_score")
        .only("pk", "title", "text", "topic_id")[:300]
    ):
        if len(samples[c.topic_id]) < 3:
            samples[c.topic_id].append(c)
    for row in rows:
        row.samples = samples[row.pk]
    return render(request, "concerns/topics.html", {"territory": territory, "topics": rows})


def _topic_trends(rows: list[Topic]) -> dict[int, list[int]]:
    """Return, per topic, its concerns counted in each of the last 8 weeks (oldest first)."""
    now = timezone.now()
    start = now - dt.timedelta(weeks=8)
    out: dict[int, list[int]] = {row.pk: [0] * 8 for row in rows}
    for topic_id, reported_at in Concern.objects.filter(
        topic__in=rows, reported_at__gte=start
    ).values_list("topic_id", "reported_at"):
        week = min(int((reported_at - start).days // 7), 7)
        out[topic_id][week] += 1
    return out


@login_required
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    territory = _scope(request, access)
    period = request.GET.get("period", "")
    if period not in PERIODS:
        period = ""
    return render(
        request,
        "concerns/stats.html",
        {
            "territory": territory,
            "rows": ticket_statistics(territory, days=PERIODS.get(period)),
            "period": period,
            "periods": [
                ("", _("All time")),
                *[(k, _("Last %(days)s days") % {"days": k}) for k in PERIODS],
            ],
        },
    )


# --- bulk import ----------------------------------------------------------------------------
def _get_batch_for_user(request: HttpRequest, pk: int) -> ImportBatch:
    batch = get_object_or_404(ImportBatch.objects.select_related("community"), pk=pk)
    if not access_for(request.user).can_work_in_community(batch.community):
        raise Http404
    return batch


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    community = _scope(request, access)
    require(community.kind == Kind.COMMUNITY and access.can_work_in_community(community))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(importing.MAX_BYTES + 1)
        try:
            table = importing.read_table(upload.name, content)
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            source = form.cleaned_data["source"]
            remembered = (
                ImportMapping.objects.filter(source=source)
                .values_list("mapping", flat=True)
                .first()
            )
            batch = ImportBatch.objects.create(
                community=community,
                source=source,
                filename=upload.name[:200],
                content=content,
                encoding=table.encoding,
                mapping=importing.guess_mapping(table.headers, remembered),
                total_rows=len(table.rows),
                uploaded_by=request.user,
            )
            return redirect("concerns:import_detail", pk=batch.pk)
    batches = ImportBatch.objects.filter(community=community).defer("content")[:10]
    return render(
        request,
        "concerns/import.html",
        {"community": community, "form": form, "batches": batches},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    preview: list = []
    headers: list[str] = []
    existing_keys: set[str] = set()
    if batch.state == ImportState.PREVIEW:
        table = importing.read_table(batch.filename, bytes(batch.content))
        headers = table.headers
        if request.method == "POST":
            mapping = {f: request.POST.get(f"map_{f}", "") for f in importing.FIELDS}
            mapping = {k: v for k, v in mapping.items() if v in headers}
            batch.mapping = mapping
            batch.save(update_fields=["mapping"])
            if request.POST.get("confirm") and not importing.missing_fields(mapping):
                from qiangji.concerns.tasks import run_import

                ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.QUEUED)
                run_import.enqueue(batch.pk)
                return redirect("concerns:import_detail", pk=batch.pk)
        rows = list(importing.parse_rows(table, batch.mapping))
        existing_keys = set(
            Concern.objects.filter(community=batch.community, source=batch.source).values_list(
                "external_id", flat=True
            )
        )
        preview = rows[:20]
        counts = {
            "rows": len(rows),
            "errors": sum(1 for r in rows if r.error),
            "seen": sum(1 for r in rows if not r.error and r.values.get("key") in existing_keys),
        }
    else:
        counts = {}
        stalled = batch.state in (ImportState.QUEUED, ImportState.RUNNING, ImportState.FAILED)
        if request.method == "POST" and request.POST.get("resume") and stalled:
            # Failed, or a worker died midway: run it again from its last committed chunk.
            # Safe even if the old run still lives: the new run owns the batch (its runner
            # token) and the old one stops before its next chunk.
            from qiangji.concerns.tasks import run_import

            ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.QUEUED, error="")
            run_import.enqueue(batch.pk)
            return redirect("concerns:import_detail", pk=batch.pk)
    context = {
        "batch": batch,
        "headers": headers,
        "fields": importing.FIELDS,
        "preview": preview,
        "counts": counts,
        "existing_keys": existing_keys,
        "missing": importing.missing_fields(batch.mapping),
    }
    if request.htmx and batch.state != ImportState.PREVIEW:
        return render(request, "concerns/import_detail.html#progress", context)
    return render(request, "concerns/import_detail.html", context)


@login_required
@require_GET
def import_rejects(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    table_headers: list[str] = []
    try:
        table_headers = importing.read_table(batch.filename, bytes(batch.content)).headers
    except importing.ImportFileError:
        pass
    return csv_response(
        f"rejects-{batch.pk}.csv", *importing.rejects_table(table_headers, batch.rejects)
    )

"""Pages of the workshops app: activities, attendance, boards, stalls, stage, cases, briefings."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiangji.accounts.models import Role, RoleGrant, User
from qiangji.accounts.permissions import access_for, require
from qiangji.lib.editguard import edit_status, save_unless_stale
from qiangji.lib.files import file_response
from qiangji.lib.qr import qr_svg
from qiangji.lib.tabular import xlsx_response
from qiangji.territories.models import Kind, Territory
from qiangji.workshops import actions, exports, rules
from qiangji.workshops.forms import (
    ActivityForm,
    AddAttendeeForm,
    BriefingForm,
    CardForm,
    CaseForm,
    CommentForm,
    FeedbackForm,
    MentorForm,
    PhotoForm,
    StallStartForm,
    parse_agenda,
    parse_guests,
)
from qiangji.workshops.models import (
    Activity,
    AgendaItem,
    Attendance,
    Briefing,
    CardComment,
    Case,
    CaseTag,
    FeedbackKind,
    Guest,
    IdeaCard,
    IdeaKind,
    Photo,
    StallFeedback,
    TableGroup,
)
from qiangji.workshops.search import search_cases

BOARD_POLL = "1500ms"
MAX_CARDS_SHOWN = 500
BOARD_CACHE_SECONDS = 30


# --- object helpers ------------------------------------------------------------------------
def _get_activity_for_user(request: HttpRequest, pk: int) -> tuple[Activity, bool]:
    """Return the activity the person may see and whether they may organise it (else 404)."""
    activity = get_object_or_404(
        Activity.objects.select_related("programme__subdistrict", "phase"), pk=pk
    )
    access = access_for(request.user)
    if not rules.can_view_activity(access, activity):
        raise Http404
    return activity, rules.can_manage_activity(access, activity)


def _get_group_for_user(request: HttpRequest, pk: int) -> tuple[TableGroup, bool]:
    """Return the group whose board the person may see and whether they may post on it."""
    group = get_object_or_404(
        TableGroup.objects.select_related(
            "activity__programme__subdistrict", "community", "mentor"
        ),
        pk=pk,
    )
    access = access_for(request.user)
    if not rules.can_view_activity(access, group.activity):
        raise Http404
    return group, rules.can_post_on_board(access, group)


def _get_card_for_user(request: HttpRequest, pk: int) -> tuple[IdeaCard, bool]:
    card = get_object_or_404(
        IdeaCard.objects.select_related(
            "group__activity__programme__subdistrict", "group__community", "group__mentor"
        ),
        pk=pk,
    )
    access = access_for(request.user)
    if not rules.can_view_activity(access, card.group.activity):
        raise Http404
    return card, rules.can_post_on_board(access, card.group)


def _get_case_for_user(request: HttpRequest, pk: int) -> tuple[Case, bool]:
    access = access_for(request.user)
    require(rules.can_read_cases(access))
    case = get_object_or_404(Case.objects.select_related("subdistrict", "learned_at"), pk=pk)
    return case, rules.can_edit_case(access, case)


# --- activities ----------------------------------------------------------------------------
def _month(request: HttpRequest, activities: list[Activity]) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        pass
    today = timezone.localdate()
    upcoming = [a for a in activities if timezone.localtime(a.ends_at).date() >= today]
    first = upcoming[0] if upcoming else (activities[-1] if activities else None)
    day = timezone.localtime(first.starts_at).date() if first else today
    return day.replace(day=1)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The calendar and list of activities, per programme and per community."""
    access = access_for(request.user)
    programmes = list(access.visible_programmes().select_related("subdistrict"))
    activities = Activity.objects.visible_to(access).select_related("programme", "phase")
    programme = community = None
    if request.GET.get("programme", "").isdigit():
        programme = next((p for p in programmes if p.pk == int(request.GET["programme"])), None)
        if programme is None:
            raise Http404
        activities = activities.filter(programme=programme)
    if request.GET.get("community", "").isdigit():
        community = get_object_or_404(
            Territory, pk=int(request.GET["community"]), kind=Kind.COMMUNITY
        )
        require(access.can_view_territory(community))
        activities = activities.filter(communities=community)
    activities = list(activities.prefetch_related("communities").distinct())
    month = _month(request, activities)
    by_day: dict[dt.date, list[Activity]] = defaultdict(list)
    for activity in activities:
        by_day[timezone.localtime(activity.starts_at).date()].append(activity)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        weeks.append([(day, day.month == month.month, by_day.get(day, [])) for day in week])
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    communities = (
        Territory.objects.filter(enrolments__programme__in=[p.pk for p in programmes])
        .filter(pk__in=access.visible_territories().values("pk"))
        .distinct()
        .order_by("order", "name")
    )
    context = {
        "activities": activities,
        "weeks": weeks,
        "month": month,
        "previous": previous,
        "following": following,
        "programmes": programmes,
        "programme": programme,
        "community": community,
        "communities": communities,
        "can_create": any(access.can_edit_programme(p) for p in programmes),
        "query": request.GET.urlencode(),
        "weekday_names": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    }
    return render(request, "workshops/index.html", context)


def _save_activity(form: ActivityForm, by) -> Activity:
    with transaction.atomic():
        activity = form.save(commit=False)
        if not activity.pk:
            activity.created_by = by
        activity.save()
        form.save_m2m()
        activity.agenda.all().delete()
        for order, (when, title, speaker) in enumerate(
            parse_agenda(form.cleaned_data["agenda_text"])
        ):
            AgendaItem.objects.create(
                activity=activity, order=order, starts_at=when, title=title, speaker=speaker
            )
        activity.guests.all().delete()
        for role, field in (
            (Guest.Role.EXPERT, "experts_text"),
            (Guest.Role.LEADER, "leaders_text"),
        ):
            for order, (name, title) in enumerate(parse_guests(form.cleaned_data[field])):
                Guest.objects.create(
                    activity=activity, role=role, name=name, title=title, order=order
                )
    return activity


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    programmes = access.visible_programmes().filter(
        pk__in=[p.pk for p in access.visible_programmes() if access.can_edit_programme(p)]
    )
    require(programmes.exists())
    form = ActivityForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        activity = _save_activity(form, request.user)
        url = reverse("workshops:activity_detail", args=[activity.pk])
        transaction.on_commit(
            lambda: actions.do_notify_activity_scheduled(activity=activity, url=url)
        )
        messages.success(request, _("The activity was created."))
        return redirect("workshops:activity_detail", activity.pk)
    return render(request, "workshops/activity_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity, can_manage = _get_activity_for_user(request, pk)
    require(can_manage)
    access = access_for(request.user)
    programmes = access.visible_programmes().filter(pk=activity.programme_id)
    form = ActivityForm(request.POST or None, instance=activity, programmes=programmes)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_unless_stale(form, lambda: _save_activity(form, request.user))
    ):
        messages.success(request, _("The activity was saved."))
        return redirect("workshops:activity_detail", activity.pk)
    return render(
        request,
        "workshops/activity_form.html",
        {"form": form, "activity": activity},
        status=edit_status(form),
    )


@login_required
@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity, can_manage = _get_activity_for_user(request, pk)
    access = access_for(request.user)
    groups = list(
        activity.groups.select_related("community", "mentor").annotate(card_count=Count("cards"))
    )
    context = {
        "activity": activity,
        "can_manage": can_manage,
        "is_participant": rules.is_participant(access, activity),
        "agenda": activity.agenda.all(),
        "experts": [g for g in activity.guests.all() if g.role == Guest.Role.EXPERT],
        "leaders": [g for g in activity.guests.all() if g.role == Guest.Role.LEADER],
        "communities": activity.communities.order_by("order", "name"),
        "invitees": activity.invitees.order_by("display_name", "username"),
        "groups": groups,
        "photos": activity.photos.all(),
        "photo_form": PhotoForm() if can_manage else None,
        "attendance_count": activity.attendances.count(),
        "signed_in": activity.attendances.filter(person=request.user).exists(),
        "cases": activity.cases.all(),
        "promoted": IdeaCard.objects.filter(group__activity=activity, to_plan=True).select_related(
            "group"
        ),
        "briefing": Briefing.objects.filter(activity=activity).first(),
    }
    return render(request, "workshops/activity_detail.html", context)


@login_required
@require_GET
def activity_ics(request: HttpRequest, pk: int) -> HttpResponse:
    activity, _can_manage = _get_activity_for_user(request, pk)
    url = request.build_absolute_uri(reverse("workshops:activity_detail", args=[activity.pk]))
    body = exports.activity_ics(activity, host=request.get_host().split(":")[0], url=url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.ics"'
    return response


# --- attendance ----------------------------------------------------------------------------
def _signin_url(request: HttpRequest, activity: Activity) -> str:
    token = actions.make_signin_token(activity)
    return request.build_absolute_uri(reverse("workshops:sign_in", args=[activity.pk, token]))


@never_cache
@login_required
@require_GET
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's screen: the rotating QR code and the live list of who is present."""
    activity, can_manage = _get_activity_for_user(request, pk)
    require(can_manage)
    url = _signin_url(request, activity)
    rows = list(activity.attendances.select_related("person").order_by("-signed_at", "-pk"))
    context = {
        "activity": activity,
        "qr": qr_svg(url, title=_("Scan to sign in")),
        "signin_url": url,
        "rows": rows,
        "form": AddAttendeeForm(),
        "refresh_seconds": max(5, min(activity.qr_window_seconds // 2, 30)),
    }
    if request.htmx:
        return render(request, "workshops/attendance.html#live", context)
    return render(request, "workshops/attendance.html", context)


@login_required
@require_POST
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a late arrival (or someone without a phone) by username or mobile."""
    activity, can_manage = _get_activity_for_user(request, pk)
    require(can_manage)
    form = AddAttendeeForm(request.POST)
    if form.is_valid():
        ident = form.cleaned_data["person"].strip()
        person = User.objects.filter(Q(username=ident) | Q(mobile=ident), is_active=True).first()
        if person is None:
            messages.error(request, _("No one with that username or mobile was found."))
        else:
            result = actions.do_sign_in(
                activity=activity, person=person, method=Attendance.Method.MANUAL, by=request.user
            )
            if result.created:
                messages.success(
                    request, _("%(name)s was added to the attendance.") % {"name": person}
                )
            else:
                messages.info(request, _("%(name)s had already signed in.") % {"name": person})
    else:
        messages.error(request, _("Enter a username or mobile."))
    return redirect("workshops:attendance", activity.pk)


@login_required
@require_GET
def attendance_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    activity, can_manage = _get_activity_for_user(request, pk)
    require(can_manage)
    return xlsx_response(f"attendance-{activity.pk}.xlsx", exports.attendance_xlsx(activity))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The page a phone opens from the QR code; signing in takes one tap (a POST)."""
    activity = Activity.objects.select_related("programme__subdistrict").filter(pk=pk).first()
    error = code = None
    access = access_for(request.user)
    if activity is None:
        error, code = _("This sign-in code is not valid."), "invalid"
    else:
        try:
            actions.check_signin_token(activity, token)
        except actions.TokenError as exc:
            error, code = str(exc), exc.code
    if error is None and not rules.is_participant(access, activity):
        error, code = (
            _("You are not on the list of people invited to this activity."),
            "not_invited",
        )
    context = {"activity": activity, "token": token, "error": error, "code": code}
    if error:
        return render(
            request, "workshops/sign_in.html", context, status=403 if code == "not_invited" else 400
        )
    existing = Attendance.objects.filter(activity=activity, person=request.user).first()
    if request.method == "POST":
        result = actions.do_sign_in(activity=activity, person=request.user)
        context.update(done=True, attendance=result.attendance, again=not result.created)
        return render(request, "workshops/sign_in.html", context)
    context.update(done=existing is not None, attendance=existing, again=existing is not None)
    return render(request, "workshops/sign_in.html", context)


# --- photos ---
def _store_photo(
    form: PhotoForm, by, *, activity: Activity | None = None, case: Case | None = None
) -> Photo:
    """Save the checked, metadata-free picture; its thumbnail is made after the commit."""
    checked = form.cleaned_data["image"]
    owner = activity or case
    photo = Photo(
        activity=activity,
        case=case,
        caption=form.cleaned_data["caption"],
        credit=form.cleaned_data["credit"],
        uploaded_by=by,
        order=owner.photos.count(),
        width=checked.width,
        height=checked.height,
    )
    photo.image.save(f"photo.{checked.extension}", ContentFile(checked.data), save=False)
    photo.save()
    from qiangji.workshops.tasks import make_photo_thumbnail

    transaction.on_commit(lambda: make_photo_thumbnail.enqueue(photo.pk))
    return photo


@login_required
@require_POST
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    activity, can_manage = _get_activity_for_user(request, pk)
    require(can_manage)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("workshops:activity_detail", activity.pk)
    _store_photo(form, request.user, activity=activity)
    messages.success(request, _("The photo was added."))
    return redirect("workshops:activity_detail", activity.pk)


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo of an activity (for who may see the activity) or of a case (case readers)."""
    photo = get_object_or_404(
        Photo.objects.select_related("activity__programme__subdistrict", "case"), pk=pk
    )
    access = access_for(request.user)
    if photo.activity_id:
        if not rules.can_view_activity(access, photo.activity):
            raise Http404
    elif not rules.can_read_cases(access):
        raise Http404
    thumb = request.GET.get("size") == "thumb" and photo.thumbnail
    return file_response(photo.thumbnail if thumb else photo.image)


@login_required
@require_POST
def photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a photo (and its files) from an activity or a case."""
    photo = get_object_or_404(
        Photo.objects.select_related("activity__programme", "case__subdistrict"), pk=pk
    )
    access = access_for(request.user)
    if photo.activity_id:
        if not rules.can_view_activity(access, photo.activity):
            raise Http404
        require(rules.can_manage_activity(access, photo.activity))
        back = reverse("workshops:activity_detail", args=[photo.activity_id])
    else:
        require(rules.can_read_cases(access))
        require(rules.can_edit_case(access, photo.case))
        back = reverse("workshops:case_detail", args=[photo.case_id])
    files = [(f.storage, f.name) for f in (photo.image, photo.thumbnail) if f]
    photo.delete()
    # The files go only once the row is gone for good (a rolled-back delete keeps them).
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    messages.success(request, _("The photo was removed."))
    return redirect(back)


# --- round-table groups --------------------------------------------------------------------
def _mentor_choices(activity: Activity):
    grants = RoleGrant.objects.filter(role=Role.MENTOR).filter(
        Q(programme=activity.programme)
        | Q(
            territory__in=[
                t.pk
                for t in [
                    activity.programme.subdistrict,
                    *activity.programme.subdistrict.ancestors(),
                ]
            ]
        )
    )
    return User.objects.filter(pk__in=grants.values("user_id")).order_by("display_name", "username")


@login_required
@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest, pk: int) -> HttpResponse:
    """The table plan (printable); organisers create one group per community."""
    activity, can_manage = _get_activity_for_user(request, pk)
    if request.method == "POST":
        require(can_manage)
        created = actions.do_make_default_groups(
            activity=activity, mentors=list(_mentor_choices(activity))
        )
        messages.success(request, _("%(n)d groups were created.") % {"n": len(created)})
        return redirect("workshops:groups", activity.pk)
    rows = list(activity.groups.select_related("community", "mentor").prefetch_related("members"))
    mentors = _mentor_choices(activity) if can_manage else User.objects.none()
    context = {
        "activity": activity,
        "groups": [
            (g, MentorForm(mentors=mentors, initial={"mentor": g.mentor_id}, prefix=f"g{g.pk}"))
            for g in rows
        ],
        "can_manage": can_manage,
        "missing": activity.communities.exclude(
            pk__in=[g.community_id for g in rows if g.community_id]
        ).count(),
    }
    return render(request, "workshops/groups.html", context)


@login_required
@require_POST
def group_mentor(request: HttpRequest, pk: int) -> HttpResponse:
    group, _can_post = _get_group_for_user(request, pk)
    require(rules.can_manage_activity(access_for(request.user), group.activity))
    form = MentorForm(request.POST, mentors=_mentor_choices(group.activity), prefix=f"g{group.pk}")
    if form.is_valid():
        group.mentor = form.cleaned_data["mentor"]
        group.save(update_fields=["mentor"])
        messages.success(request, _("The mentor was saved."))
    else:
        messages.error(request, _("Choose one of the programme's mentors."))
    return redirect("workshops:groups", group.activity_id)


# --- brainstorm boards ---------------------------------------------------------------------
def _concerns_of(community: Territory | None) -> list[str]:
    """Return the community's five most pressing open concerns, if the concerns app is there.

    Read through the concerns QuerySet interface (in_territory/open/roots, priority_score);
    phone numbers are masked because the card text is read by the whole table.
    """
    if community is None:
        return []
    try:
        from qiangji.concerns.models import Concern
    except ImportError:
        return []
    from qiangji.lib.privacy import mask_phones_in_text

    try:
        top = (
            Concern.objects.in_territory(community)
            .open()
            .roots()
            .order_by("-priority_score", "-pk")[:5]
        )
        return [mask_phones_in_text(concern.summary)[:200] for concern in top]
    except (AttributeError, DatabaseError):
        return []


def _board_cards(group: TableGroup, version: int | None) -> list[IdeaCard]:
    """Return the board's cards with votes and comments, shared by everyone at this version.

    After a change all the table's phones ask within one poll interval; they share one
    query per worker (per cluster with Redis) instead of one each.
    """
    key = f"workshops:board:{group.pk}:{version}"
    cards = cache.get(key)
    if cards is not None:
        return cards
    cards = list(
        group.cards.with_votes()
        .select_related("author", "cites_case")
        .prefetch_related(
            Prefetch("comments", queryset=CardComment.objects.select_related("author"))
        )
        .order_by("-marked", "-vote_count", "created_at")[:MAX_CARDS_SHOWN]
    )
    # Reversing four URLs per card dominated the fragment's render time: reverse once each.
    sentinel = "987654321"
    patterns = {
        key: reverse(f"workshops:card_{key}", args=[int(sentinel)])
        for key in ("vote", "comment", "mark", "promote")
    }
    for card in cards:
        card.urls = {name: url.replace(sentinel, str(card.pk)) for name, url in patterns.items()}
    cache.set(key, cards, BOARD_CACHE_SECONDS)
    return cards


def _board_context(request: HttpRequest, group: TableGroup, *, can_post: bool) -> dict:
    access = access_for(request.user)
    # The version is read before the cards, so cached cards are never older than their key.
    version = TableGroup.objects.filter(pk=group.pk).values_list("board_version", flat=True).first()
    cards = _board_cards(group, version)
    my_votes = set()
    if request.user.is_authenticated:
        my_votes = set(group.cards.filter(votes__voter=request.user).values_list("pk", flat=True))
    columns = []
    for kind, label in IdeaKind.choices:
        columns.append((kind, label, [c for c in cards if c.kind == kind]))
    return {
        "group": group,
        "activity": group.activity,
        "version": version,
        "columns": columns,
        "card_total": group.cards.count(),
        "my_votes": my_votes,
        "dots_left": actions.DOTS_PER_PERSON - len(my_votes),
        "can_post": can_post,
        "can_mentor": rules.can_mentor_group(access, group)
        if request.user.is_authenticated
        else False,
        "poll": BOARD_POLL,
        # Messages (e.g. "all dots used") go inside the fragment only when it is swapped in.
        "fragment": bool(request.htmx),
    }


@login_required
@require_GET
def board(request: HttpRequest, pk: int) -> HttpResponse:
    group, can_post = _get_group_for_user(request, pk)
    context = _board_context(request, group, can_post=can_post)
    context["form"] = CardForm(concerns=_concerns_of(group.community))
    return render(request, "workshops/board.html", context)


@never_cache
@login_required
@require_GET
def board_cards(request: HttpRequest, pk: int) -> HttpResponse:
    """The polled fragment: 204 when the board has not changed since version v."""
    seen = request.GET.get("v", "")
    row = (
        TableGroup.objects.filter(pk=pk)
        .values_list("board_version", "activity__programme_id")
        .first()
    )
    if row is None:
        raise Http404
    version, programme_id = row
    if programme_id not in access_for(request.user).programme_ids:
        raise Http404
    if seen == str(version):
        return HttpResponse(status=204)
    group, can_post = _get_group_for_user(request, pk)
    return render(
        request, "workshops/board.html#cards", _board_context(request, group, can_post=can_post)
    )


def _board_response(
    request: HttpRequest,
    group: TableGroup,
    *,
    can_post: bool,
    form: CardForm | None = None,
    with_form: bool = False,
) -> HttpResponse:
    """Answer a board write: the fresh cards (and a fresh form) for htmx, else a redirect."""
    if not request.htmx:
        return redirect("workshops:board", group.pk)
    context = _board_context(request, group, can_post=can_post)
    if not with_form:
        return render(request, "workshops/board.html#cards", context)
    context["form"] = form or CardForm(concerns=_concerns_of(group.community))
    context["oob"] = True
    return render(request, "workshops/board.html#form-and-cards", context)


@login_required
@require_POST
def card_add(request: HttpRequest, pk: int) -> HttpResponse:
    group, can_post = _get_group_for_user(request, pk)
    require(can_post)
    if not group.board_open:
        messages.error(request, _("This board is closed for new cards."))
        return _board_response(request, group, can_post=can_post, with_form=True)
    form = CardForm(request.POST, concerns=_concerns_of(group.community))
    if form.is_valid():
        actions.do_add_card(
            group=group,
            author=request.user,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            cites_concern=form.cleaned_data.get("cites_concern") or "",
            cites_case=form.cleaned_data.get("cites_case"),
        )
        return _board_response(request, group, can_post=can_post, with_form=True)
    if not request.htmx:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _board_response(request, group, can_post=can_post, form=form, with_form=True)


@login_required
@require_POST
def card_vote(request: HttpRequest, pk: int) -> HttpResponse:
    card, can_post = _get_card_for_user(request, pk)
    require(can_post)
    try:
        actions.do_toggle_vote(card=card, voter=request.user)
    except actions.VoteRefused as refusal:
        messages.warning(request, str(refusal))
        if request.htmx:
            response = _board_response(request, card.group, can_post=can_post)
            response["HX-Trigger"] = "dots-used-up"
            return response
    return _board_response(request, card.group, can_post=can_post)


@login_required
@require_POST
def card_comment(request: HttpRequest, pk: int) -> HttpResponse:
    card, can_post = _get_card_for_user(request, pk)
    require(can_post)
    form = CommentForm(request.POST)
    if form.is_valid():
        by_mentor = rules.can_mentor_group(access_for(request.user), card.group)
        actions.do_comment_card(
            card=card, author=request.user, text=form.cleaned_data["text"], by_mentor=by_mentor
        )
    else:
        messages.error(request, _("A comment needs some text (at most 300 characters)."))
    return _board_response(request, card.group, can_post=can_post)


@login_required
@require_POST
def card_mark(request: HttpRequest, pk: int) -> HttpResponse:
    card, can_post = _get_card_for_user(request, pk)
    require(rules.can_mentor_group(access_for(request.user), card.group))
    actions.do_mark_card(card=card, marked=not card.marked)
    return _board_response(request, card.group, can_post=can_post)


@login_required
@require_POST
def card_promote(request: HttpRequest, pk: int) -> HttpResponse:
    card, can_post = _get_card_for_user(request, pk)
    require(rules.can_mentor_group(access_for(request.user), card.group))
    outcome = actions.do_promote_card(card=card, by=request.user)
    if outcome == "plan":
        messages.success(request, _("The idea was added to the community's plan draft."))
    else:
        messages.success(request, _("The idea was put on the “to plan” list."))
    return _board_response(request, card.group, can_post=can_post)


@login_required
@require_POST
def board_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """The mentor or an organiser closes the board to new cards (votes go on), or reopens it."""
    group, _can_post = _get_group_for_user(request, pk)
    require(rules.can_mentor_group(access_for(request.user), group))
    with transaction.atomic():
        TableGroup.objects.filter(pk=group.pk).update(board_open=not group.board_open)
        group.bump()
    if group.board_open:
        messages.success(request, _("The board is closed to new cards."))
    else:
        messages.success(request, _("The board is open for new cards again."))
    return redirect("workshops:board", group.pk)


@login_required
@require_GET
def to_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The ideas promoted at an activity that wait to go into each community's plan."""
    activity, _can_manage = _get_activity_for_user(request, pk)
    cards = (
        IdeaCard.objects.filter(group__activity=activity, to_plan=True)
        .with_votes()
        .select_related("group__community", "author")
        .order_by("group__number", "-vote_count")
    )
    return render(request, "workshops/to_plan.html", {"activity": activity, "cards": cards})


# --- stall sharing and stage ---------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def stalls(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser starts timed rotations; everyone sees which stall to visit now."""
    activity, can_manage = _get_activity_for_user(request, pk)
    form = StallStartForm(request.POST or None, initial={"minutes": activity.stall_minutes})
    if request.method == "POST":
        require(can_manage)
        if form.is_valid():
            activity.stall_minutes = form.cleaned_data["minutes"]
            activity.stall_started_at = timezone.now()
            activity.save(update_fields=["stall_minutes", "stall_started_at"])
            messages.success(request, _("Stall rotations started."))
        return redirect("workshops:stalls", activity.pk)
    rows = list(
        activity.groups.select_related("community").annotate(feedback_count=Count("feedback"))
    )
    rotation = activity.current_stall_rotation()
    visits = actions.stall_visits(rows, rotation) if rotation else {}
    ends_at = None
    if rotation:
        ends_at = activity.stall_started_at + dt.timedelta(
            minutes=activity.stall_minutes * rotation
        )
    context = {
        "activity": activity,
        "rows": [(g, visits.get(g.pk)) for g in rows],
        "rotation": rotation,
        "ends_at": ends_at,
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "workshops/stalls.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def stall(request: HttpRequest, pk: int) -> HttpResponse:
    """A community's stall: visitors leave 亮点/建议/疑问; the community reads all of it."""
    group, _can_post = _get_group_for_user(request, pk)
    access = access_for(request.user)
    can_give = rules.can_give_stall_feedback(access, group)
    is_host = rules.belongs_to_community(access, group.community) or rules.can_mentor_group(
        access, group
    )
    form = FeedbackForm(request.POST or None)
    if request.method == "POST":
        require(can_give)
        if form.is_valid():
            from_group = (
                TableGroup.objects.filter(activity=group.activity)
                .exclude(pk=group.pk)
                .filter(
                    Q(members=request.user)
                    | Q(
                        community__in=[
                            c
                            for c in group.activity.communities.all()
                            if rules.belongs_to_community(access, c)
                        ]
                    )
                )
                .first()
            )
            actions.do_leave_feedback(
                stall=group,
                author=request.user,
                from_group=from_group,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
            messages.success(request, _("Thank you, your feedback was left at this stall."))
            return redirect("workshops:stall", group.pk)
    feedback = (
        group.feedback.select_related("from_group", "author")
        if (is_host or rules.can_manage_activity(access, group.activity))
        else StallFeedback.objects.none()
    )
    by_kind = [
        (kind, label, [f for f in feedback if f.kind == kind])
        for kind, label in FeedbackKind.choices
    ]
    mine = group.feedback.filter(author=request.user)
    top = list(group.cards.with_votes().order_by("-marked", "-vote_count", "pk")[:6])
    context = {
        "group": group,
        "activity": group.activity,
        "form": form,
        "can_give": can_give,
        "is_host": is_host,
        "by_kind": by_kind,
        "mine": mine,
        "top": top,
        "rotation": group.activity.current_stall_rotation(),
    }
    return render(request, "workshops/stall.html", context)


@login_required
@require_GET
def stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Full-screen presentation of a group's top cards with a QR code to its stall."""
    group, _can_post = _get_group_for_user(request, pk)
    top = list(group.cards.with_votes().order_by("-marked", "-vote_count", "pk")[:8])
    url = request.build_absolute_uri(reverse("workshops:stall", args=[group.pk]))
    context = {
        "group": group,
        "activity": group.activity,
        "top": top,
        "qr": qr_svg(url, title=_("Scan to give feedback")),
    }
    return render(request, "workshops/stage.html", context)


# --- cases ---------------------------------------------------------------------------------
def _clean_param(value: str, limit: int) -> str:
    """Return a query parameter without control characters (PostgreSQL refuses NUL)."""
    return "".join(ch for ch in value if ch >= " " or ch in "\t").strip()[:limit]


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    require(rules.can_read_cases(access))
    cases = Case.objects.prefetch_related("tags").order_by("title")
    query = _clean_param(request.GET.get("q", ""), 100)
    tag = _clean_param(request.GET.get("tag", ""), 30)
    if query:
        cases = search_cases(cases, query)
    if tag:
        cases = cases.filter(tags__name=tag)
    context = {
        "cases": cases.distinct()[:200],
        "query": query,
        "tag": tag,
        "tags": CaseTag.objects.annotate(n=Count("cases")).filter(n__gt=0),
        "can_add": rules.can_add_cases(access),
    }
    return render(request, "workshops/case_list.html", context)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case, can_edit = _get_case_for_user(request, pk)
    return render(
        request,
        "workshops/case_detail.html",
        {
            "case": case,
            "can_edit": can_edit,
            "ideas": case.cited_by_ideas.select_related("group")[:20],
        },
    )


def _case_activities(access):
    return Activity.objects.visible_to(access).order_by("-starts_at")


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    require(rules.can_add_cases(access))
    subdistrict = (
        next((t for t in access.root_territories() if t.kind == Kind.SUBDISTRICT), None)
        or Territory.objects.filter(
            kind=Kind.SUBDISTRICT, pk__in=access.visible_territories().values("pk")
        ).first()
    )
    require(subdistrict is not None)
    form = CaseForm(request.POST or None, activities=_case_activities(access))
    if request.method == "POST" and form.is_valid():
        case = form.save(commit=False)
        case.subdistrict = subdistrict
        case.save()
        form.save_tags(case)
        messages.success(request, _("The case was added to the library."))
        return redirect("workshops:case_detail", case.pk)
    return render(request, "workshops/case_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case, can_edit = _get_case_for_user(request, pk)
    require(can_edit)
    form = CaseForm(
        request.POST or None, instance=case, activities=_case_activities(access_for(request.user))
    )
    if request.method == "POST" and form.is_valid():

        def save() -> None:
            form.save_tags(form.save())

        if save_unless_stale(form, save):
            messages.success(request, _("The case was saved."))
            return redirect("workshops:case_detail", case.pk)
    return render(
        request, "workshops/case_form.html", {"form": form, "case": case}, status=edit_status(form)
    )


@login_required
@require_POST
def case_photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    case, can_edit = _get_case_for_user(request, pk)
    require(can_edit)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("workshops:case_detail", case.pk)
    _store_photo(form, request.user, case=case)
    messages.success(request, _("The photo was added."))
    return redirect("workshops:case_detail", case.pk)


# --- briefings -----------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def briefing(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate the briefing draft from the activity's record, edit it, export it."""
    activity, can_manage = _get_activity_for_user(request, pk)
    require(can_manage)
    current = Briefing.objects.filter(activity=activity).first()
    if request.method == "POST" and "generate" in request.POST:
        current = actions.do_draft_briefing(activity=activity, by=request.user)
        return redirect("workshops:briefing", activity.pk)
    form = None
    if current is not None:
        form = BriefingForm(
            request.POST or None, instance=current, initial={"version": current.version}
        )
        if request.method == "POST" and form.is_valid():
            try:
                actions.do_update_briefing(
                    briefing=current,
                    by=request.user,
                    version=form.cleaned_data["version"],
                    issuer=form.cleaned_data["issuer"],
                    issue_number=form.cleaned_data["issue_number"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except actions.StaleBriefing as stale:
                messages.error(request, str(stale))
            else:
                messages.success(request, _("The briefing was saved."))
                return redirect("workshops:briefing", activity.pk)
    return render(
        request,
        "workshops/briefing.html",
        {"activity": activity, "briefing": current, "form": form},
    )


@login_required
@require_GET
def briefing_docx(request: HttpRequest, pk: int) -> HttpResponse:
    activity, can_manage = _get_activity_for_user(request, pk)
    require(can_manage)
    current = Briefing.objects.filter(activity=activity).first()
    if current is None:
        messages.info(request, _("Generate the briefing draft first."))
        return redirect("workshops:briefing", activity.pk)
    response = HttpResponse(
        exports.briefing_docx(current),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="briefing-{activity.pk}.docx"'
    return response

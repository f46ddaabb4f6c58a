"""Programme pages: list, detail with phases, create and edit, phases, mentors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiangji.accounts.models import Role, RoleGrant
from qiangji.accounts.permissions import access_for, require
from qiangji.lib.editguard import edit_status, save_unless_stale, version_form
from qiangji.notifications.actions import do_notify
from qiangji.programmes.forms import MentorForm, PhaseFormSet, ProgrammeForm
from qiangji.programmes.models import Enrolment, Programme
from qiangji.territories.models import Kind, Territory


def _get_programme_for_user(request: HttpRequest, pk: int) -> tuple[Programme, bool]:
    """Return the programme and whether the person may edit it; 404 if they may not read it."""
    programme = get_object_or_404(
        Programme.objects.select_related("subdistrict").prefetch_related("phases"), pk=pk
    )
    access = access_for(request.user)
    if not access.can_view_programme(programme):
        raise Http404
    return programme, access.can_edit_programme(programme)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    programmes = (
        access.visible_programmes().select_related("subdistrict").prefetch_related("phases")
    )
    subdistricts = [
        t
        for t in access.visible_territories().filter(kind=Kind.SUBDISTRICT)
        if access.can_create_programme_in(t)
    ]
    return render(
        request, "programmes/index.html", {"programmes": programmes, "subdistricts": subdistricts}
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme, can_edit = _get_programme_for_user(request, pk)
    enrolments = programme.enrolments.select_related("community").order_by(
        "community__order", "community__name"
    )
    mentors = RoleGrant.objects.filter(programme=programme, role=Role.MENTOR).select_related("user")
    leaders = RoleGrant.objects.filter(programme=programme, role=Role.LEADER).select_related("user")
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "can_edit": can_edit,
            "enrolments": enrolments,
            "mentors": mentors,
            "leaders": leaders,
        },
    )


def _save_enrolments(programme: Programme, communities) -> None:
    wanted = {c.pk for c in communities}
    existing = set(programme.enrolments.values_list("community_id", flat=True))
    for enrolment in programme.enrolments.filter(community_id__in=existing - wanted):
        enrolment.delete()
    for community in communities:
        if community.pk not in existing:
            Enrolment.objects.create(programme=programme, community=community)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, subdistrict_pk: int) -> HttpResponse:
    subdistrict = get_object_or_404(Territory, pk=subdistrict_pk, kind=Kind.SUBDISTRICT)
    access = access_for(request.user)
    if not access.can_view_territory(subdistrict):
        raise Http404
    require(access.can_create_programme_in(subdistrict))
    form = ProgrammeForm(request.POST or None, subdistrict=subdistrict)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            programme = form.save()
            _save_enrolments(programme, form.cleaned_data["communities"])
            programme.add_default_phases()
        messages.success(request, _("Programme created with the six default phases."))
        return redirect("programmes:detail", pk=programme.pk)
    return render(
        request,
        "programmes/form.html",
        {"form": form, "subdistrict": subdistrict, "programme": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme, can_edit = _get_programme_for_user(request, pk)
    require(can_edit)
    form = ProgrammeForm(
        request.POST or None, instance=programme, subdistrict=programme.subdistrict
    )
    if request.method == "POST" and form.is_valid():

        def save() -> None:
            form.save()
            _save_enrolments(programme, form.cleaned_data["communities"])

        if save_unless_stale(form, save):
            messages.success(request, _("Saved."))
            return redirect("programmes:detail", pk=programme.pk)
    return render(
        request,
        "programmes/form.html",
        {"form": form, "subdistrict": programme.subdistrict, "programme": programme},
        status=edit_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def phases(request: HttpRequest, pk: int) -> HttpResponse:
    programme, can_edit = _get_programme_for_user(request, pk)
    require(can_edit)
    formset = PhaseFormSet(request.POST or None, instance=programme)
    version = version_form(programme, request.POST or None)
    if (
        request.method == "POST"
        and formset.is_valid()
        and version.is_valid()
        and save_unless_stale(version, formset.save)
    ):
        messages.success(request, _("Phases saved."))
        return redirect("programmes:detail", pk=programme.pk)
    return render(
        request,
        "programmes/phases.html",
        {"programme": programme, "formset": formset, "version_form": version},
        status=edit_status(version),
    )


@login_required
@require_http_methods(["GET", "POST"])
def mentors(request: HttpRequest, pk: int) -> HttpResponse:
    programme, can_edit = _get_programme_for_user(request, pk)
    require(can_edit)
    form = MentorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["username"]
        _grant, created = RoleGrant.objects.get_or_create(
            user=user, role=Role.MENTOR, programme=programme
        )
        if created:
            do_notify(
                recipients=[user],
                kind="role_granted",
                title=_("You are a mentor of %(programme)s") % {"programme": programme.name},
                url=reverse("programmes:detail", kwargs={"pk": programme.pk}),
            )
        messages.success(request, _("%(name)s is a mentor of this programme.") % {"name": user})
        return redirect("programmes:detail", pk=programme.pk)
    grants = RoleGrant.objects.filter(programme=programme, role=Role.MENTOR).select_related("user")
    return render(
        request, "programmes/mentors.html", {"programme": programme, "form": form, "grants": grants}
    )


@login_required
@require_POST
def remove_mentor(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    programme, can_edit = _get_programme_for_user(request, pk)
    require(can_edit)
    get_object_or_404(RoleGrant, pk=grant_pk, programme=programme, role=Role.MENTOR).delete()
    messages.success(request, _("Mentor removed."))
    return redirect("programmes:mentors", pk=programme.pk)

"""Login, logout, profile, API tokens and people with their roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiangji.accounts.backends import account_locked_until, do_unlock
from qiangji.accounts.forms import GrantForm, LoginForm, PersonForm, ProfileForm, TokenForm
from qiangji.accounts.models import ApiToken, Role, RoleGrant, User
from qiangji.accounts.permissions import access_for, require
from qiangji.notifications.actions import do_notify
from qiangji.territories.models import Territory


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or "core:home")
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.user)
        return redirect(next_url or "core:home")
    status = 200 if request.method == "GET" or form.is_valid() else 400
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("core:home")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details were saved."))
        return redirect("accounts:profile")
    grants = request.user.grants.select_related("territory", "programme")
    return render(request, "accounts/profile.html", {"form": form, "grants": grants})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": request.user.api_tokens.all(), "new_key": new_key},
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


def _manageable_territories(access):
    if access.is_superuser:
        return Territory.objects.all()
    condition = Q(pk__in=[])
    for grant in access.grants:
        if grant.role == Role.SUBDISTRICT_ADMIN and grant.territory_path:
            condition |= Q(path__startswith=grant.territory_path)
    return Territory.objects.filter(condition)


def _people_in_scope(access):
    """People holding a role inside the territories this admin manages."""
    territories = _manageable_territories(access)
    if access.is_superuser:
        return User.objects.all()
    return User.objects.filter(
        Q(grants__territory__in=territories) | Q(grants__programme__subdistrict__in=territories)
    ).distinct()


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    require(access.has_role(Role.SUBDISTRICT_ADMIN))
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    qs = _people_in_scope(access).prefetch_related(
        Prefetch("grants", queryset=RoleGrant.objects.select_related("territory", "programme"))
    )
    if query:
        qs = qs.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    if role:
        qs = qs.filter(grants__role=role).distinct()
    page = Paginator(qs.order_by("username"), 50).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "role": role, "roles": Role.choices}
    if request.htmx:
        return render(request, "accounts/people.html#people-table", context)
    return render(request, "accounts/people.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    require(access.has_role(Role.SUBDISTRICT_ADMIN))
    territories = _manageable_territories(access)
    form = PersonForm(request.POST or None)
    grant_form = GrantForm(request.POST or None, territories=territories, prefix="grant")
    if request.method == "POST" and form.is_valid() and grant_form.is_valid():
        with transaction.atomic():
            person = form.save()
            RoleGrant.objects.create(
                user=person,
                role=grant_form.cleaned_data["role"],
                territory=grant_form.cleaned_data["territory"],
            )
        messages.success(request, _("%(name)s was added.") % {"name": person})
        return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/person_form.html", {"form": form, "grant_form": grant_form})


def _get_person_for_admin(request: HttpRequest, pk: int) -> tuple[User, object]:
    access = access_for(request.user)
    require(access.has_role(Role.SUBDISTRICT_ADMIN))
    person = get_object_or_404(_people_in_scope(access), pk=pk)
    return person, access


@login_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    person, access = _get_person_for_admin(request, pk)
    territories = _manageable_territories(access)
    grant_form = GrantForm(request.POST or None, territories=territories)
    if request.method == "POST" and grant_form.is_valid():
        grant, created = RoleGrant.objects.get_or_create(
            user=person,
            role=grant_form.cleaned_data["role"],
            territory=grant_form.cleaned_data["territory"],
        )
        if created:
            do_notify(
                recipients=[person],
                kind="role_granted",
                title=_("You are now %(role)s of %(scope)s")
                % {"role": grant.get_role_display(), "scope": grant.territory},
                url=reverse("core:home"),
            )
            messages.success(request, _("Role granted."))
        else:
            messages.info(request, _("This person already holds that role there."))
        return redirect("accounts:person", pk=person.pk)
    grants = person.grants.select_related("territory", "programme")
    return render(
        request,
        "accounts/person.html",
        {
            "person": person,
            "grants": grants,
            "grant_form": grant_form,
            "manageable": territories,
            "locked_until": account_locked_until(person),
        },
    )


@login_required
@require_POST
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Let a person locked out by failed logins try again at once."""
    person, _access = _get_person_for_admin(request, pk)
    if do_unlock(user=person):
        messages.success(request, _("%(name)s can log in again.") % {"name": person})
    else:
        messages.info(request, _("%(name)s was not locked.") % {"name": person})
    return redirect("accounts:person", pk=person.pk)


@login_required
@require_POST
def revoke_grant(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    person, access = _get_person_for_admin(request, pk)
    grant = get_object_or_404(
        RoleGrant.objects.select_related("territory", "programme"), pk=grant_pk, user=person
    )
    scope = grant.territory or grant.programme.subdistrict
    require(access.can_manage_people(scope))
    grant.delete()
    messages.success(request, _("Role revoked."))
    return redirect("accounts:person", pk=person.pk)

"""Home page, health checks and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from qiangji.accounts.models import Role, RoleGrant
from qiangji.accounts.permissions import access_for
from qiangji.core import finder, workbench
from qiangji.core.navigation import public_links
from qiangji.territories.models import Kind, Territory

TODOS_PER_PAGE = 30


@require_safe  # GET and HEAD: uptime monitors send HEAD
def home(request: HttpRequest) -> HttpResponse:
    """The landing page for residents, or the person's workbench (工作台): to-dos first."""
    if not request.user.is_authenticated:
        communities = list(
            Territory.objects.filter(kind=Kind.COMMUNITY).select_related("parent")[:200]
        )
        for community in communities:
            community.public_links = public_links(community)
        return render(request, "core/landing.html", {"communities": communities})
    access = access_for(request.user)
    grants = list(
        request.user.grants.select_related("territory", "programme").order_by(
            "role", "territory__path"
        )
    )
    todos = workbench.todos(request, access)
    page = Paginator(todos, TODOS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "grants": grants,
        "page": page,
        "groups": workbench.by_community(list(page)),
        "todo_total": len(todos),
        "item_total": sum(todo.count for todo in todos),
        "figures": workbench.figures(request, access),
        "steps": workbench.first_steps(request, access),
        "programmes": list(
            access.visible_programmes().select_related("subdistrict").prefetch_related("phases")[:3]
        )
        if access.programme_ids
        else [],
        "ask": _whom_to_ask() if not (grants or access.is_superuser) else [],
    }
    template = "core/home.html#todos" if request.htmx else "core/home.html"
    return render(request, template, context)


def _whom_to_ask() -> list:
    """Return a few subdistrict administrators a person without a role can ask for one."""
    return list(
        RoleGrant.objects.filter(role=Role.SUBDISTRICT_ADMIN, user__is_active=True)
        .select_related("user", "territory")
        .order_by("territory__path", "pk")[:5]
    )


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search everywhere: what matches the query among what this person may see, by kind."""
    access = access_for(request.user)
    raw = request.GET.get("q", "")
    query = finder.clean_query(raw)
    results = finder.find_everywhere(request, access, query)
    context = {
        "query": query,
        "cut": len(" ".join(raw.split())) > len(query),
        "results": [found for found in results if found.hits],
        "empty_kinds": [found for found in results if not found.hits],
        "searched": bool(query),
    }
    template = "core/search.html#results" if request.htmx else "core/search.html"
    return render(request, template, context)


@never_cache
@require_safe  # GET and HEAD: uptime monitors send HEAD
def healthz(request: HttpRequest) -> HttpResponse:
    """Return 200 "ok" while the process serves requests; touches no database."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_safe  # GET and HEAD: uptime monitors send HEAD
def readyz(request: HttpRequest) -> HttpResponse:
    """Return 200 when the database answers a query, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any database failure means "not ready"
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; when the database cannot be reached, a 503 page that says so instead.

    Rendered without the request's context processors: they would ask the database again.
    """
    import sys

    from django.db import InterfaceError, OperationalError
    from django.template.loader import render_to_string

    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return render(request, "500.html", status=500)

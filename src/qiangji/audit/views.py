"""The audit log page: filterable by territory, person, action, object type and date."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from qiangji.accounts.models import Role
from qiangji.accounts.permissions import access_for, require
from qiangji.audit.models import Action, AuditEntry
from qiangji.territories.models import Territory


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


# What the changes of an event (record_event) name that is not a field of its model.
EVENT_LABELS = {
    "added": _("Added"),
    "cancelled": _("Cancelled"),
    "counted": _("Counted"),
    "pressed": _("Pressed (督办)"),
    "reason": _("Reason"),
    "round": _("Round"),
    "rounds": _("Round names"),
    "status": _("Status"),
    "total": _("Total score"),
    "version": _("Version"),
}


def _field_label(model, name: str) -> str:
    """Return a field's verbose name in the reader's language (the raw name if it is gone)."""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 — an event's own key, or a field removed since
        return str(EVENT_LABELS.get(name, name))


def _change_rows(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """Return (field label, before, after) for each change of an entry."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    rows = []
    for name, pair in changes.items():
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append((_field_label(model, name), before, after))
    return rows


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    require(access.has_role(Role.SUBDISTRICT_ADMIN))
    entries = AuditEntry.objects.select_related("actor", "content_type", "territory")
    if not access.is_superuser:
        scope = Q(pk__in=[])
        for grant in access.grants:
            if grant.role == Role.SUBDISTRICT_ADMIN and grant.territory_path:
                scope |= Q(territory__path__startswith=grant.territory_path)
        entries = entries.filter(scope)
    territory = None
    if territory_id := request.GET.get("territory", "").strip():
        territory = (
            Territory.objects.filter(pk=territory_id).first() if territory_id.isdigit() else None
        )
        if territory is not None and access.can_read_audit(territory):
            entries = entries.filter(territory__path__startswith=territory.path)
        else:
            territory = None
    if action := request.GET.get("action"):
        entries = entries.filter(action=action)
    if model := request.GET.get("model"):
        entries = entries.filter(content_type__model=model)
    if actor := request.GET.get("actor", "").strip():
        entries = entries.filter(
            Q(actor__username__icontains=actor) | Q(actor__display_name__icontains=actor)
        )
    if since := _date(request.GET.get("since", "")):
        entries = entries.filter(at__date__gte=since)
    if until := _date(request.GET.get("until", "")):
        entries = entries.filter(at__date__lte=until)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.change_rows = _change_rows(entry)
    models = ContentType.objects.filter(
        pk__in=AuditEntry.objects.values("content_type").distinct()
    ).order_by("model")
    context = {
        "page": page,
        "territory": territory,
        "actions": Action.choices,
        "models": models,
        "filters": request.GET,
    }
    if request.htmx:
        return render(request, "audit/index.html#entries", context)
    return render(request, "audit/index.html", context)

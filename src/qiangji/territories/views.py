"""Territory pages: the tree, one territory, editing, import and export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiangji.accounts.models import RoleGrant
from qiangji.accounts.permissions import access_for, require
from qiangji.lib.editguard import edit_status, save_unless_stale
from qiangji.lib.tabular import TableError, csv_response, read_table, xlsx_bytes, xlsx_response
from qiangji.territories import importing
from qiangji.territories.forms import ImportForm, TerritoryForm
from qiangji.territories.links import may_open_territory
from qiangji.territories.models import Kind, Territory, TerritoryImport


def _get_territory_for_user(request: HttpRequest, pk: int) -> tuple[Territory, bool]:
    """Return the territory and whether the person may edit it; 403 if they may not read it.

    Territory names are public (residents pick their community on the landing page), so a
    refusal says "not allowed" rather than pretending the territory does not exist.
    """
    territory = get_object_or_404(Territory.objects.select_related("parent"), pk=pk)
    access = access_for(request.user)
    require(may_open_territory(access, territory))
    return territory, access.can_edit_territory(territory)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    roots = access.root_territories()
    if len(roots) == 1:
        return redirect("territories:detail", pk=roots[0].pk)
    return render(request, "territories/index.html", {"roots": roots})


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    territory, can_edit = _get_territory_for_user(request, pk)
    access = access_for(request.user)
    children = list(territory.children.order_by("kind", "order", "name"))
    visible_ids = set(
        access.visible_territories().filter(parent=territory).values_list("pk", flat=True)
    )
    children = [c for c in children if c.pk in visible_ids]
    grants = []
    if access.can_manage_people(territory):
        grants = RoleGrant.objects.filter(territory=territory).select_related("user")
    programmes = []
    if territory.kind == Kind.SUBDISTRICT:
        programmes = [p for p in territory.programmes.all() if access.can_view_programme(p)]
    elif territory.kind == Kind.COMMUNITY:
        programmes = [
            p for p in territory.enrolled_programmes.all() if access.can_view_programme(p)
        ]
    counts = {}
    if territory.kind in (Kind.CITY, Kind.DISTRICT, Kind.SUBDISTRICT, Kind.PROVINCE):
        for kind in (Kind.SUBDISTRICT, Kind.COMMUNITY, Kind.COMPOUND, Kind.GRID):
            n = (
                Territory.objects.within(territory)
                .filter(kind=kind)
                .exclude(pk=territory.pk)
                .count()
            )
            if n:
                counts[Kind(kind).label] = n
    context = {
        "territory": territory,
        "can_edit": can_edit,
        "children": children,
        "grants": grants,
        "programmes": programmes,
        "counts": counts,
        "can_import": can_edit and territory.kind not in (Kind.COMPOUND, Kind.GRID),
        "can_read_audit": access.can_read_audit(territory),
    }
    return render(request, "territories/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    territory, can_edit = _get_territory_for_user(request, pk)
    require(can_edit)
    form = TerritoryForm(request.POST or None, instance=territory)
    if request.method == "POST" and form.is_valid() and save_unless_stale(form):
        messages.success(request, _("Saved."))
        return redirect("territories:detail", pk=territory.pk)
    return render(
        request,
        "territories/form.html",
        {"form": form, "territory": territory, "parent": territory.parent},
        status=edit_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def create_child(request: HttpRequest, pk: int) -> HttpResponse:
    parent, can_edit = _get_territory_for_user(request, pk)
    require(can_edit and parent.kind not in (Kind.COMPOUND, Kind.GRID))
    form = TerritoryForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        child = form.save()
        messages.success(request, _("%(name)s was added.") % {"name": child.name})
        return redirect("territories:detail", pk=parent.pk)
    return render(
        request, "territories/form.html", {"form": form, "territory": None, "parent": parent}
    )


@login_required
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    territory, _can_edit = _get_territory_for_user(request, pk)
    fmt = request.GET.get("format", "xlsx")
    rows = importing.export_rows(territory)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        return csv_response(f"territories-{territory.pk}-{stamp}.csv", importing.COLUMNS, rows)
    return xlsx_response(
        f"territories-{territory.pk}-{stamp}.xlsx",
        xlsx_bytes(importing.COLUMNS, rows, title="辖区"),
    )


def _report_for(upload: TerritoryImport, request: HttpRequest, *, apply: bool):
    access = access_for(request.user)
    table = read_table(bytes(upload.content), upload.filename)
    return importing.run_import(
        table, root=upload.root, can_edit=access.can_edit_territory, apply=apply
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    territory, can_edit = _get_territory_for_user(request, pk)
    require(can_edit and territory.kind not in (Kind.COMPOUND, Kind.GRID))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            read_table(data, form.cleaned_data["file"].name)
        except TableError as exc:
            form.add_error("file", str(exc))
        else:
            upload = TerritoryImport.objects.create(
                root=territory,
                uploaded_by=request.user,
                filename=form.cleaned_data["file"].name[:200],
                content=data,
            )
            return redirect("territories:import_preview", pk=territory.pk, upload_pk=upload.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "territories/import.html", {"form": form, "territory": territory}, status=status
    )


def _get_upload(request: HttpRequest, pk: int, upload_pk: int) -> TerritoryImport:
    territory, can_edit = _get_territory_for_user(request, pk)
    require(can_edit)
    return get_object_or_404(
        TerritoryImport.objects.select_related("root"),
        pk=upload_pk,
        root=territory,
        uploaded_by=request.user,
    )


@login_required
@require_GET
def import_preview(request: HttpRequest, pk: int, upload_pk: int) -> HttpResponse:
    upload = _get_upload(request, pk, upload_pk)
    report = _report_for(upload, request, apply=False)
    return render(
        request,
        "territories/import_preview.html",
        {"upload": upload, "territory": upload.root, "report": report},
    )


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int, upload_pk: int) -> HttpResponse:
    upload = _get_upload(request, pk, upload_pk)
    if upload.applied_at:
        messages.info(request, _("This file was already imported."))
        return redirect("territories:detail", pk=upload.root.pk)
    with transaction.atomic():
        report = _report_for(upload, request, apply=True)
        if report.missing_columns:
            messages.error(request, _("The file lacks required columns; nothing was imported."))
            return redirect("territories:import_preview", pk=pk, upload_pk=upload.pk)
        upload.applied_at = timezone.now()
        upload.save(update_fields=["applied_at"])
    messages.success(
        request,
        _(
            "Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(rejected)d rejected."
        )
        % {
            "created": report.count("create"),
            "updated": report.count("update"),
            "unchanged": report.count("unchanged"),
            "rejected": report.count("error"),
        },
    )
    return render(
        request,
        "territories/import_preview.html",
        {"upload": upload, "territory": upload.root, "report": report, "applied": True},
    )


@login_required
@require_GET
def import_rejects(request: HttpRequest, pk: int, upload_pk: int) -> HttpResponse:
    upload = _get_upload(request, pk, upload_pk)
    report = _report_for(upload, request, apply=False)
    headers, rows = importing.rejected_rows(report)
    return csv_response(f"rejected-rows-{upload.pk}.csv", headers, rows)

"""Pages of the implementation app: deliveries, items, the phone update, overdue, public page."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiangji.accounts.models import Role
from qiangji.accounts.permissions import access_for, require
from qiangji.implementation import actions, exports
from qiangji.implementation.flags import (
    in_paths,
    overdue_q,
    pressed_q,
    stuck_q,
    worker_paths,
)
from qiangji.implementation.forms import (
    PROGRESS_CHOICES,
    ImportForm,
    MilestoneForm,
    PressForm,
    RulesForm,
    SpendForm,
    StatusForm,
    UpdateForm,
    WeightForm,
)
from qiangji.implementation.links import may_see_overdue
from qiangji.implementation.models import (
    Delivery,
    Evidence,
    Item,
    Kind,
    Meaning,
    Milestone,
    Rules,
    Status,
)
from qiangji.lib.editguard import edit_status, save_unless_stale, version_form
from qiangji.lib.files import file_response
from qiangji.programmes.models import Programme
from qiangji.territories.models import Kind as TerritoryKind
from qiangji.territories.models import Territory

# --------------------------------------------------------------------------- helpers


def _get_delivery_for_user(request: HttpRequest, pk: int) -> tuple[Delivery, bool]:
    """Return the delivery and whether the person may update it; 404 if they may not read it."""
    delivery = get_object_or_404(
        Delivery.objects.select_related("programme", "community", "version", "plan"), pk=pk
    )
    access = access_for(request.user)
    if not access.can_view_programme(delivery.programme):
        raise Http404
    return delivery, access.can_work_in_community(delivery.community)


def _get_item_for_user(request: HttpRequest, pk: int) -> tuple[Item, bool]:
    item = get_object_or_404(
        Item.objects.select_related(
            "status", "delivery", "programme", "community", "parent", "version_node"
        ),
        pk=pk,
    )
    access = access_for(request.user)
    if not access.can_view_programme(item.programme):
        raise Http404
    return item, access.can_work_in_community(item.community)


def _can_press(request: HttpRequest, programme: Programme) -> bool:
    return access_for(request.user).can_edit_programme(programme)


def _stale_days(programme_id: int) -> int:
    return (
        Rules.objects.filter(programme_id=programme_id).values_list("stale_days", flat=True).first()
        or Rules._meta.get_field("stale_days").default
    )


def _tree_rows(items: list[Item], *, stale_days: int) -> list[dict]:
    """Return the items in reading order with their flags and budget totals (no queries)."""
    today, now = timezone.localdate(), timezone.now()
    children: dict[int | None, list[Item]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    totals: dict[int, tuple[Decimal, Decimal]] = {}

    def total(item: Item) -> tuple[Decimal, Decimal]:
        planned = item.budget or Decimal(0)
        spent = item.spent
        for child in children.get(item.pk, []):
            child_planned, child_spent = total(child)
            if not child.is_cancelled:
                planned += child_planned
            spent += child_spent
        totals[item.pk] = (planned, spent)
        return planned, spent

    for root in children.get(None, []):
        total(root)
    rows = []
    for item in items:
        planned, spent = totals.get(item.pk, (Decimal(0), Decimal(0)))
        rows.append(
            {
                "item": item,
                "overdue": item.is_overdue(today),
                "stuck": item.is_stuck(stale_days, now),
                "pressed": bool(
                    item.pressed_at
                    and item.pressed_at >= item.last_update_at
                    and not item.is_finished
                ),
                "planned": planned,
                "spent": spent,
                "over_budget": planned > 0 and spent > planned,
            }
        )
    return rows


def _programme_for(request: HttpRequest, access) -> Programme | None:
    raw = request.GET.get("programme", "")
    programmes = access.visible_programmes().order_by("-starts_on", "-pk")
    if raw.isdigit():
        programme = programmes.filter(pk=int(raw)).first()
        if programme is None:
            raise Http404
        return programme
    return programmes.first()


# --------------------------------------------------------------------------- index, approval


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The programme's deliveries by community, and the plans waiting for approval (立项)."""
    access = access_for(request.user)
    programme = _programme_for(request, access)
    require(programme is not None)
    from qiangji.implementation.interface import delivery_by_community
    from qiangji.plans.models import Plan

    communities = [
        c
        for c in Territory.objects.filter(
            enrolments__programme=programme, kind=TerritoryKind.COMMUNITY
        ).order_by("order", "name")
        if access.can_view_territory(c) or access.can_view_programme(programme)
    ]
    figures = delivery_by_community([c.pk for c in communities], programme=programme)
    deliveries = {d.community_id: d for d in Delivery.objects.filter(programme=programme)}
    plans = {p.community_id: p for p in Plan.objects.filter(programme=programme)}
    rows = [
        {
            "community": c,
            "figures": figures[c.pk],
            "delivery": deliveries.get(c.pk),
            "plan": plans.get(c.pk),
        }
        for c in communities
    ]
    return render(
        request,
        "implementation/index.html",
        {
            "programme": programme,
            "rows": rows,
            "can_approve": access.can_edit_programme(programme),
            "programmes": access.visible_programmes().order_by("-starts_on"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """立项: the subdistrict approves the latest reviewed version of a community's plan."""
    from qiangji.plans.models import Plan

    plan = get_object_or_404(
        Plan.objects.select_related("programme__subdistrict", "community"), pk=plan_pk
    )
    access = access_for(request.user)
    if not access.can_view_programme(plan.programme):
        raise Http404
    require(access.can_edit_programme(plan.programme))
    latest = actions.approvable_version(plan)
    delivery = Delivery.objects.filter(plan=plan).select_related("version").first()
    error = ""
    status = 200
    if request.method == "POST":
        number = request.POST.get("version", "")
        version = plan.versions.filter(number=int(number)).first() if number.isdigit() else None
        if version is None:
            error, status = _("Choose a version of this plan."), 400
        else:
            try:
                result = actions.do_approve(
                    plan=plan, version=version, by=request.user, note=request.POST.get("note", "")
                )
            except actions.DeliveryError as exc:
                error, status = str(exc), 400
            else:
                messages.success(
                    request,
                    _("Approved version %(v)d: %(a)d items added, %(k)d kept, %(c)d cancelled.")
                    % {
                        "v": version.number,
                        "a": result.added,
                        "k": result.kept,
                        "c": result.cancelled,
                    },
                )
                return redirect("implementation:delivery", pk=result.delivery.pk)
    return render(
        request,
        "implementation/approve.html",
        {
            "plan": plan,
            "latest": latest,
            "delivery": delivery,
            "versions": plan.versions.order_by("-number"),
            "error": error,
        },
        status=status,
    )


# --------------------------------------------------------------------------- a community's delivery


@login_required
@require_GET
def delivery(request: HttpRequest, pk: int) -> HttpResponse:
    delivery, can_update = _get_delivery_for_user(request, pk)
    items = list(delivery.items.select_related("status"))
    rows = _tree_rows(items, stale_days=_stale_days(delivery.programme_id))
    approvals = list(delivery.approvals.select_related("version", "approved_by"))
    return render(
        request,
        "implementation/delivery.html",
        {
            "delivery": delivery,
            "rows": rows,
            "can_update": can_update,
            "approvals": approvals,
            "totals": _totals(rows),
        },
    )


def _totals(rows: list[dict]) -> dict:
    lines = [r for r in rows if r["item"].parent_id is None and not r["item"].is_cancelled]
    planned = sum((r["planned"] for r in lines), Decimal(0))
    spent = sum((r["spent"] for r in rows if r["item"].parent_id is None), Decimal(0))
    return {
        "planned": planned,
        "spent": spent,
        "over_budget": planned > 0 and spent > planned,
        "overdue": sum(1 for r in rows if r["overdue"]),
        "stuck": sum(1 for r in rows if r["stuck"]),
    }


# --------------------------------------------------------------------------- one item


def _item_context(request: HttpRequest, item: Item, *, can_update: bool, **forms) -> dict:
    milestones = list(
        item.milestones.select_related("author").prefetch_related("evidence", "activities")[:100]
    )
    stale = _stale_days(item.programme_id)
    return {
        "item": item,
        "can_update": can_update,
        "can_press": _can_press(request, item.programme),
        "milestones": milestones,
        "children": list(item.children.select_related("status")),
        "spends": list(item.spends.all()[:50]),
        "links": list(item.concern_links.all()),
        "overdue": item.is_overdue(),
        "stuck": item.is_stuck(stale),
        "stale_days": stale,
        "update_form": forms.get("update_form") or UpdateForm(item=item),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(item=item),
        "spend_form": forms.get("spend_form") or SpendForm(),
        "press_form": PressForm(),
        "weight_form": WeightForm(initial={"weight": item.weight}),
        "conflict": forms.get("conflict"),
        "progress_choices": PROGRESS_CHOICES,
    }


@login_required
@require_GET
def item(request: HttpRequest, pk: int) -> HttpResponse:
    item, can_update = _get_item_for_user(request, pk)
    return render(
        request, "implementation/item.html", _item_context(request, item, can_update=can_update)
    )


@login_required
@require_POST
def item_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a progress update; a stale revision shows the conflict, keeping the evidence."""
    item, can_update = _get_item_for_user(request, pk)
    require(can_update)
    form = UpdateForm(request.POST, request.FILES, item=item)
    template = (
        "implementation/quick_item.html"
        if request.POST.get("from") == "quick"
        else "implementation/item.html"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = actions.do_update_item(
                item=item,
                by=request.user,
                progress=data.get("progress"),
                status=data.get("status"),
                actual=data.get("actual") if "actual" in request.POST else None,
                note=data.get("note", ""),
                photos=[data["photo"]] if data.get("photo") else [],
                documents=[data["document"]] if data.get("document") else [],
                expected_revision=data["revision"],
                reason=data.get("reason", ""),
            )
        except actions.DeliveryError as error:
            form.add_error(None, str(error))
        else:
            if result.conflict:
                item.refresh_from_db()
                fresh = UpdateForm(
                    initial={
                        "progress": data.get("progress"),
                        "status": data.get("status"),
                        "actual": data.get("actual"),
                        "reason": data.get("reason"),
                    },
                    item=item,
                )
                context = _item_context(
                    request,
                    item,
                    can_update=can_update,
                    update_form=fresh,
                    conflict={"theirs": result.theirs, "mine": data, "kept": result.milestone},
                )
                context["quick"] = template.endswith("quick_item.html")
                return render(request, template, context, status=409)
            messages.success(
                request,
                _("Saved: %(title)s is at %(p)s%%.")
                % {"title": item.title, "p": f"{result.item.progress:.0f}"},
            )
            if request.POST.get("from") == "quick":
                return redirect("implementation:quick")
            return redirect("implementation:item", pk=item.pk)
    context = _item_context(request, item, can_update=can_update, update_form=form)
    context["quick"] = template.endswith("quick_item.html")
    return render(request, template, context, status=400)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    item, can_update = _get_item_for_user(request, pk)
    require(can_update)
    form = MilestoneForm(request.POST, request.FILES, item=item)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_milestone(
                item=item,
                by=request.user,
                title=data["title"],
                text=data.get("text", ""),
                happened_on=data["happened_on"],
                photos=[data["photo"]] if data.get("photo") else [],
                documents=[data["document"]] if data.get("document") else [],
                activities=data.get("activities") or (),
                public=data.get("public", False),
            )
        except actions.DeliveryError as error:
            form.add_error("happened_on", str(error))
        else:
            messages.success(request, _("Milestone added."))
            return redirect("implementation:item", pk=item.pk)
    context = _item_context(request, item, can_update=can_update, milestone_form=form)
    return render(request, "implementation/item.html", context, status=400)


@login_required
@require_POST
def spend_add(request: HttpRequest, pk: int) -> HttpResponse:
    item, can_update = _get_item_for_user(request, pk)
    require(can_update)
    form = SpendForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_spend(
                item=item,
                by=request.user,
                amount=data["amount"],
                note=data["note"],
                spent_on=data["spent_on"],
            )
        except actions.DeliveryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Spending recorded."))
            return redirect("implementation:item", pk=item.pk)
    context = _item_context(request, item, can_update=can_update, spend_form=form)
    return render(request, "implementation/item.html", context, status=400)


@login_required
@require_POST
def press(request: HttpRequest, pk: int) -> HttpResponse:
    """督办: recorded on the item's timeline; the community's workers are told."""
    item, _can_update = _get_item_for_user(request, pk)
    require(_can_press(request, item.programme))
    form = PressForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    actions.do_press(item=item, by=request.user, note=note)
    messages.success(request, _("Pressed: the community has been told."))
    if request.htmx:
        return HttpResponse(_("Pressed"))
    return redirect(request.POST.get("next") or reverse("implementation:item", args=[item.pk]))


@login_required
@require_POST
def weight(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an item's weight in its parent's roll-up."""
    item, can_update = _get_item_for_user(request, pk)
    require(can_update)
    form = WeightForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A weight is a number from 0 to 1000."))
        return redirect("implementation:item", pk=item.pk)
    Item.objects.filter(pk=item.pk).update(weight=form.cleaned_data["weight"])
    item.refresh_from_db()
    actions.roll_up(item)
    messages.success(request, _("Weight saved; progress rolled up again."))
    return redirect("implementation:item", pk=item.pk)


# --------------------------------------------------------------------------- phone update


def _my_items(request: HttpRequest):
    access = access_for(request.user)
    paths = worker_paths(access)
    require(paths is None or bool(paths))
    items = Item.objects.filter(kind=Kind.TASK).exclude(
        status__meaning__in=[Meaning.DONE, Meaning.CANCELLED]
    )
    if paths is not None:
        items = items.filter(in_paths(paths))
    return items


@login_required
@require_GET
def quick(request: HttpRequest) -> HttpResponse:
    """Tap 1: pick the task (overdue and pressed first)."""
    items = list(
        _my_items(request)
        .select_related("status", "community", "parent")
        .order_by("deadline", "sort_index")[:200]
    )
    today = timezone.localdate()
    flag = request.GET.get("flag", "")
    rows = [
        {
            "item": i,
            "overdue": i.is_overdue(today),
            "pressed": bool(i.pressed_at and i.pressed_at >= i.last_update_at),
        }
        for i in items
    ]
    if flag == "overdue":
        rows = [r for r in rows if r["overdue"]]
    elif flag == "pressed":
        rows = [r for r in rows if r["pressed"]]
    rows.sort(key=lambda r: (not r["pressed"], not r["overdue"]))
    return render(request, "implementation/quick.html", {"rows": rows, "flag": flag})


@login_required
@require_GET
def quick_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Taps 2 and 3: set the progress, add a photo, done."""
    item, can_update = _get_item_for_user(request, pk)
    require(can_update)
    context = _item_context(request, item, can_update=can_update)
    context["quick"] = True
    return render(request, "implementation/quick_item.html", context)


# --------------------------------------------------------------------------- overdue list


@login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """The subdistrict's list of overdue, stuck and pressed items (constant queries)."""
    access = access_for(request.user)
    require(may_see_overdue(access))
    flag = request.GET.get("flag", "overdue")
    condition = {"overdue": overdue_q(), "stuck": stuck_q(), "pressed": pressed_q()}.get(
        flag, overdue_q()
    )
    items = Item.objects.filter(condition)
    if not access.is_superuser:
        paths = [g.territory_path for g in access.grants if g.territory_path]
        items = items.filter(in_paths(paths))
    items = items.select_related("status", "community", "parent").order_by(
        "deadline" if flag == "overdue" else "last_update_at", "pk"
    )
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {"item": i, "days": (today - i.deadline).days if i.deadline else None}
        for i in page.object_list
    ]
    return render(
        request,
        "implementation/overdue.html",
        {
            "rows": rows,
            "page": page,
            "flag": flag,
            "can_press": access.has_role(Role.SUBDISTRICT_ADMIN),
        },
    )


# --------------------------------------------------------------------------- statuses


@login_required
@require_http_methods(["GET", "POST"])
def statuses(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """The programme's statuses with their default progress, and the days before 'stuck'."""
    programme = get_object_or_404(Programme, pk=programme_pk)
    access = access_for(request.user)
    if not access.can_view_programme(programme):
        raise Http404
    require(access.can_edit_programme(programme))
    actions.ensure_statuses(programme)
    rules, _created = Rules.objects.get_or_create(programme=programme)
    rows = list(Status.objects.filter(programme=programme))
    status = 200
    # The programme's version guards its statuses and rules against a second, stale save.
    version = version_form(programme, request.POST or None)
    if request.method == "POST":
        forms = [StatusForm(request.POST, instance=s, prefix=f"s{s.pk}") for s in rows]
        rules_form = RulesForm(request.POST, instance=rules)
        if all(f.is_valid() for f in forms) and rules_form.is_valid() and version.is_valid():

            def save() -> None:
                for form in forms:
                    form.save()
                rules_form.save()

            if save_unless_stale(version, save):
                messages.success(request, _("Statuses saved."))
                return redirect("implementation:statuses", programme_pk=programme.pk)
            status = edit_status(version)
        else:
            status = 400
    else:
        forms = [StatusForm(instance=s, prefix=f"s{s.pk}") for s in rows]
        rules_form = RulesForm(instance=rules)
    return render(
        request,
        "implementation/statuses.html",
        {
            "programme": programme,
            "forms": forms,
            "rules_form": rules_form,
            "version_form": version,
        },
        status=status,
    )


# --------------------------------------------------------------------------- exports, import, report


@login_required
@require_GET
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    delivery, _can_update = _get_delivery_for_user(request, pk)
    return exports.items_response([delivery], fmt=fmt, name=delivery.community.name)


@login_required
@require_GET
def export_programme(request: HttpRequest, programme_pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    programme = get_object_or_404(Programme, pk=programme_pk)
    access = access_for(request.user)
    if not access.can_view_programme(programme):
        raise Http404
    deliveries = [
        d
        for d in Delivery.objects.filter(programme=programme).select_related("community")
        if access.can_view_territory(d.community) or access.is_mentor_of(programme)
    ]
    return exports.items_response(deliveries, fmt=fmt, name=programme.name)


@login_required
@require_http_methods(["GET", "POST"])
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Import progress updates: a dry run by default, all-or-nothing, errors by row."""
    delivery, can_update = _get_delivery_for_user(request, pk)
    require(can_update)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = exports.import_progress(
                delivery=delivery,
                data=upload.read(exports.MAX_IMPORT_BYTES + 1),
                filename=upload.name,
                by=request.user,
                apply=form.cleaned_data["apply"],
            )
            if report.applied:
                messages.success(request, _("%(n)d items updated.") % {"n": report.changed})
                return redirect("implementation:delivery", pk=delivery.pk)
            status = 400 if report.errors else 200
        else:
            status = 400
    return render(
        request,
        "implementation/import.html",
        {"delivery": delivery, "form": form, "report": report},
        status=status,
    )


@login_required
@require_GET
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    delivery, _can_update = _get_delivery_for_user(request, pk)
    return exports.report_response([delivery], title=delivery.community.name)


@login_required
@require_GET
def report_programme_docx(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("subdistrict"), pk=programme_pk)
    access = access_for(request.user)
    if not access.can_view_programme(programme):
        raise Http404
    deliveries = list(Delivery.objects.filter(programme=programme).select_related("community"))
    return exports.report_response(
        deliveries, title=programme.subdistrict.name, programme=programme
    )


# --------------------------------------------------------------------------- the public page


@require_GET
def public(request: HttpRequest, community_pk: int) -> HttpResponse:
    """What the community promised and what it delivered: no login, no personal data."""
    community = get_object_or_404(Territory, pk=community_pk, kind=TerritoryKind.COMMUNITY)
    from qiangji.implementation.interface import deliveries_for

    delivery = deliveries_for([community.pk]).get(community.pk)
    items, milestones = [], []
    if delivery is not None:
        items = [
            i
            for i in delivery.items.select_related("status").only(
                "pk",
                "kind",
                "parent_id",
                "label",
                "title",
                "progress",
                "deadline",
                "indicator",
                "target",
                "actual",
                "status__name",
                "status__meaning",
                "status__key",
                "sort_index",
            )
            if i.status.meaning != Meaning.CANCELLED
        ]
        milestones = list(
            Milestone.objects.filter(
                Q(source=Milestone.Source.MANUAL)
                | Q(source=Milestone.Source.STATUS, item__kind=Kind.TASK),
                item__delivery=delivery,
                public=True,
            )
            .select_related("item")
            .only("pk", "title", "happened_on", "source", "item__title", "text")
            .prefetch_related(
                Prefetch(
                    "evidence",
                    queryset=Evidence.objects.filter(kind=Evidence.Kind.PHOTO).only(
                        "pk", "milestone_id", "file", "thumbnail", "kind"
                    ),
                )
            )[:12]
        )
    done = sum(1 for i in items if i.status.meaning == Meaning.DONE)
    children: dict[int | None, list[Item]] = {}
    for i in items:
        children.setdefault(i.parent_id, []).append(i)
    lines = [
        {
            "item": line,
            "projects": [
                {"item": project, "tasks": children.get(project.pk, [])}
                for project in children.get(line.pk, [])
            ],
        }
        for line in children.get(None, [])
    ]
    return render(
        request,
        "implementation/public.html",
        {
            "community": community,
            "delivery": delivery,
            "items": items,
            "lines": lines,
            "milestones": milestones,
            "done": done,
        },
    )


def _shown_publicly(evidence: Evidence) -> bool:
    """Return whether the community's public page shows this evidence (the rule of `public`)."""
    from qiangji.implementation.interface import deliveries_for

    milestone, item = evidence.milestone, evidence.milestone.item
    if evidence.kind != Evidence.Kind.PHOTO or not milestone.public:
        return False
    if not (
        milestone.source == Milestone.Source.MANUAL
        or (milestone.source == Milestone.Source.STATUS and item.kind == Kind.TASK)
    ):
        return False
    shown = deliveries_for([item.community_id]).get(item.community_id)
    return shown is not None and shown.pk == item.delivery_id


@require_GET
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """A milestone's photo or document: for the programme's readers, or anyone if it is public."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("milestone__item__programme"), pk=pk
    )
    readable = request.user.is_authenticated and access_for(request.user).can_view_programme(
        evidence.milestone.item.programme
    )
    public = not readable and _shown_publicly(evidence)
    if not readable and not public:
        raise Http404
    thumb = request.GET.get("size") == "thumb" and evidence.thumbnail
    return file_response(
        evidence.thumbnail if thumb else evidence.file,
        public=public,
        filename="" if thumb else evidence.name,
        content_type="" if thumb else evidence.content_type,
    )

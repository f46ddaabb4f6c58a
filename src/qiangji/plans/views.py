"""Plan pages: list, editor, versions, diffs, conflicts, discussion, timeline, exports."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiangji.accounts.permissions import access_for, require
from qiangji.lib.tabular import attachment_header, xlsx_response
from qiangji.plans import actions, citations, exports
from qiangji.plans.completeness import check_plan
from qiangji.plans.diffing import compare, snapshot_of_draft, snapshot_of_version
from qiangji.plans.forms import (
    AddNodeForm,
    CloseRoundForm,
    CommentForm,
    ImportForm,
    MoveForm,
    NodeForm,
    PlanFieldsForm,
    RoundNamesForm,
)
from qiangji.plans.models import (
    PARENT_KIND,
    Comment,
    EditConflict,
    NodeKind,
    NodeSummary,
    Plan,
    PlanNode,
    PlanVersion,
    RoundName,
    flatten,
)
from qiangji.plans.rendering import RowContext, node_body_html, tasks_rows_html, tree_rows_html
from qiangji.plans.timeline import plan_timeline
from qiangji.programmes.models import Enrolment, Programme
from qiangji.territories.models import Territory

# --------------------------------------------------------------------------- helpers


def _get_plan_for_user(request: HttpRequest, pk: int) -> tuple[Plan, bool]:
    """Return the plan and whether the person may edit it; 404 if they may not read it."""
    plan = get_object_or_404(
        Plan.objects.select_related("programme", "programme__subdistrict", "community"), pk=pk
    )
    access = access_for(request.user)
    if not access.can_view_programme(plan.programme):
        raise Http404
    return plan, access.can_work_in_community(plan.community)


def _editable_plan(request: HttpRequest, pk: int) -> Plan:
    plan, can_edit = _get_plan_for_user(request, pk)
    require(can_edit)
    return plan


def _node(plan: Plan, node_id: int) -> PlanNode:
    return get_object_or_404(PlanNode, plan=plan, pk=node_id)


#: Above this many nodes the editor shows each project's tasks on demand.
COLLAPSE_TASKS_ABOVE = 400


def _rows(plan: Plan) -> tuple[list, list[dict]]:
    """Return the draft's tree and its rows in reading order (two queries, light nodes)."""
    # Long descriptions are cut in the database: the tree shows only their start.
    nodes = NodeSummary.for_plan(plan)
    tree = actions.live_tree(plan, nodes)
    rows: list[dict] = []
    labels: dict[int, str] = {}
    # `closes` lists, after each row, the lines and projects whose subtree ends there, so the
    # editor can put their "add a child" form after their last descendant.
    open_rows: list[dict] = []
    for item in flatten(tree):
        node = item.node
        labels[node.pk] = labels.get(node.parent_id, "") + item.label
        while open_rows and open_rows[-1]["depth"] >= item.depth:
            rows[-1]["closes"].append(open_rows.pop())
        row = {
            "node": node,
            "depth": item.depth,
            "label": item.label,
            "full_label": labels[node.pk],
            "closes": [],
            "task_count": len(item.children) if node.kind == NodeKind.PROJECT else 0,
        }
        rows.append(row)
        if node.kind != NodeKind.TASK:
            open_rows.append(row)
    while open_rows:
        rows[-1]["closes"].append(open_rows.pop())
    return tree, rows


def _tree_context(
    request: HttpRequest, plan: Plan, *, can_edit: bool, expanded: set[int] | None = None
) -> dict:
    tree, rows = _rows(plan)
    parents = {
        NodeKind.PROJECT: [r for r in rows if r["node"].kind == NodeKind.LINE],
        NodeKind.TASK: [r for r in rows if r["node"].kind == NodeKind.PROJECT],
    }
    row_context = RowContext.for_request(request, plan, can_edit=can_edit)
    collapse = len(rows) > COLLAPSE_TASKS_ABOVE
    return {
        "rows": rows,
        "tree_html": tree_rows_html(
            rows, row_context, collapse_tasks=collapse, expanded=expanded or set()
        ),
        "tasks_collapsed": collapse,
        "comment_targets": [r for r in rows if r["node"].key],
        "tree": tree,
        "completeness": check_plan(plan, tree),
        "parent_choices": parents,
        "node_count": len(rows),
    }


def _expanded(request: HttpRequest) -> set[int]:
    return {int(v) for v in request.POST.getlist("expand") if v.isdigit()}


def _render_tree(
    request: HttpRequest, plan: Plan, *, error: str = "", expand: set[int] | None = None
) -> HttpResponse:
    expanded = _expanded(request) | (expand or set())
    context = {
        "plan": plan,
        "can_edit": True,
        "tree_error": error,
        **_tree_context(request, plan, can_edit=True, expanded=expanded),
    }
    response = render(request, "plans/edit.html#tree", context)
    response["HX-Trigger"] = "plansChanged"
    return response


def _back_to_plan(plan: Plan, anchor: str = "") -> HttpResponse:
    return redirect(reverse("plans:detail", args=[plan.pk]) + (f"#{anchor}" if anchor else ""))


# --------------------------------------------------------------------------- list


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    programmes = list(access.visible_programmes().select_related("subdistrict"))
    plans = {
        (p.programme_id, p.community_id): p
        for p in Plan.objects.filter(programme__in=programmes)
        .select_related("community")
        .annotate(
            # Both counts join the plan's rows: without distinct each multiplies the other.
            version_count=Count("versions", distinct=True),
            node_total=Count("nodes", distinct=True),
        )
    }
    enrolments = (
        Enrolment.objects.filter(programme__in=programmes)
        .select_related("community")
        .order_by("programme_id", "community__order", "community__name")
    )
    groups: dict[int, dict] = {
        p.pk: {"programme": p, "rows": [], "can_name_rounds": access.can_edit_programme(p)}
        for p in programmes
    }
    own_communities = access.home_community_ids  # a secretary's own plan is marked
    for enrolment in enrolments:
        community = enrolment.community
        groups[enrolment.programme_id]["rows"].append(
            {
                "community": community,
                "plan": plans.get((enrolment.programme_id, community.pk)),
                "can_start": access.can_work_in_community(community),
                "is_own": community.pk in own_communities,
            }
        )
    return render(request, "plans/index.html", {"groups": list(groups.values())})


@login_required
@require_POST
def start(request: HttpRequest, programme_id: int, community_id: int) -> HttpResponse:
    access = access_for(request.user)
    programme = get_object_or_404(Programme, pk=programme_id)
    community = get_object_or_404(Territory, pk=community_id)
    if not access.can_view_programme(programme):
        raise Http404
    require(access.can_work_in_community(community))
    if not Enrolment.objects.filter(programme=programme, community=community).exists():
        raise Http404
    plan = actions.do_start_plan(programme=programme, community=community, by=request.user)
    return _back_to_plan(plan)


# --------------------------------------------------------------------------- editor


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan, can_edit = _get_plan_for_user(request, pk)
    return _detail(request, plan, can_edit=can_edit)


def detail_with_form(request: HttpRequest, plan: Plan, form: PlanFieldsForm) -> HttpResponse:
    """Return the editor with an invalid fields form, so that nothing typed is lost."""
    return _detail(request, plan, can_edit=True, fields_form=form)


def _detail(
    request: HttpRequest, plan: Plan, *, can_edit: bool, fields_form: PlanFieldsForm | None = None
) -> HttpResponse:
    versions = list(plan.versions.all())
    comments = list(plan.comments.select_related("author").order_by("created_at", "pk"))
    tree_context = _tree_context(request, plan, can_edit=can_edit)
    context = {
        "plan": plan,
        "can_edit": can_edit,
        "versions": versions,
        "fields_form": fields_form
        or PlanFieldsForm(
            instance=plan, initial={"revision": plan.revision, "round": plan.round_number}
        ),
        "close_form": CloseRoundForm(initial={"round": plan.round_number}),
        "comment_form": CommentForm(),
        "threads": _threads(comments, tree_context["rows"]),
        "open_conflicts": plan.conflicts.filter(resolved_at__isnull=True, author=request.user)
        if can_edit
        else [],
        **tree_context,
        **(_citations(plan) if can_edit else {}),
    }
    if request.htmx and request.GET.get("part") == "completeness":
        return render(request, "plans/edit.html#completeness", context)
    return render(request, "plans/edit.html", context)


def _citations(plan: Plan) -> dict:
    return {
        "concern_choices": citations.concern_suggestions(plan.community),
        "case_choices": citations.case_suggestions(plan.programme),
    }


def _threads(comments: list[Comment], rows: list[dict]) -> list[dict]:
    """Return top comments with their replies, each labelled with the node it is about."""
    about = {
        str(r["node"].key): f"{r['full_label']} {r['node'].title}" for r in rows if r["node"].key
    }
    for c in comments:
        c.node_label = about.get(str(c.node_key), "") if c.node_key else ""
    tops = [c for c in comments if c.parent_id is None]
    replies: dict[int, list[Comment]] = {}
    for c in comments:
        if c.parent_id:
            replies.setdefault(c.parent_id, []).append(c)
    return [{"comment": c, "replies": replies.get(c.pk, [])} for c in tops]


@login_required
@require_POST
def save_fields(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    form = PlanFieldsForm(request.POST, instance=Plan.objects.get(pk=plan.pk))
    context = {"plan": plan, "can_edit": True, **_citations(plan)}
    if not form.is_valid():
        context["fields_form"] = form
        if request.htmx:
            return render(request, "plans/edit.html#fields", context)
        messages.error(request, _("Please correct the fields marked below."))
        return detail_with_form(request, plan, form)
    values = {name: form.cleaned_data[name] for name in form.Meta.fields}
    result = actions.do_save_plan_fields(
        plan=plan,
        values=values,
        base_revision=form.cleaned_data["revision"],
        round_number=form.cleaned_data.get("round"),
        by=request.user,
    )
    plan.refresh_from_db()
    if not result.saved:
        if not request.htmx:
            return redirect("plans:conflict", pk=plan.pk, conflict_id=result.conflict.pk)
        context["conflict"] = result.conflict
        context["conflict_rows"] = _conflict_rows(result.conflict)
    context["fields_form"] = PlanFieldsForm(
        instance=plan, initial={"revision": plan.revision, "round": plan.round_number}
    )
    context["saved"] = result.saved and bool(result.changed)
    if not request.htmx:
        messages.success(request, _("Saved."))
        return _back_to_plan(plan, "fields")
    response = render(request, "plans/edit.html#fields", context)
    response["HX-Trigger"] = "plansChanged"
    return response


@login_required
@require_POST
def add_node(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    form = AddNodeForm(request.POST)
    error = ""
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = PlanNode.objects.filter(plan=plan, pk=form.cleaned_data["parent"]).first()
            if parent is None:
                error = _("The parent node no longer exists.")
        if not error:
            try:
                actions.do_add_node(
                    plan=plan,
                    kind=form.cleaned_data["kind"],
                    parent=parent,
                    title=form.cleaned_data["title"],
                    by=request.user,
                )
            except actions.PlanError as exc:
                error = str(exc)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return _back_to_plan(plan, "tree")
    return _render_tree(request, plan, error=error)


def _node_context(plan: Plan, node: PlanNode, form: NodeForm | None = None, **extra) -> dict:
    return {"plan": plan, "node": node, "form": form, "can_edit": True, **extra}


@login_required
@require_GET
def node_view(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    plan, can_edit = _get_plan_for_user(request, pk)
    node = _node(plan, node_id)
    if request.htmx:
        html = node_body_html(node, RowContext.for_request(request, plan, can_edit=can_edit))
        return HttpResponse(html)
    return _back_to_plan(plan, f"node-{node.pk}")


@login_required
@require_GET
def node_tasks(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    """Return the rows of one project's tasks (large plans load them on demand)."""
    plan, can_edit = _get_plan_for_user(request, pk)
    project = get_object_or_404(PlanNode, plan=plan, pk=node_id, kind=NodeKind.PROJECT)
    if not request.htmx:
        return _back_to_plan(plan, f"node-{project.pk}")
    tasks = list(project.children.order_by("position", "pk"))
    context = RowContext.for_request(request, plan, can_edit=can_edit)
    return HttpResponse(tasks_rows_html(project, tasks, context))


@login_required
@require_GET
def node_edit(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    node = _node(plan, node_id)
    form = NodeForm(
        instance=node,
        programme=plan.programme,
        initial={"revision": node.revision, "round": plan.round_number},
    )
    context = _node_context(plan, node, form)
    if request.htmx:
        return render(request, "plans/edit.html#node-form", context)
    return render(request, "plans/node_edit.html", context)


@login_required
@require_POST
def node_save(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    node = PlanNode.objects.filter(plan=plan, pk=node_id).first()
    if node is None:
        # Deleted meanwhile: keep the posted text so nothing is lost.
        posted = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken",)}
        context = {"plan": plan, "lost": posted}
        return render(request, "plans/node_gone.html", context, status=409 if request.htmx else 200)
    form = NodeForm(
        request.POST, instance=PlanNode.objects.get(pk=node.pk), programme=plan.programme
    )
    if not form.is_valid():
        context = _node_context(plan, node, form)
        if request.htmx:
            return render(request, "plans/edit.html#node-form", context)
        return render(request, "plans/node_edit.html", context)
    result = actions.do_save_node(
        node=node,
        values=form.node_values(),
        base_revision=form.cleaned_data["revision"],
        round_number=form.cleaned_data.get("round"),
        by=request.user,
    )
    if not result.saved:
        if not request.htmx:
            return redirect("plans:conflict", pk=plan.pk, conflict_id=result.conflict.pk)
        context = _node_context(
            plan,
            node,
            None,
            conflict=result.conflict,
            conflict_rows=_conflict_rows(result.conflict),
        )
        return render(request, "plans/edit.html#node-conflict", context)
    if not request.htmx:
        messages.success(request, _("Saved."))
        return _back_to_plan(plan, f"node-{node.pk}")
    html = node_body_html(node, RowContext.for_request(request, plan, can_edit=True), saved=True)
    response = HttpResponse(html)
    response["HX-Trigger"] = "plansChanged"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def node_move(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    node = _node(plan, node_id)
    if request.method == "GET":
        wanted = PARENT_KIND[NodeKind(node.kind)]
        parents = []
        if wanted is not None:
            context = _tree_context(request, plan, can_edit=True)
            parents = [r for r in context["rows"] if r["node"].kind == wanted]
        ctx = {"plan": plan, "node": node, "parents": parents, "can_edit": True}
        template = "plans/edit.html#node-move" if request.htmx else "plans/node_move.html"
        return render(request, template, ctx)
    form = MoveForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            if form.cleaned_data.get("offset"):
                actions.do_shift_node(
                    node=node, offset=form.cleaned_data["offset"], by=request.user
                )
            else:
                parent = None
                if form.cleaned_data.get("parent"):
                    parent = PlanNode.objects.filter(pk=form.cleaned_data["parent"]).first()
                    if parent is None or parent.plan_id != plan.pk:
                        raise actions.PlanError(_("The new parent is not part of this plan."))
                actions.do_move_node(
                    node=node,
                    parent=parent,
                    position=form.cleaned_data.get("position"),
                    by=request.user,
                )
        except actions.PlanError as exc:
            error = str(exc)
    else:
        error = _("Choose where to move the node.")
    if not request.htmx:
        if error:
            messages.error(request, error)
        return _back_to_plan(plan, f"node-{node.pk}")
    node.refresh_from_db()
    return _render_tree(
        request, plan, error=error, expand={node.parent_id} if node.parent_id else set()
    )


@login_required
@require_POST
def node_delete(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    node = PlanNode.objects.filter(plan=plan, pk=node_id).first()
    if node is not None:
        actions.do_delete_node(node=node, by=request.user)
    if not request.htmx:
        return _back_to_plan(plan, "tree")
    return _render_tree(request, plan)


@login_required
@require_POST
def close_round(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    form = CloseRoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; nothing was closed."))
        return _back_to_plan(plan)
    try:
        version = actions.do_close_round(
            plan=plan,
            by=request.user,
            note=form.cleaned_data["note"],
            expected_round=form.cleaned_data["round"],
        )
    except actions.RoundAlreadyClosed as exc:
        messages.warning(request, str(exc))
        return _back_to_plan(plan)
    messages.success(
        request,
        _("Round %(round)s closed as version %(number)d; the next round has started.")
        % {"round": version.round_name, "number": version.number},
    )
    return redirect("plans:version", pk=plan.pk, number=version.number)


# --------------------------------------------------------------------------- versions and diffs


@login_required
@require_GET
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    plan, can_edit = _get_plan_for_user(request, pk)
    return render(
        request,
        "plans/versions.html",
        {"plan": plan, "can_edit": can_edit, "versions": plan.versions.all()},
    )


@login_required
@require_GET
def version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    plan, can_edit = _get_plan_for_user(request, pk)
    frozen = get_object_or_404(PlanVersion, plan=plan, number=number)
    rows = [{"node": n, "depth": n.depth} for n in frozen.nodes.all()]
    return render(
        request,
        "plans/version.html",
        {"plan": plan, "version": frozen, "rows": rows, "can_edit": can_edit},
    )


def _snapshot(plan: Plan, ref: str):
    if ref == "draft":
        return snapshot_of_draft(plan)
    try:
        number = int(ref)
    except (TypeError, ValueError):
        raise Http404 from None
    return snapshot_of_version(get_object_or_404(PlanVersion, plan=plan, number=number))


@login_required
@require_GET
def diff(request: HttpRequest, pk: int) -> HttpResponse:
    plan, can_edit = _get_plan_for_user(request, pk)
    numbers = list(plan.versions.values_list("number", flat=True))
    latest = max(numbers) if numbers else None
    default_a = str(latest) if latest else "draft"
    a_ref = request.GET.get("a") or (
        str(latest - 1)
        if latest and latest > 1 and request.GET.get("b") == str(latest)
        else default_a
    )
    b_ref = request.GET.get("b") or "draft"
    granularity = "char" if request.GET.get("mode") == "char" else "word"
    result = compare(_snapshot(plan, a_ref), _snapshot(plan, b_ref), granularity=granularity)
    choices = [("draft", _("Draft"))] + [(str(n), f"v{n}") for n in numbers]
    context = {
        "plan": plan,
        "can_edit": can_edit,
        "diff": result,
        "a_ref": a_ref,
        "b_ref": b_ref,
        "mode": granularity,
        "choices": choices,
    }
    if request.htmx:
        return render(request, "plans/diff.html#diff-body", context)
    return render(request, "plans/diff.html", context)


# --------------------------------------------------------------------------- conflicts


def _conflict_rows(conflict: EditConflict) -> list[dict]:
    from django.utils.safestring import mark_safe

    from qiangji.lib.cndiff import diff_html

    model = PlanNode if conflict.node_key else Plan
    rows = []
    for name, mine in conflict.mine.items():
        theirs = conflict.theirs.get(name, "")
        rows.append(
            {
                "name": name,
                "label": model._meta.get_field(name).verbose_name,
                "mine": mine,
                "theirs": theirs,
                "diff": mark_safe(diff_html(str(theirs or ""), str(mine or ""))),  # noqa: S308 - escaped
            }
        )
    return rows


def _checked_resolution(plan: Plan, item: EditConflict, values: dict) -> tuple[dict, str]:
    """Return the values to save, cleaned by the same form as the editor, or an error."""
    if item.node_id:
        node = PlanNode.objects.filter(pk=item.node_id).first()
        if node is None:
            return {}, _("The node was deleted; copy your text into another node.")
        data = {**node.content(), **values, "revision": node.revision}
        form = NodeForm(data, instance=node, programme=plan.programme)
        if not form.is_valid():
            return {}, "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return {k: v for k, v in form.node_values().items() if k in values}, ""
    current = Plan.objects.get(pk=plan.pk)
    data = {**current.text_fields(), **values, "revision": current.revision}
    form = PlanFieldsForm(data, instance=current)
    if not form.is_valid():
        return {}, "; ".join(str(e) for errors in form.errors.values() for e in errors)
    return {k: form.cleaned_data[k] for k in values}, ""


@login_required
@require_http_methods(["GET", "POST"])
def conflict(request: HttpRequest, pk: int, conflict_id: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    item = get_object_or_404(EditConflict, plan=plan, pk=conflict_id)
    if request.method == "POST":
        choice = request.POST.get("choice", "")
        posted = {
            row["name"]: request.POST.get(f"merged-{row['name']}", "")
            for row in _conflict_rows(item)
        }
        if choice in ("mine", "merged"):
            values, error = _checked_resolution(
                plan, item, posted if choice == "merged" else item.mine
            )
            if error:
                messages.error(
                    request, _("The merged text is not valid: %(error)s") % {"error": error}
                )
                return redirect("plans:conflict", pk=plan.pk, conflict_id=item.pk)
            choice = "merged" if choice == "merged" else "mine"
        else:
            values = None
        try:
            result = actions.do_resolve_conflict(
                conflict=item, choice=choice, values=values, by=request.user
            )
        except actions.PlanError as exc:
            messages.error(request, str(exc))
            return redirect("plans:conflict", pk=plan.pk, conflict_id=item.pk)
        if result.saved:
            messages.success(request, _("The conflict is resolved."))
            anchor = f"node-{item.node_id}" if item.node_id else "fields"
            return _back_to_plan(plan, anchor)
        if result.conflict is not None:
            messages.warning(request, _("Someone saved again meanwhile; compare once more."))
            return redirect("plans:conflict", pk=plan.pk, conflict_id=result.conflict.pk)
        return _back_to_plan(plan)
    context = {
        "plan": plan,
        "conflict": item,
        "conflict_rows": _conflict_rows(item),
        "can_edit": True,
    }
    return render(request, "plans/conflict.html", context)


# --------------------------------------------------------------------------- discussion and timeline


@login_required
@require_POST
def add_comment(request: HttpRequest, pk: int) -> HttpResponse:
    plan, _can_edit = _get_plan_for_user(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = Comment.objects.filter(plan=plan, pk=form.cleaned_data["parent"]).first()
        node_key = form.cleaned_data.get("node_key")
        if node_key and not plan.nodes.filter(key=node_key).exists():
            node_key = None
        actions.do_add_comment(
            plan=plan,
            author=request.user,
            body=form.cleaned_data["body"],
            node_key=node_key,
            parent=parent,
            url=reverse("plans:detail", args=[plan.pk]) + "#discussion",
        )
        form = CommentForm()
    elif not request.htmx:
        messages.error(request, _("The comment is empty."))
    if not request.htmx:
        return _back_to_plan(plan, "discussion")
    comments = list(plan.comments.select_related("author"))
    _tree, rows = _rows(plan)
    context = {
        "plan": plan,
        "threads": _threads(comments, rows),
        "comment_form": form,
        "rows": rows,
        "comment_targets": [r for r in rows if r["node"].key],
    }
    return render(request, "plans/edit.html#discussion", context)


@login_required
@require_GET
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    plan, can_edit = _get_plan_for_user(request, pk)
    return render(
        request,
        "plans/timeline.html",
        {"plan": plan, "can_edit": can_edit, "events": plan_timeline(plan, viewer=request.user)},
    )


# --------------------------------------------------------------------------- exports


def _filename(plan: Plan, suffix: str) -> str:
    stamp = dt.date.today().strftime("%Y%m%d")  # noqa: DTZ011 - a file name, local date is fine
    return f"{plan.community.name}-{plan.brand_name or 'plan'}-{stamp}.{suffix}".replace("/", "-")


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename, fallback="plan")
    return response


def _version_or_draft(request: HttpRequest, plan: Plan) -> PlanVersion | None:
    number = request.GET.get("version")
    if not number:
        return None
    try:
        return get_object_or_404(PlanVersion, plan=plan, number=int(number))
    except ValueError:
        raise Http404 from None


@login_required
@require_GET
def export_docx(request: HttpRequest, pk: int) -> HttpResponse:
    plan, _can_edit = _get_plan_for_user(request, pk)
    data = exports.plan_docx(plan, _version_or_draft(request, plan))
    return _attachment(
        data,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _filename(plan, "docx"),
    )


@login_required
@require_GET
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan, _can_edit = _get_plan_for_user(request, pk)
    data = exports.tasks_xlsx(plan, _version_or_draft(request, plan))
    return xlsx_response(_filename(plan, "xlsx"), data)


@login_required
@require_http_methods(["GET", "POST"])
def import_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = exports.import_tasks(
            plan=plan,
            data=upload.read(exports.MAX_IMPORT_BYTES + 1),
            filename=upload.name,
            dry_run=form.cleaned_data["dry_run"],
            by=request.user,
        )
        if report.applied:
            messages.success(request, _("The task table was imported."))
    return render(
        request,
        "plans/import.html",
        {"plan": plan, "form": form, "report": report, "can_edit": True},
    )


@login_required
@require_GET
def printable(request: HttpRequest, pk: int) -> HttpResponse:
    plan, _can_edit = _get_plan_for_user(request, pk)
    frozen = _version_or_draft(request, plan)
    document = exports.plan_document(plan, frozen)
    context = {"plan": plan, "version": frozen, "doc": document, "outline": document.outline()}
    return render(request, "plans/print.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_names(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Let the programme's administrators name the rounds (default 提出 讨论 优化 细化 修改)."""
    programme = get_object_or_404(Programme, pk=programme_id)
    access = access_for(request.user)
    if not access.can_view_programme(programme):
        raise Http404
    require(access.can_edit_programme(programme))
    current = RoundName.names_for(programme)
    form = RoundNamesForm(request.POST or None, initial={"names": "\n".join(current)})
    if request.method == "POST" and form.is_valid():
        actions.do_set_round_names(
            programme=programme, names=form.cleaned_data["names"], by=request.user
        )
        messages.success(request, _("The round names are saved."))
        return redirect("plans:round_names", programme_id=programme.pk)
    return render(
        request, "plans/round_names.html", {"programme": programme, "form": form, "names": current}
    )

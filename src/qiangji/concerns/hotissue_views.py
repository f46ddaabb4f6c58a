"""Pages of hot issues (热点问题): the list, one hot issue, and staff corrections."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiangji.accounts.permissions import Access, access_for, require
from qiangji.concerns import hotissues
from qiangji.concerns.links import may_read_hot_issue
from qiangji.concerns.models import Concern, HotIssue, HotIssueState
from qiangji.territories.models import Kind, Territory


def _may_work(access: Access, territory: Territory) -> bool:
    if territory.kind == Kind.COMMUNITY:
        return access.can_work_in_community(territory)
    return access.can_manage_people(territory)


def _may_work_on(access: Access, issue: HotIssue) -> bool:
    """Staff of the fitted territory, or of every community the hot issue touches."""
    if _may_work(access, issue.territory):
        return True
    communities = Territory.objects.filter(pk__in=issue.concerns.values("community_id").distinct())
    return bool(communities) and all(access.can_work_in_community(c) for c in communities)


def _get_issue_for_user(request: HttpRequest, pk: int) -> tuple[HotIssue, bool]:
    """Return a hot issue the person may read and whether they may work on it (else 404)."""
    issue = get_object_or_404(HotIssue.objects.select_related("territory", "ticket"), pk=pk)
    access = access_for(request.user)
    if not may_read_hot_issue(access, issue):
        raise Http404
    return issue, _may_work_on(access, issue)


def _version(request: HttpRequest, name: str = "version") -> int | None:
    raw = request.POST.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@login_required
@require_http_methods(["GET", "POST"])
def hot_issue_list(request: HttpRequest) -> HttpResponse:
    from qiangji.concerns.views import _scope

    access = access_for(request.user)
    territory = _scope(request, access)
    if request.method == "POST":
        require(_may_work(access, territory))
        from qiangji.concerns.tasks import refresh_hot_issues

        refresh_hot_issues.enqueue(territory.pk)
        messages.success(request, _("Hot issues are being recomputed."))
        return redirect(f"{reverse('concerns:hot_issues')}?territory={territory.pk}")
    rows = list(
        HotIssue.objects.active()
        .in_territory(territory)
        .with_heat_inputs()
        .order_by("-heat", "-pk")[:30]
    )
    for row in rows:
        row.explanation = hotissues.explain_heat(row)
    return render(
        request,
        "concerns/hot_issues.html",
        {
            "territory": territory,
            "issues": rows,
            "may_work": _may_work(access, territory),
            "communities": access.visible_territories()
            .filter(kind=Kind.COMMUNITY)
            .order_by("order", "name"),
        },
    )


@login_required
@require_GET
def hot_issue(request: HttpRequest, pk: int) -> HttpResponse:
    issue, may_work = _get_issue_for_user(request, pk)
    if issue.state == HotIssueState.MERGED and issue.merged_into_id:
        return redirect("concerns:hot_issue", issue.merged_into_id)
    concerns = list(
        issue.concerns.select_related("community", "compound", "ticket").order_by(
            "-priority_score", "pk"
        )[:200]
    )
    others = (
        HotIssue.objects.active()
        .filter(territory=issue.territory)
        .exclude(pk=issue.pk)
        .order_by("-heat")[:50]
    )
    return render(
        request,
        "concerns/hot_issue.html",
        {
            "issue": issue,
            "concerns": concerns,
            "may_work": may_work,
            "explanation": hotissues.explain_heat(issue),
            "others": others,
        },
    )


def _back(issue: HotIssue) -> HttpResponse:
    return redirect("concerns:hot_issue", issue.pk)


def _conflict(request: HttpRequest, issue: HotIssue, exc: Exception) -> HttpResponse:
    """Show why the change was refused (a conflict with another tab included) on the page."""
    messages.error(request, str(exc))
    return _back(issue)


@login_required
@require_POST
def hot_issue_rename(request: HttpRequest, pk: int) -> HttpResponse:
    issue, may_work = _get_issue_for_user(request, pk)
    require(may_work)
    try:
        hotissues.do_rename_hot_issue(
            issue=issue,
            label=request.POST.get("label", ""),
            by=request.user,
            version=_version(request),
        )
    except hotissues.HotIssueError as exc:
        return _conflict(request, issue, exc)
    messages.success(request, _("Renamed."))
    return _back(issue)


@login_required
@require_POST
def hot_issue_merge(request: HttpRequest, pk: int) -> HttpResponse:
    issue, may_work = _get_issue_for_user(request, pk)
    if issue.state != HotIssueState.ACTIVE:  # another tab merged it meanwhile
        return _conflict(
            request,
            issue,
            hotissues.HotIssueConflict(
                _("This hot issue was merged or dissolved meanwhile; please look again.")
            ),
        )
    require(may_work)
    raw = request.POST.get("other", "")
    other = (
        HotIssue.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 10 else None
    )
    if other is None or not _may_work_on(access_for(request.user), other):
        messages.error(request, _("Choose the hot issue to merge into this one."))
        return _back(issue)
    try:
        hotissues.do_merge_hot_issues(
            target=issue,
            other=other,
            by=request.user,
            versions=(_version(request), _version(request, "other_version")),
        )
    except hotissues.HotIssueError as exc:
        return _conflict(request, issue, exc)
    messages.success(
        request, _("Merged: “%(label)s” is now part of this hot issue.") % {"label": other.label}
    )
    return _back(issue)


@login_required
@require_POST
def hot_issue_split(request: HttpRequest, pk: int) -> HttpResponse:
    issue, may_work = _get_issue_for_user(request, pk)
    require(may_work)
    ids = [int(v) for v in request.POST.getlist("concern") if v.isdigit() and len(v) < 10]
    try:
        new = hotissues.do_split_hot_issue(
            issue=issue, concern_ids=ids, label=request.POST.get("label", ""), by=request.user,
            version=_version(request),
        )  # fmt: skip
    except hotissues.HotIssueError as exc:
        return _conflict(request, issue, exc)
    messages.success(request, _("Split into a new hot issue."))
    return _back(new)


@login_required
@require_POST
def hot_issue_move_out(request: HttpRequest, pk: int, concern_pk: int) -> HttpResponse:
    issue, may_work = _get_issue_for_user(request, pk)
    require(may_work)
    concern = get_object_or_404(Concern, pk=concern_pk)
    try:
        hotissues.do_move_out(issue=issue, concern=concern, by=request.user)
    except hotissues.HotIssueError as exc:
        return _conflict(request, issue, exc)
    messages.success(request, _("The concern was taken out of the hot issue."))
    return _back(issue)


@login_required
@require_POST
def hot_issue_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    issue, may_work = _get_issue_for_user(request, pk)
    require(may_work)
    try:
        ticket = hotissues.do_hot_issue_ticket(issue=issue, by=request.user)
    except hotissues.HotIssueError as exc:
        return _conflict(request, issue, exc)
    messages.success(request, _("One ticket now covers the whole hot issue."))
    return redirect("concerns:detail", ticket.concern_id)

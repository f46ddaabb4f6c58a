"""Pages of the reviews app: rubric, assignments, the review form, suggestions, rankings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiangji.accounts.models import Role
from qiangji.accounts.permissions import access_for, require
from qiangji.lib.stats import summarise
from qiangji.lib.tabular import xlsx_response
from qiangji.plans.models import PLAN_TEXT_FIELDS, Plan, PlanVersion
from qiangji.programmes.models import Programme
from qiangji.reviews.actions import (
    DraftInput,
    ReviewError,
    clean_text,
    do_add_remark,
    do_add_suggestion,
    do_answer_suggestion,
    do_assign,
    do_auto_assign,
    do_delete_suggestion,
    do_ensure_rubric,
    do_reopen_review,
    do_revise_rubric,
    do_save_draft,
    do_set_stage,
    do_start_review,
    do_submit_review,
    do_unassign,
)
from qiangji.reviews.forms import CriterionFormSet, RubricForm, criterion_initial
from qiangji.reviews.interface import (
    hidden_rounds,
    may_read_reviews,
    may_see_reviews,
    open_suggestions,
)
from qiangji.reviews.models import (
    Assignment,
    Conflict,
    Remark,
    Review,
    Rubric,
    Scale,
    Stage,
    Suggestion,
    SuggestionAnswer,
)
from qiangji.reviews.sheets import score_workbook
from qiangji.reviews.statistics import (
    cached_improvement,
    cached_round_statistics,
    improvement_series,
    load_facts,
)
from qiangji.territories.models import Territory


@dataclass(frozen=True)
class ProgrammeRights:
    """What a person may do with a programme's reviews."""

    manage: bool  # subdistrict staff: rubric, assignments, stage, sheets
    mentor: bool
    leader: bool

    @property
    def read_all(self) -> bool:
        """Read every plan's reviews and the ranking."""
        return self.manage or self.mentor or self.leader


def _get_programme_for_user(request: HttpRequest, pk: int) -> tuple[Programme, ProgrammeRights]:
    """Return the programme and the person's rights; 404 if they may not read it."""
    programme = get_object_or_404(Programme.objects.select_related("subdistrict"), pk=pk)
    access = access_for(request.user)
    if not access.can_view_programme(programme):
        raise Http404
    return programme, ProgrammeRights(
        manage=access.can_edit_programme(programme),
        mentor=access.is_mentor_of(programme),
        leader=access.has_role(Role.LEADER),
    )


# --- rubric ----------------------------------------------------------------------------------


@login_required
@require_GET
def rubric(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _get_programme_for_user(request, pk)
    current = do_ensure_rubric(programme=programme, by=request.user)
    versions = list(Rubric.objects.filter(programme=programme).order_by("-version"))
    shown = current
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        shown = next((v for v in versions if v.version == int(wanted)), current)
    criteria = list(shown.criteria.prefetch_related("levels"))
    levels = list(range(shown.scale_min, shown.scale_max + 1))
    grid = len(levels) <= 10
    for c in criteria:
        by_score = {d.score: d.text for d in c.levels.all()}
        c.level_cells = [by_score.get(s, "") for s in levels] if grid else []
    return render(
        request,
        "reviews/rubric.html",
        {
            "programme": programme,
            "rights": rights,
            "rubric": shown,
            "current": current,
            "versions": versions,
            "criteria": criteria,
            "levels": levels if grid else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rubric_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _get_programme_for_user(request, pk)
    require(rights.manage)
    current = do_ensure_rubric(programme=programme, by=request.user)
    scale = f"{current.scale_min}-{current.scale_max}"
    if request.method == "POST":
        form = RubricForm(request.POST)
        formset = CriterionFormSet(request.POST, prefix="criteria")
        if form.is_valid() and formset.is_valid():
            low, high = Scale(form.cleaned_data["scale"]).bounds
            try:
                revised = do_revise_rubric(
                    programme=programme,
                    by=request.user,
                    scale_min=low,
                    scale_max=high,
                    criteria=formset.specs(),
                    note=form.cleaned_data["change_note"],
                )
            except ReviewError as exc:
                form.add_error(None, str(exc))
            else:
                if revised.version != current.version:
                    messages.success(
                        request,
                        _("Saved as version %(v)d; reviews already made keep version %(old)d.")
                        % {"v": revised.version, "old": current.version},
                    )
                else:
                    messages.success(request, _("Rubric saved."))
                return redirect("reviews:rubric", pk=programme.pk)
    else:
        form = RubricForm(initial={"scale": scale if scale in Scale.values else Scale.ONE_TO_FIVE})
        formset = CriterionFormSet(initial=criterion_initial(current), prefix="criteria")
    return render(
        request,
        "reviews/rubric_edit.html",
        {
            "programme": programme,
            "form": form,
            "formset": formset,
            "current": current,
            "in_use": current.is_in_use(),
        },
    )


# --- helpers -------------------------------------------------------------------------------------


def _plan_rights(request: HttpRequest, plan: Plan) -> tuple[ProgrammeRights, bool]:
    """Return the programme rights and whether the person works in the plan's community."""
    access = access_for(request.user)
    if not access.can_view_programme(plan.programme):
        raise Http404
    rights = ProgrammeRights(
        manage=access.can_edit_programme(plan.programme),
        mentor=access.is_mentor_of(plan.programme),
        leader=access.has_role(Role.LEADER),
    )
    return rights, access.can_work_in_community(plan.community)


def _get_plan_for_user(request: HttpRequest, pk: int) -> tuple[Plan, ProgrammeRights, bool]:
    """Return the plan, the rights and whether the person is of its community; 404 otherwise."""
    plan = get_object_or_404(
        Plan.objects.select_related("programme__subdistrict", "community"), pk=pk
    )
    rights, own = _plan_rights(request, plan)
    if not may_read_reviews(request.user, plan=plan):  # the rule of the 评审 tab's link too
        raise Http404
    return plan, rights, own


def _get_review_for_user(request: HttpRequest, pk: int) -> tuple[Review, bool]:
    """Return a review and whether the person may edit it (its reviewer, while a draft).

    A draft is seen only by its reviewer; a submitted review by whoever may read the plan.
    """
    review = get_object_or_404(
        Review.objects.select_related(
            "plan_version__plan__programme__subdistrict",
            "plan_version__plan__community",
            "rubric",
            "reviewer",
            "assignment",
        ),
        pk=pk,
    )
    mine = review.reviewer_id == request.user.pk
    if not mine:
        if not review.is_submitted:
            raise Http404
        plan = review.plan_version.plan
        rights, own = _plan_rights(request, plan)
        if not (rights.read_all or own):
            raise Http404
        require(may_see_reviews(request.user, round_number=review.plan_version.number, plan=plan))
    return review, mine and not review.is_submitted


def _programme_rounds(programme: Programme) -> list[int]:
    top = PlanVersion.objects.filter(plan__programme=programme).aggregate(m=Max("number"))["m"]
    return list(range(1, (top or 0) + 1)) or [1]


def _chosen_round(request: HttpRequest, rounds: list[int]) -> int:
    raw = request.GET.get("round", "")
    if raw.isdigit() and int(raw) in rounds:
        return int(raw)
    return rounds[-1]


def _criteria_names(programme: Programme) -> list[str]:
    rubric = do_ensure_rubric(programme=programme)
    return [c.name for c in rubric.criteria.all()]


def _diff_url(plan: Plan, old: int, new: int) -> str:
    """Return the plans app's diff page between two versions."""
    try:
        return f"{reverse('plans:diff', kwargs={'pk': plan.pk})}?a={old}&b={new}"
    except NoReverseMatch:
        return ""


def _error_response(request: HttpRequest, message: str, fallback: str) -> HttpResponse:
    if request.htmx:
        return HttpResponse(
            format_html('<p class="message message-error" role="alert">{}</p>', message),
            status=422,
        )
    messages.error(request, message)
    return redirect(fallback)


# --- mentor home and programme overview ----------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The mentor's page: reviews due, soonest first; and the programmes they may manage."""
    today = timezone.localdate()
    due = list(Assignment.objects.due_for(request.user)[:200])
    latest = dict(
        PlanVersion.objects.filter(plan_id__in={a.plan_id for a in due})
        .values("plan_id")
        .annotate(m=Max("number"))
        .values_list("plan_id", "m")
    )
    for a in due:
        a.version_ready = latest.get(a.plan_id, 0) >= a.round_number
        a.overdue = bool(a.due_on and a.due_on < today)
        a.draft = getattr(a, "review", None) if hasattr(a, "review") else None
    done = (
        Review.objects.filter(reviewer=request.user, status=Review.Status.SUBMITTED)
        .select_related("plan_version__plan__community")
        .order_by("-submitted_at")[:20]
    )
    access = access_for(request.user)
    programmes = [p for p in access.visible_programmes().select_related("subdistrict")[:50]]
    return render(
        request,
        "reviews/home.html",
        {"due": due, "done": done, "programmes": programmes, "today": today},
    )


@login_required
@require_GET
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _get_programme_for_user(request, pk)
    rounds = _programme_rounds(programme)
    round_number = _chosen_round(request, rounds)
    access = access_for(request.user)
    plans = list(Plan.objects.filter(programme=programme).select_related("community"))
    if not rights.read_all:
        plans = [p for p in plans if access.can_work_in_community(p.community)]
    assignments = (
        Assignment.objects.filter(plan__in=plans, round_number=round_number)
        .select_related("reviewer", "review")
        .order_by("reviewer__username")
    )
    by_plan: dict[int, list[Assignment]] = {}
    for a in assignments:
        by_plan.setdefault(a.plan_id, []).append(a)
    versions = set(
        PlanVersion.objects.filter(plan__in=plans, number=round_number).values_list(
            "plan_id", flat=True
        )
    )
    for p in plans:
        p.round_assignments = by_plan.get(p.pk, [])
        p.has_version = p.pk in versions
        p.submitted = sum(
            1 for a in p.round_assignments if hasattr(a, "review") and a.review.is_submitted
        )
    from qiangji.reviews.actions import possible_reviewers, programme_mentors

    return render(
        request,
        "reviews/programme.html",
        {
            "programme": programme,
            "rights": rights,
            "rounds": rounds,
            "round_number": round_number,
            "plans": plans,
            "mentors": programme_mentors(programme) if rights.manage else [],
            "reviewers": possible_reviewers(programme) if rights.manage else [],
            "conflicts": Conflict.objects.filter(programme=programme).select_related(
                "reviewer", "community"
            )
            if rights.manage
            else [],
            "communities": [e.community for e in programme.enrolments.select_related("community")]
            if rights.manage
            else [],
        },
    )


@login_required
@require_POST
def auto_assign(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _get_programme_for_user(request, pk)
    require(rights.manage)
    fallback = reverse("reviews:programme", kwargs={"pk": pk})
    try:
        round_number = _bounded_int(request.POST.get("round"), 1, MAX_ROUND)
        per_plan = int(request.POST.get("per_plan", "3"))
        due_on = _parse_date(request.POST.get("due_on", ""))
    except ValueError:
        return _error_response(
            request, _("Give a round, a number of reviewers and a valid date."), fallback
        )
    try:
        result = do_auto_assign(
            programme=programme,
            round_number=round_number,
            per_plan=per_plan,
            due_on=due_on,
            by=request.user,
            include_peers=request.POST.get("include_peers") == "on",
        )
    except ReviewError as exc:
        return _error_response(request, str(exc), fallback)
    messages.success(request, _("%(n)d assignments made.") % {"n": len(result.pairs)})
    if result.short:
        messages.warning(
            request,
            _("%(n)d plans have fewer reviewers than asked: not enough mentors without a conflict.")
            % {"n": len(result.short)},
        )
    return redirect(f"{fallback}?round={round_number}")


MAX_ROUND = 50
MAX_PK = 2**31 - 1


def _bounded_int(raw: str | None, low: int, high: int) -> int:
    """Return raw as an int within [low, high]; ValueError for anything else."""
    value = int((raw or "").strip())
    if not low <= value <= high:
        raise ValueError(raw)
    return value


def _parse_date(raw: str):
    raw = (raw or "").strip()
    if not raw:
        return None
    import datetime as dt

    return dt.date.fromisoformat(raw)


@login_required
@require_POST
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _get_programme_for_user(request, pk)
    require(rights.manage)
    fallback = reverse("reviews:programme", kwargs={"pk": pk})
    from qiangji.accounts.models import User

    try:
        plan = Plan.objects.get(
            pk=_bounded_int(request.POST.get("plan"), 1, MAX_PK), programme=programme
        )
        reviewer = User.objects.get(pk=_bounded_int(request.POST.get("reviewer"), 1, MAX_PK))
        round_number = _bounded_int(request.POST.get("round"), 1, MAX_ROUND)
        due_on = _parse_date(request.POST.get("due_on", ""))
    except (ValueError, Plan.DoesNotExist, User.DoesNotExist):
        return _error_response(request, _("Choose a plan, a mentor and a round."), fallback)
    try:
        do_assign(
            plan=plan, round_number=round_number, reviewer=reviewer, due_on=due_on, by=request.user
        )
    except ReviewError as exc:
        return _error_response(request, str(exc), f"{fallback}?round={round_number}")
    messages.success(
        request,
        _("%(name)s will review %(plan)s.") % {"name": reviewer, "plan": plan.community.name},
    )
    return redirect(f"{fallback}?round={round_number}")


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment.objects.select_related("plan__programme"), pk=pk)
    _programme, rights = _get_programme_for_user(request, assignment.plan.programme_id)
    require(rights.manage)
    fallback = reverse("reviews:programme", kwargs={"pk": assignment.plan.programme_id})
    try:
        do_unassign(assignment=assignment, by=request.user)
    except ReviewError as exc:
        return _error_response(request, str(exc), fallback)
    messages.success(request, _("Assignment removed."))
    return redirect(f"{fallback}?round={assignment.round_number}")


@login_required
@require_POST
def conflict_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Declare a conflict of interest: a manager for anyone, a mentor for themselves."""
    programme, rights = _get_programme_for_user(request, pk)
    require(rights.manage or rights.mentor)
    fallback = reverse("reviews:programme", kwargs={"pk": pk})
    from qiangji.accounts.models import User

    try:
        community = programme.communities.get(
            pk=_bounded_int(request.POST.get("community"), 1, MAX_PK)
        )
        reviewer_pk = _bounded_int(request.POST.get("reviewer") or str(request.user.pk), 1, MAX_PK)
        reviewer = User.objects.get(pk=reviewer_pk)
    except (ValueError, User.DoesNotExist, Territory.DoesNotExist):
        return _error_response(
            request,
            _("Choose a community."),
            fallback if rights.manage else reverse("reviews:home"),
        )
    require(rights.manage or reviewer.pk == request.user.pk)
    Conflict.objects.get_or_create(
        programme=programme,
        reviewer=reviewer,
        community=community,
        defaults={"reason": clean_text(request.POST.get("reason"), 200)},
    )
    messages.success(
        request,
        _("Conflict recorded: %(name)s will not review %(community)s.")
        % {"name": reviewer, "community": community.name},
    )
    return redirect(fallback if rights.manage else reverse("reviews:home"))


# --- the review ----------------------------------------------------------------------------------


@login_required
@require_POST
def review_start(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        Assignment.objects.select_related("plan__programme", "plan__community"), pk=pk
    )
    if assignment.reviewer_id != request.user.pk:
        raise Http404
    try:
        review = do_start_review(assignment=assignment, by=request.user)
    except ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("reviews:home")
    return redirect("reviews:review", pk=review.pk)


def _review_context(review: Review, *, can_edit: bool, errors: list[str] | None = None) -> dict:
    version = review.plan_version
    plan = version.plan
    scores = list(review.scores.select_related("criterion").prefetch_related("criterion__levels"))
    levels = list(range(review.rubric.scale_min, review.rubric.scale_max + 1))
    for s in scores:
        s.choices = levels if len(levels) <= 10 else []
        s.current = "na" if s.not_applicable else ("" if s.value is None else str(s.value))
    latest = plan.latest_version()
    nodes = list(version.nodes.all())
    live_keys = set(plan.nodes.values_list("key", flat=True))
    suggestions = list(review.suggestions.select_related("answer"))
    for sug in suggestions:
        sug.node_deleted = bool(sug.node_key) and sug.node_key not in live_keys
    return {
        "review": review,
        "version": version,
        "plan": plan,
        "programme": plan.programme,
        "can_edit": can_edit,
        "scores": scores,
        "nodes": nodes,
        "fields": [
            (name, Plan._meta.get_field(name).verbose_name, version.field(name))
            for name in PLAN_TEXT_FIELDS
            if version.field(name)
        ],
        "suggestions": suggestions,
        "latest": latest,
        "outdated": latest is not None and latest.number != version.number,
        "diff_url": _diff_url(plan, version.number, latest.number)
        if latest and latest.number != version.number
        else "",
        "errors": errors or [],
        "edit_token": uuid.uuid4().hex,
        "confidence_choices": Review.Confidence.choices,
        "quote_fields": [
            (name, Plan._meta.get_field(name).verbose_name) for name in PLAN_TEXT_FIELDS
        ],
    }


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    review, can_edit = _get_review_for_user(request, pk)
    context = _review_context(review, can_edit=can_edit)
    access = access_for(request.user)
    context["can_reopen"] = review.is_submitted and access.can_edit_programme(
        review.plan_version.plan.programme
    )
    return render(request, "reviews/review.html", context)


def _draft_input(post) -> DraftInput:
    scores: dict[int, str] = {}
    comments: dict[int, str] = {}
    for key, value in post.items():
        if key.startswith("score-") and key[6:].isdigit():
            scores[int(key[6:])] = value
        elif key.startswith("comment-") and key[8:].isdigit():
            comments[int(key[8:])] = value
    raw = post.get("confidence", "")
    try:
        confidence = int(raw) if raw else None
    except ValueError:
        confidence = -1
    return DraftInput(
        opinion=post.get("opinion", ""), confidence=confidence, scores=scores, comments=comments
    )


def _revision(post) -> int | None:
    raw = post.get("revision", "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_POST
def review_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a draft: the autosave (htmx, answers the save-state fragment) and the button."""
    review, can_edit = _get_review_for_user(request, pk)
    if not can_edit:
        return _error_response(
            request,
            _("This review is submitted and can no longer change."),
            reverse("reviews:review", kwargs={"pk": pk}),
        )
    try:
        errors = do_save_draft(
            review=review,
            by=request.user,
            data=_draft_input(request.POST),
            revision=_revision(request.POST),
            token=request.POST.get("tab", ""),
        )
    except ReviewError as exc:
        if request.htmx:  # shown where the autosave reports, without losing the form
            review.refresh_from_db()
            return render(
                request, "reviews/review.html#save-state", {"review": review, "errors": [str(exc)]}
            )
        return _error_response(request, str(exc), reverse("reviews:review", kwargs={"pk": pk}))
    review.refresh_from_db()
    if request.htmx:
        return render(
            request,
            "reviews/review.html#save-state",
            {"review": review, "errors": errors, "saved": True},
        )
    for error in errors:
        messages.error(request, error)
    if not errors:
        messages.success(request, _("Draft saved."))
    return redirect("reviews:review", pk=review.pk)


@login_required
@require_POST
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    review, can_edit = _get_review_for_user(request, pk)
    target = reverse("reviews:review", kwargs={"pk": pk})
    if not can_edit:
        return _error_response(request, _("This review is already submitted."), target)
    try:
        errors = do_save_draft(
            review=review,
            by=request.user,
            data=_draft_input(request.POST),
            revision=_revision(request.POST),
            token=request.POST.get("tab", ""),
        )
        if errors:
            raise ReviewError(" ".join(errors))
        do_submit_review(review=review, by=request.user)
    except ReviewError as exc:
        messages.error(request, str(exc))
        return redirect(target)
    messages.success(request, _("Review submitted. Thank you."))
    return redirect(target)


@login_required
@require_POST
def review_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(
        Review.objects.select_related("plan_version__plan__programme"), pk=pk
    )
    _programme, rights = _get_programme_for_user(request, review.plan_version.plan.programme_id)
    require(rights.manage)
    try:
        do_reopen_review(review=review, by=request.user, reason=request.POST.get("reason", ""))
    except ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The review is a draft again; its reviewer can change it."))
    return redirect("reviews:review", pk=pk)


@login_required
@require_POST
def suggestion_add(request: HttpRequest, pk: int) -> HttpResponse:
    review, can_edit = _get_review_for_user(request, pk)
    target = reverse("reviews:review", kwargs={"pk": pk})
    if not can_edit:
        return _error_response(
            request, _("This review is submitted and can no longer change."), target
        )
    raw_start = request.POST.get("quote_start", "")
    try:
        do_add_suggestion(
            review=review,
            by=request.user,
            text=request.POST.get("text", ""),
            node_key=request.POST.get("node_key") or None,
            quote_field=request.POST.get("quote_field", ""),
            quote_start=int(raw_start) if raw_start.isdigit() else None,
            quote=request.POST.get("quote", ""),
        )
    except ReviewError as exc:
        return _error_response(request, str(exc), target)
    messages.success(request, _("Suggestion added."))
    return redirect(f"{target}#suggestions")


@login_required
@require_POST
def suggestion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(Suggestion.objects.select_related("review"), pk=pk)
    review, can_edit = _get_review_for_user(request, suggestion.review_id)
    target = reverse("reviews:review", kwargs={"pk": review.pk})
    if not can_edit:
        return _error_response(request, _("This suggestion can no longer change."), target)
    do_delete_suggestion(suggestion=suggestion, by=request.user)
    return redirect(f"{target}#suggestions")


@login_required
@require_POST
def suggestion_answer(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(
        Suggestion.objects.select_related(
            "review__plan_version__plan__community", "review__plan_version__plan__programme"
        ),
        pk=pk,
    )
    plan = suggestion.review.plan_version.plan
    _rights, own = _plan_rights(request, plan)
    require(own)
    target = reverse("reviews:plan", kwargs={"pk": plan.pk})
    try:
        do_answer_suggestion(
            suggestion=suggestion,
            by=request.user,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            node_key=request.POST.get("node_key") or None,
        )
    except ReviewError as exc:
        return _error_response(request, str(exc), f"{target}#suggestion-{pk}")
    messages.success(request, _("Answer saved."))
    return redirect(f"{target}#suggestion-{pk}")


# --- the plan's review page ----------------------------------------------------------------------


def visible_remarks(plan: Plan, rights: ProgrammeRights, *, own: bool, user) -> list[Remark]:
    """Return the remarks on a plan this person may read."""
    remarks = []
    for remark in plan.remarks.select_related("author"):
        v = remark.visibility
        if (
            remark.author_id == user.pk
            or rights.leader
            or (v == Remark.Visibility.PROGRAMME)
            or (v == Remark.Visibility.COMMUNITY and (own or rights.manage))
        ):
            remarks.append(remark)
    return remarks


def rounds_still_due(user, plan: Plan) -> set[int]:
    """Return the rounds of a plan this person must still review themselves (the one rule)."""
    return hidden_rounds(user, plan=plan)


def plan_timeline(plan: Plan, hide: set[int] | frozenset = frozenset()) -> list[dict]:
    """Return, per version, its reviews' suggestions and the suggestions it answered."""
    versions = list(plan.versions.order_by("number"))
    suggestions = list(
        Suggestion.objects.filter(
            review__plan_version__plan=plan, review__status=Review.Status.SUBMITTED
        )
        .select_related("review__plan_version", "review__reviewer", "answer")
        .order_by("review__plan_version__number", "review_id", "order")
    )
    live_keys = set(plan.nodes.values_list("key", flat=True))
    for s in suggestions:
        s.node_deleted = bool(s.node_key) and s.node_key not in live_keys
    steps = []
    numbers = [v.number for v in versions]
    if plan.round_number not in numbers:
        numbers.append(plan.round_number)  # the draft under way
    by_number = {v.number: v for v in versions}
    for number in numbers:
        steps.append(
            {
                "number": number,
                "version": by_number.get(number),
                "received": [
                    s
                    for s in suggestions
                    if s.review.plan_version.number == number and number not in hide
                ],
                "answered": [
                    s
                    for s in suggestions
                    if hasattr(s, "answer") and s.answer.round_number == number
                ],
            }
        )
    return steps


@login_required
@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan, rights, own = _get_plan_for_user(request, pk)
    blind = rounds_still_due(request.user, plan)
    reviews = [
        r
        for r in Review.objects.filter(plan_version__plan=plan, status=Review.Status.SUBMITTED)
        .select_related("plan_version", "reviewer", "rubric")
        .prefetch_related("scores__criterion")
        .order_by("plan_version__number", "submitted_at")
        if r.plan_version.number not in blind
    ]
    criteria = _criteria_names(plan.programme)
    facts = [(n, f) for n, f in load_facts(plan.programme_id, plan_id=plan.pk) if n not in blind]
    rounds = sorted({n for n, _f in facts})
    by_round: dict[int, list] = {}
    for n, f in facts:
        by_round.setdefault(n, []).append(f)
    chart = {
        "rounds": [str(n) for n in rounds],
        "series": improvement_series(rounds, by_round, criteria),
        "total": [round(sum(f.total for f in by_round[n]) / len(by_round[n]), 1) for n in rounds],
    }
    summaries = {n: summarise([f.total for f in by_round[n]]) for n in rounds}
    latest = plan.latest_version()
    live_keys = set(plan.nodes.values_list("key", flat=True))
    waiting = open_suggestions(plan)
    for sug in waiting:
        sug.node_deleted = bool(sug.node_key) and sug.node_key not in live_keys
    # Each suggestion is shown in full once: an open one the community answers in the form
    # above, every other one under its review (the timeline only links to them).
    shown_above = {sug.pk for sug in waiting} if own else set()
    for r in reviews:
        r.sugs = [s for s in r.suggestions.select_related("answer") if s.pk not in shown_above]
        for sug in r.sugs:
            sug.node_deleted = bool(sug.node_key) and sug.node_key not in live_keys
        r.outdated = latest is not None and r.plan_version.number != latest.number
        r.diff_url = _diff_url(plan, r.plan_version.number, latest.number) if r.outdated else ""
    return render(
        request,
        "reviews/plan.html",
        {
            "plan": plan,
            "programme": plan.programme,
            "rights": rights,
            "own": own,
            "reviews": reviews,
            "timeline": plan_timeline(plan, hide=blind),
            "blind": sorted(blind),
            "open": waiting,
            "live_nodes": list(plan.nodes.order_by("parent_id", "position")) if own else [],
            "decisions": SuggestionAnswer.Decision.choices,
            "remarks": visible_remarks(plan, rights, own=own, user=request.user),
            "can_remark": rights.leader,
            "visibilities": Remark.Visibility.choices,
            "chart": chart,
            "summaries": sorted(summaries.items()),
            "latest": latest,
        },
    )


@login_required
@require_POST
def remark_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan, rights, _own = _get_plan_for_user(request, pk)
    require(rights.leader)
    target = reverse("reviews:plan", kwargs={"pk": pk})
    try:
        do_add_remark(
            plan=plan,
            by=request.user,
            text=request.POST.get("text", ""),
            visibility=request.POST.get("visibility", ""),
        )
    except ReviewError as exc:
        return _error_response(request, str(exc), f"{target}#remarks")
    messages.success(request, _("Remark published."))
    return redirect(f"{target}#remarks")


@login_required
@require_GET
def report(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A printable report of a plan version's reviews."""
    plan, rights, own = _get_plan_for_user(request, pk)
    version = get_object_or_404(PlanVersion, plan=plan, number=number)
    require(may_see_reviews(request.user, round_number=number, plan=plan))
    reviews = list(
        Review.objects.filter(plan_version=version, status=Review.Status.SUBMITTED)
        .select_related("reviewer", "rubric")
        .prefetch_related("scores__criterion", "suggestions__answer")
        .order_by("submitted_at")
    )
    criteria = []
    for r in reviews:
        for s in r.scores.all():
            if s.criterion.name not in criteria:
                criteria.append(s.criterion.name)
        r.score_by_name = {s.criterion.name: s for s in r.scores.all()}
        r.score_cells = [r.score_by_name.get(name) for name in criteria]
    live_keys = set(plan.nodes.values_list("key", flat=True))
    for r in reviews:
        r.score_cells = [r.score_by_name.get(name) for name in criteria]
        r.sugs = list(r.suggestions.all())
        for sug in r.sugs:
            sug.node_deleted = bool(sug.node_key) and sug.node_key not in live_keys
    return render(
        request,
        "reviews/report.html",
        {
            "plan": plan,
            "programme": plan.programme,
            "version": version,
            "reviews": reviews,
            "criteria": criteria,
            "summary": summarise([r.total for r in reviews]),
            "remarks": visible_remarks(plan, rights, own=own, user=request.user),
            "printed_at": timezone.now(),
        },
    )


# --- ranking, sheets, stage ----------------------------------------------------------------------


def _one_decimal(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _ranking_rows(programme: Programme, stats) -> list[dict]:
    """Return the ranking's rows ready to print (formatted here: 400 rows render fast)."""
    plans = dict(Plan.objects.filter(programme=programme).values_list("pk", "community__name"))
    url = reverse("reviews:plan", kwargs={"pk": 999999999}).replace("999999999", "{}")
    n_plans = max(1, len(stats.rows))
    rows = []
    previous_band = None
    for row in stats.rows:
        ranked = row.ranked
        rows.append(
            {
                "name": plans.get(row.plan, ""),
                "url": url.format(row.plan),
                "n": row.summary.n,
                "mean": _one_decimal(row.summary.mean),
                "median": _one_decimal(row.summary.median),
                "trimmed": _one_decimal(row.summary.trimmed_mean),
                "calibrated": _one_decimal(row.calibrated),
                "ranked": ranked,
                "band_start": ranked is not None and ranked.band != previous_band,
                "band_class": "band-even" if ranked and ranked.band % 2 == 0 else "band-odd",
                "bar_left": round((ranked.rank_low - 1) * 100 / n_plans, 1) if ranked else 0,
                "bar_width": round((ranked.rank_high - ranked.rank_low + 1) * 100 / n_plans, 1)
                if ranked
                else 0,
            }
        )
        previous_band = ranked.band if ranked else previous_band
    return rows


def ranking_sentence(stats, rows: list[dict], rubric) -> str:
    """Return one plain sentence a leader can read aloud: who leads, and how close it is."""
    if len(rows) != len(stats.rows):  # blind: the person may not see this round's reviews
        return ""
    ranked = [(row, stat) for row, stat in zip(rows, stats.rows, strict=True) if row["ranked"]]
    if not ranked:
        return ""
    first = [row["name"] for row, _stat in ranked if row["ranked"].band == 1]
    bands = max(row["ranked"].band for row, _stat in ranked)
    if len(first) > 1:
        lead = _(
            "%(names)s share the first of %(bands)d bands: their scores are too close to order."
        ) % {"names": "、".join(first), "bands": bands}
    else:
        lead = _("%(name)s alone leads, in the first of %(bands)d bands.") % {
            "name": first[0],
            "bands": bands,
        }
    means = [stat.summary.mean for _row, stat in ranked if stat.summary.mean is not None]
    if not means:
        return lead
    low, high = rubric.scale_min, rubric.scale_max

    def on_scale(value: float) -> float:
        return low + value * (high - low) / 100

    return lead + _(" Mean scores run from %(lo).1f to %(hi).1f out of %(top)d.") % {
        "lo": on_scale(min(means)),
        "hi": on_scale(max(means)),
        "top": high,
    }


@login_required
@require_GET
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _get_programme_for_user(request, pk)
    require(rights.read_all)
    rounds = _programme_rounds(programme)
    round_number = _chosen_round(request, rounds)
    criteria = _criteria_names(programme)
    hidden = hidden_rounds(request.user, programme=programme)
    blind = not may_see_reviews(request.user, round_number=round_number, programme=programme)
    stats = cached_round_statistics(programme.pk, 0 if blind else round_number, criteria)
    rows = [] if blind else _ranking_rows(programme, stats)
    chart = _without_rounds(cached_improvement(programme.pk, criteria), hidden)
    leniency = []
    if stats.calibration.ok:
        from qiangji.accounts.models import User

        names = {u.pk: str(u) for u in User.objects.filter(pk__in=list(stats.calibration.leniency))}
        leniency = sorted(
            ((names.get(k, k), v) for k, v in stats.calibration.leniency.items()),
            key=lambda x: x[1],
        )
    return render(
        request,
        "reviews/ranking.html",
        {
            "programme": programme,
            "rights": rights,
            "rounds": rounds,
            "round_number": round_number,
            "stats": stats,
            "rows": rows,
            "sentence": ranking_sentence(stats, rows, do_ensure_rubric(programme=programme)),
            "one_review": _("One review: no spread to resample"),
            "criteria": criteria,
            "alpha_rows": [(name, stats.alpha_by_criterion[name]) for name in criteria],
            "calibration_reason": calibration_reason(stats.calibration),
            "leniency": leniency,
            "chart": chart,
            "blind": blind,
        },
    )


def _without_rounds(chart: dict, hidden: set[int]) -> dict:
    """Return an improvement chart without the rounds the viewer may not see."""
    if not hidden or not chart.get("rounds"):
        return chart
    keep = [i for i, r in enumerate(chart["rounds"]) if int(r) not in hidden]
    out = dict(chart)
    out["rounds"] = [chart["rounds"][i] for i in keep]
    if "total" in chart:
        out["total"] = [chart["total"][i] for i in keep]
    if "series" in chart:
        out["series"] = {
            name: [values[i] for i in keep] for name, values in chart["series"].items()
        }
    return out


def calibration_reason(calibration) -> str:
    """Return, in the reader's language, why calibration is off (empty when it is on)."""
    from qiangji.lib.stats import Reason

    reason = calibration.reason
    if reason is None:
        return ""
    detail = calibration.detail
    if reason == Reason.TOO_FEW_RATERS:
        return _("Calibration is off: it needs at least two reviewers.")
    if reason == Reason.DISCONNECTED:
        return _(
            "Calibration is off: the reviewers fall into %(n)d groups that never reviewed a common plan, "
            "so their leniency cannot be told apart from the plans' quality."
        ) % {"n": len(detail.get("groups", []))}
    if reason == Reason.THIN_OVERLAP:
        return _(
            "Calibration is off: %(n)d reviewers share fewer than %(k)d plans with other reviewers."
        ) % {"n": len(detail.get("raters", [])), "k": detail.get("min_shared", 2)}
    if reason == Reason.NO_RESIDUAL:
        return _("Calibration is off: there are too few scores to tell leniency from chance.")
    return _("Calibration is off.")


@login_required
@require_GET
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _get_programme_for_user(request, pk)
    require(rights.manage or rights.leader)
    rounds = _programme_rounds(programme)
    round_number = _chosen_round(request, rounds)
    require(may_see_reviews(request.user, round_number=round_number, programme=programme))
    data = score_workbook(programme, round_number)
    return xlsx_response(f"reviews-{programme.pk}-round{round_number}.xlsx", data)


def _stage(programme: Programme, round_number: int) -> Stage | None:
    return Stage.objects.filter(programme=programme, round_number=round_number).first()


def _stage_context(request: HttpRequest, programme: Programme, rights: ProgrammeRights) -> dict:
    rounds = _programme_rounds(programme)
    if request.GET.get("round", "").isdigit():
        round_number = _chosen_round(request, rounds)
    else:
        # Without a choice, open on the latest round whose scores are shown: a later round
        # still being scored would put an empty screen on the projector.
        shown = set(
            Stage.objects.filter(programme=programme, published=True).values_list(
                "round_number", flat=True
            )
        )
        round_number = max((r for r in rounds if r in shown), default=rounds[-1])
    stage = _stage(programme, round_number)
    published = bool(stage and stage.published)
    rows = []
    # A published stage is shown to everyone in the room; a mentor who still owes a review of
    # the round sees it only after submitting (the one rule's blind half).
    owed = round_number in hidden_rounds(request.user, programme=programme)
    if (published or rights.manage) and not owed:
        facts = [f for _n, f in load_facts(programme.pk, round_number)]
        plans = {
            p.pk: p for p in Plan.objects.filter(programme=programme).select_related("community")
        }
        totals: dict[int, list[float]] = {}
        for f in facts:
            totals.setdefault(f.plan, []).append(f.total)
        for plan_pk, plan in plans.items():
            s = summarise(totals.get(plan_pk, []))
            rows.append({"plan": plan, "n": s.n, "mean": s.mean})
        rows.sort(key=lambda r: (r["mean"] is None, -(r["mean"] or 0), r["plan"].community.order))
    return {
        "programme": programme,
        "rights": rights,
        "rounds": rounds,
        "round_number": round_number,
        "published": published,
        "rows": rows,
        "now": timezone.now(),
    }


@login_required
@require_GET
def stage(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _get_programme_for_user(request, pk)
    context = _stage_context(request, programme, rights)
    if request.htmx:
        return render(request, "reviews/stage.html#board", context)
    return render(request, "reviews/stage.html", context)


@login_required
@require_POST
def stage_publish(request: HttpRequest, pk: int) -> HttpResponse:
    programme, rights = _get_programme_for_user(request, pk)
    require(rights.manage)
    try:
        round_number = _bounded_int(request.POST.get("round"), 1, MAX_ROUND)
    except ValueError:
        return _error_response(
            request, _("Choose a round."), reverse("reviews:stage", kwargs={"pk": pk})
        )
    do_set_stage(
        programme=programme,
        round_number=round_number,
        published=request.POST.get("published") == "1",
        by=request.user,
    )
    return redirect(f"{reverse('reviews:stage', kwargs={'pk': pk})}?round={round_number}")

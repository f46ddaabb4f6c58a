"""Writes of the reviews app that span several rows, each in one transaction."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiangji.audit.registry import record_event
from qiangji.lib.stats import weighted_total
from qiangji.notifications.actions import do_notify
from qiangji.plans.models import PLAN_TEXT_FIELDS, Plan, PlanVersionNode
from qiangji.programmes.models import Programme
from qiangji.reviews.assigning import AssignmentPlan, PlanSlot, Reviewer, balance_assignments
from qiangji.reviews.defaults import DEFAULT_CRITERIA
from qiangji.reviews.models import (
    Assignment,
    Conflict,
    Criterion,
    LevelDescriptor,
    Remark,
    Review,
    Rubric,
    Score,
    Stage,
    Suggestion,
    SuggestionAnswer,
)


class ReviewError(Exception):
    """A write was refused; the message is for the person who tried it."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOKEN = re.compile(r"[0-9a-f]{1,32}")


def clean_text(value: str | None, limit: int) -> str:
    """Return free text without control characters (PostgreSQL refuses NUL), cut to limit."""
    return _CONTROL.sub("", value or "")[:limit]


# --- rubrics --------------------------------------------------------------------------------


@dataclass
class CriterionSpec:
    """A criterion as entered in the rubric editor."""

    name: str
    weight: Decimal = Decimal(1)
    description: str = ""
    allows_na: bool = False
    levels: dict[int, str] = field(default_factory=dict)


def default_criteria() -> list[CriterionSpec]:
    """Return the five default criteria in the site's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return [
            CriterionSpec(
                name=str(c["name"]),
                description=str(c["description"]),
                levels={score: str(text) for score, text in c["levels"].items()},
            )
            for c in DEFAULT_CRITERIA
        ]


def _create_version(
    *, programme: Programme, version: int, scale_min: int, scale_max: int, criteria, by, note: str
) -> Rubric:
    rubric = Rubric.objects.create(
        programme=programme,
        version=version,
        scale_min=scale_min,
        scale_max=scale_max,
        created_by=by,
        change_note=note,
    )
    for order, spec in enumerate(criteria):
        criterion = Criterion.objects.create(
            rubric=rubric,
            order=order,
            name=spec.name,
            description=spec.description,
            weight=spec.weight,
            allows_na=spec.allows_na,
        )
        LevelDescriptor.objects.bulk_create(
            LevelDescriptor(criterion=criterion, score=score, text=text)
            for score, text in sorted(spec.levels.items())
            if scale_min <= score <= scale_max and text.strip()
        )
    return rubric


@transaction.atomic
def do_ensure_rubric(*, programme: Programme, by=None) -> Rubric:
    """Return the programme's current rubric, creating the default one (1–5, five criteria)."""
    current = Rubric.objects.current_for(programme)
    if current is not None:
        return current  # the common case: no lock needed
    Programme.objects.select_for_update().get(pk=programme.pk)
    current = Rubric.objects.current_for(programme)
    if current is not None:
        return current
    return _create_version(
        programme=programme,
        version=1,
        scale_min=1,
        scale_max=5,
        criteria=default_criteria(),
        by=by,
        note="",
    )


@transaction.atomic
def do_revise_rubric(
    *,
    programme: Programme,
    by,
    scale_min: int,
    scale_max: int,
    criteria: list[CriterionSpec],
    note: str = "",
) -> Rubric:
    """Return the rubric after the change: edited in place while unused, else a new version.

    A version that a review already uses is never changed, so that review keeps the rubric
    it was scored with.
    """
    if not criteria:
        raise ReviewError(_("A rubric needs at least one criterion."))
    names = [c.name.strip() for c in criteria]
    if len(set(names)) != len(names) or not all(names):
        raise ReviewError(_("Criterion names must be present and different."))
    if any(c.weight <= 0 for c in criteria):
        raise ReviewError(_("Weights must be positive."))
    if not 0 <= scale_min < scale_max <= 100:
        raise ReviewError(_("The scale must run upwards within 0–100."))
    Programme.objects.select_for_update().get(pk=programme.pk)
    current = Rubric.objects.current_for(programme)
    if current is not None and not current.is_in_use():
        version = current.version
        current.delete()
    else:
        version = (current.version + 1) if current else 1
    return _create_version(
        programme=programme,
        version=version,
        scale_min=scale_min,
        scale_max=scale_max,
        criteria=criteria,
        by=by,
        note=note,
    )


# --- who may review -----------------------------------------------------------------------------


def programme_mentors(programme: Programme) -> list:
    """Return the people who mentor the programme (on it, or on a territory above it)."""
    from qiangji.accounts.models import Role, RoleGrant, User

    subdistrict_path = programme.subdistrict.path
    grants = (
        RoleGrant.objects.filter(role=Role.MENTOR)
        .filter(Q(programme=programme) | Q(territory__isnull=False))
        .select_related("territory")
    )
    ids = {
        g.user_id
        for g in grants
        if g.programme_id == programme.pk
        or (g.territory_id and subdistrict_path.startswith(g.territory.path))
    }
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def peer_reviewers(programme: Programme) -> list:
    """Return the secretaries of the programme's communities, who may review their peers."""
    from qiangji.accounts.models import Role, User

    return list(
        User.objects.filter(
            is_active=True,
            grants__role=Role.COMMUNITY_SECRETARY,
            grants__territory__enrolments__programme=programme,
        )
        .distinct()
        .order_by("pk")
    )


def possible_reviewers(programme: Programme) -> list:
    """Return mentors and peer secretaries, mentors first, each once."""
    seen: dict[int, object] = {}
    for person in [*programme_mentors(programme), *peer_reviewers(programme)]:
        seen.setdefault(person.pk, person)
    return list(seen.values())


def conflict_communities(user, programme: Programme) -> set[int]:
    """Return the communities whose plans this person may not review in the programme.

    Their own community (any role held on it or below it, e.g. a secretary from stall sharing
    reviewing peers) and every community they declared a conflict with.
    """
    from qiangji.accounts.models import RoleGrant
    from qiangji.territories.models import Kind

    own: set[int] = set()
    for path, kind in RoleGrant.objects.filter(user=user, territory__isnull=False).values_list(
        "territory__path", "territory__kind"
    ):
        parts = [int(p) for p in path.strip("/").split("/") if p]
        if kind == Kind.COMMUNITY:
            own.add(parts[-1])
        elif kind in (Kind.COMPOUND, Kind.GRID) and len(parts) >= 2:
            own.add(parts[-2])
    declared = set(
        Conflict.objects.filter(programme=programme, reviewer=user).values_list(
            "community_id", flat=True
        )
    )
    return own | declared


# --- assignments --------------------------------------------------------------------------------


def _notify_assigned(pairs: list[tuple[Plan, object]], round_number: int) -> None:
    by_reviewer: dict[int, list[Plan]] = {}
    people = {}
    for plan, reviewer in pairs:
        by_reviewer.setdefault(reviewer.pk, []).append(plan)
        people[reviewer.pk] = reviewer
    for pk, plans in by_reviewer.items():
        do_notify(
            recipients=[people[pk]],
            kind="review_assigned",
            title=_("%(n)d plans to review in round %(round)d")
            % {"n": len(plans), "round": round_number},
            url=reverse("reviews:home"),
            group_key=f"review_assigned:{plans[0].programme_id}:{round_number}:{pk}",
        )


@transaction.atomic
def do_auto_assign(
    *,
    programme: Programme,
    round_number: int,
    per_plan: int,
    due_on=None,
    by=None,
    include_peers: bool = False,
) -> AssignmentPlan:
    """Assign mentors to every plan of the round, balancing load; return what was done.

    Existing assignments are kept and count towards ``per_plan``; conflicts are respected.
    With ``include_peers`` the communities' secretaries join the pool (peer review after
    stall sharing); nobody is ever given their own community's plan.
    """
    if not 1 <= per_plan <= 20:
        raise ReviewError(_("Reviewers per plan must be between 1 and 20."))
    Programme.objects.select_for_update().get(pk=programme.pk)
    plans = list(Plan.objects.filter(programme=programme).select_related("community"))
    mentors = possible_reviewers(programme) if include_peers else programme_mentors(programme)
    existing = Assignment.objects.filter(plan__programme=programme, round_number=round_number)
    assigned: dict[int, set[int]] = {}
    load: dict[int, int] = {}
    for plan_id, reviewer_id in existing.values_list("plan_id", "reviewer_id"):
        assigned.setdefault(plan_id, set()).add(reviewer_id)
        load[reviewer_id] = load.get(reviewer_id, 0) + 1
    result = balance_assignments(
        [
            PlanSlot(key=p.pk, community=p.community_id, assigned=frozenset(assigned.get(p.pk, ())))
            for p in plans
        ],
        [
            Reviewer(
                key=m.pk,
                conflicts=frozenset(conflict_communities(m, programme)),
                load=load.get(m.pk, 0),
            )
            for m in mentors
        ],
        per_plan=per_plan,
    )
    plan_by_pk = {p.pk: p for p in plans}
    mentor_by_pk = {m.pk: m for m in mentors}
    Assignment.objects.bulk_create(
        Assignment(
            plan_id=plan_pk,
            round_number=round_number,
            reviewer_id=reviewer_pk,
            due_on=due_on,
            assigned_by=by,
            automatic=True,
        )
        for plan_pk, reviewer_pk in result.pairs
    )
    if result.pairs:
        record_event(
            instance=programme,
            note=gettext_lazy("Assigned %(n)s reviews automatically in round %(round)s"),
            note_args={"n": len(result.pairs), "round": round_number},
        )
    _notify_assigned([(plan_by_pk[p], mentor_by_pk[r]) for p, r in result.pairs], round_number)
    return result


@transaction.atomic
def do_assign(*, plan: Plan, round_number: int, reviewer, due_on=None, by=None) -> Assignment:
    """Return a new assignment of a reviewer to a plan's round, refusing a conflict."""
    if plan.community_id in conflict_communities(reviewer, plan.programme):
        raise ReviewError(
            _(
                "%(name)s may not review the plan of %(community)s (own community or declared conflict)."
            )
            % {"name": reviewer, "community": plan.community.name}
        )
    if reviewer.pk not in {m.pk for m in possible_reviewers(plan.programme)}:
        raise ReviewError(
            _("%(name)s is neither a mentor nor a community secretary of this programme.")
            % {"name": reviewer}
        )
    assignment, created = Assignment.objects.get_or_create(
        plan=plan,
        round_number=round_number,
        reviewer=reviewer,
        defaults={"due_on": due_on, "assigned_by": by},
    )
    if not created:
        raise ReviewError(_("%(name)s is already assigned to this plan.") % {"name": reviewer})
    _notify_assigned([(plan, reviewer)], round_number)
    return assignment


@transaction.atomic
def do_unassign(*, assignment: Assignment, by=None) -> None:
    """Remove an assignment whose review has not been submitted (a draft goes with it)."""
    review = Review.objects.filter(assignment=assignment).first()
    if review is not None and review.is_submitted:
        raise ReviewError(_("This review is submitted; reopen it before removing the assignment."))
    if review is not None:
        review.delete()
    assignment.delete()


# --- the review ---------------------------------------------------------------------------------


@transaction.atomic
def do_start_review(*, assignment: Assignment, by) -> Review:
    """Return the assignment's review, creating a draft on the round's version if needed."""
    existing = Review.objects.filter(assignment=assignment).first()
    if existing is not None:
        return existing
    if by.pk != assignment.reviewer_id:
        raise ReviewError(_("Only the assigned reviewer can write this review."))
    plan = assignment.plan
    if plan.community_id in conflict_communities(by, plan.programme):
        raise ReviewError(_("You may not review the plan of your own community."))
    version = assignment.version()
    if version is None:
        raise ReviewError(
            _("Round %(round)d of this plan has not closed yet: there is no version to review.")
            % {"round": assignment.round_number}
        )
    rubric = do_ensure_rubric(programme=plan.programme, by=by)
    review = Review.objects.create(
        assignment=assignment, plan_version=version, rubric=rubric, reviewer=by
    )
    Score.objects.bulk_create(
        Score(review=review, criterion=c, scale_min=rubric.scale_min, scale_max=rubric.scale_max)
        for c in rubric.criteria.all()
    )
    return review


@dataclass
class DraftInput:
    """What the review form posts: per criterion a value or N/A and a comment."""

    opinion: str = ""
    confidence: int | None = None
    scores: dict[int, str] = field(default_factory=dict)  # criterion pk → "3", "na" or ""
    comments: dict[int, str] = field(default_factory=dict)


def _parse_score(raw: str, criterion: Criterion, rubric: Rubric) -> tuple[int | None, bool]:
    raw = (raw or "").strip().lower()
    if raw == "":
        return None, False
    if raw == "na":
        if not criterion.allows_na:
            raise ReviewError(
                _("%(criterion)s may not be marked not applicable.") % {"criterion": criterion.name}
            )
        return None, True
    try:
        value = int(raw)
    except ValueError:
        raise ReviewError(
            _("The score of %(criterion)s must be a whole number.") % {"criterion": criterion.name}
        ) from None
    if not rubric.scale_min <= value <= rubric.scale_max:
        raise ReviewError(
            _("The score of %(criterion)s must be between %(low)d and %(high)d.")
            % {"criterion": criterion.name, "low": rubric.scale_min, "high": rubric.scale_max}
        )
    return value, False


@transaction.atomic
def do_save_draft(
    *, review: Review, by, data: DraftInput, revision: int | None = None, token: str = ""
) -> list[str]:
    """Save what is valid in a draft and return the errors of what is not.

    ``revision`` is the draft's revision the form was loaded with and ``token`` identifies the
    page it was loaded in. A stale revision saved last from another page (the same review open
    in two tabs) is refused rather than silently overwritten; from the same page it is only
    this page's previous autosave overtaking, and the full form it posts wins.
    """
    review = Review.objects.select_for_update().get(pk=review.pk)
    if by.pk != review.reviewer_id:
        raise ReviewError(_("Only the assigned reviewer can write this review."))
    if review.is_submitted:
        raise ReviewError(_("This review is submitted and can no longer change."))
    token = token if token and _TOKEN.fullmatch(token) else ""
    same_page = bool(token) and token == review.edit_token
    if revision is not None and revision != review.revision and not same_page:
        raise ReviewError(
            _("This review was saved elsewhere meanwhile; reload the page to see the latest text.")
        )
    errors: list[str] = []
    rubric = review.rubric
    for score in review.scores.select_related("criterion"):
        cid = score.criterion_id
        if cid in data.scores:
            try:
                score.value, score.not_applicable = _parse_score(
                    data.scores[cid], score.criterion, rubric
                )
            except ReviewError as exc:
                errors.append(str(exc))
        if cid in data.comments:
            score.comment = clean_text(data.comments[cid], 4000)
        score.save(update_fields=["value", "not_applicable", "comment"])
    review.opinion = clean_text(data.opinion, 8000)
    if data.confidence in (None, 1, 2, 3):
        review.confidence = data.confidence
    else:
        errors.append(_("Confidence must be low, medium or high."))
    review.revision += 1
    review.edit_token = token
    review.save(update_fields=["opinion", "confidence", "revision", "edit_token", "updated_at"])
    return errors


def review_total(review: Review) -> float | None:
    """Return the review's weighted total on 0–100 (N/A criteria drop out), or None."""
    from qiangji.reviews.statistics import percent

    scores = list(review.scores.select_related("criterion"))
    total = weighted_total([s.value for s in scores], [float(s.criterion.weight) for s in scores])
    return percent(total, review.rubric.scale_min, review.rubric.scale_max)


@transaction.atomic
def do_submit_review(*, review: Review, by) -> Review:
    """Submit a complete draft; refuse (keeping the draft) what cannot be submitted.

    Refused: a missing score, N/A where the criterion forbids it, no confidence, a reviewer
    of the plan's own community, and a version that is no longer the plan's latest (a newer
    round closed meanwhile; the draft stays and can be restarted on the new version).
    """
    review = (
        Review.objects.select_for_update()
        .select_related("plan_version__plan__programme", "plan_version__plan__community", "rubric")
        .get(pk=review.pk)
    )
    if by.pk != review.reviewer_id:
        raise ReviewError(_("Only the assigned reviewer can submit this review."))
    if review.is_submitted:
        raise ReviewError(_("This review is already submitted."))
    plan = review.plan_version.plan
    if plan.community_id in conflict_communities(by, plan.programme):
        raise ReviewError(_("You may not review the plan of your own community."))
    latest = plan.latest_version()
    if latest is not None and latest.number != review.plan_version.number:
        raise ReviewError(
            _(
                "Version %(old)d was replaced by version %(new)d while you were reviewing. "
                "Your review is kept as a draft; read the changes and start again on the new version."
            )
            % {"old": review.plan_version.number, "new": latest.number}
        )
    missing = [
        s.criterion.name
        for s in review.scores.select_related("criterion")
        if s.value is None and not s.not_applicable
    ]
    if missing:
        raise ReviewError(
            _("Score every criterion first: %(names)s.") % {"names": "、".join(missing)}
        )
    forbidden = [
        s.criterion.name
        for s in review.scores.select_related("criterion")
        if s.not_applicable and not s.criterion.allows_na
    ]
    if forbidden:
        raise ReviewError(
            _("These criteria may not be marked not applicable: %(names)s.")
            % {"names": "、".join(forbidden)}
        )
    if review.confidence is None:
        raise ReviewError(_("Say how confident you are in this review."))
    total = review_total(review)
    if total is None:
        raise ReviewError(_("At least one criterion must be scored."))
    review.total = round(total, 2)
    review.status = Review.Status.SUBMITTED
    review.submitted_at = timezone.now()
    review.revision += 1
    review.save(update_fields=["total", "status", "submitted_at", "revision", "updated_at"])
    record_event(
        instance=review,
        note=gettext_lazy("Review submitted"),
        changes={"total": [None, review.total]},
    )
    if review.suggestions.exists():
        do_notify(
            recipients=community_workers(plan.community),
            kind="suggestion_to_answer",
            title=_("New suggestions on your plan (version %(v)d)")
            % {"v": review.plan_version.number},
            url=reverse("reviews:plan", kwargs={"pk": plan.pk}),
            group_key=f"suggestions:{plan.pk}:{review.plan_version.number}",
        )
    return review


@transaction.atomic
def do_reopen_review(*, review: Review, by, reason: str) -> Review:
    """Turn a submitted review back into a draft (audited with the reason)."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if not review.is_submitted:
        raise ReviewError(_("Only a submitted review can be reopened."))
    reason = clean_text(reason, 150).strip()
    if not reason:
        raise ReviewError(_("Say why the review is reopened."))
    old_total = review.total
    review.status = Review.Status.DRAFT
    review.total = None
    review.submitted_at = None
    review.reopened_count += 1
    review.revision += 1
    review.save(
        update_fields=[
            "status",
            "total",
            "submitted_at",
            "reopened_count",
            "revision",
            "updated_at",
        ]
    )
    record_event(
        instance=review,
        note=gettext_lazy("Review reopened: %(reason)s"),
        note_args={"reason": reason},
        changes={"status": ["submitted", "draft"], "total": [old_total, None]},
    )
    return review


def community_workers(community) -> list:
    """Return the secretaries and staff of a community (who answer suggestions)."""
    from qiangji.accounts.models import Role, User

    return list(
        User.objects.filter(
            is_active=True,
            grants__territory=community,
            grants__role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF],
        ).distinct()
    )


# --- suggestions --------------------------------------------------------------------------------


@transaction.atomic
def do_add_suggestion(
    *,
    review: Review,
    by,
    text: str,
    node_key: str | uuid.UUID | None = None,
    quote_field: str = "",
    quote_start: int | None = None,
    quote: str = "",
) -> Suggestion:
    """Return a new suggestion of a draft review, anchored to a node and/or a quoted range."""
    if by.pk != review.reviewer_id:
        raise ReviewError(_("Only the assigned reviewer can write this review."))
    if review.is_submitted:
        raise ReviewError(_("This review is submitted and can no longer change."))
    text = clean_text(text, 4000).strip()
    if not text:
        raise ReviewError(_("Write the suggestion."))
    node = None
    if node_key:
        try:
            node = review.plan_version.nodes.get(key=uuid.UUID(str(node_key)))
        except (ValueError, PlanVersionNode.DoesNotExist):
            raise ReviewError(_("That node is not part of the reviewed version.")) from None
    quote = clean_text(quote, 500).strip()
    if quote:
        source = ""
        if quote_field == "node" and node is not None:
            source = node.description
        elif quote_field in PLAN_TEXT_FIELDS:
            source = review.plan_version.field(quote_field)
        elif quote_field == "title" and node is not None:
            source = node.title
        position = source.find(quote) if quote_start is None else quote_start
        if position < 0 or source[position : position + len(quote)] != quote:
            raise ReviewError(_("The quoted text is not in the reviewed version."))
        quote_start = position
    else:
        quote_field, quote_start = "", None
    return Suggestion.objects.create(
        review=review,
        text=text[:4000],
        node_key=node.key if node else None,
        node=node,
        node_label=f"{node.label} {node.title}"[:220] if node else "",
        quote_field=quote_field if quote else "",
        quote_start=quote_start,
        quote=quote,
        order=review.suggestions.count(),
    )


@transaction.atomic
def do_delete_suggestion(*, suggestion: Suggestion, by) -> None:
    review = suggestion.review
    if by.pk != review.reviewer_id or review.is_submitted:
        raise ReviewError(_("This suggestion can no longer change."))
    suggestion.delete()


@transaction.atomic
def do_answer_suggestion(
    *, suggestion: Suggestion, by, decision: str, reason: str, node_key: str | None = None
) -> SuggestionAnswer:
    """Record (or revise) the community's answer to a suggestion in the current round."""
    review = Review.objects.select_related("plan_version").get(pk=suggestion.review_id)
    plan = Plan.objects.select_for_update().get(pk=review.plan_version.plan_id)
    if not review.is_submitted:
        raise ReviewError(_("Only suggestions of submitted reviews can be answered."))
    if decision not in SuggestionAnswer.Decision.values:
        raise ReviewError(_("Choose adopted, partly adopted or not adopted."))
    reason = clean_text(reason, 4000).strip()
    if not reason:
        raise ReviewError(_("Give the reason for the answer."))
    node_title = ""
    key = None
    if node_key:
        try:
            key = uuid.UUID(str(node_key))
        except ValueError:
            raise ReviewError(_("That node is not part of the plan.")) from None
        live = plan.nodes.filter(key=key).first()
        if live is None:
            raise ReviewError(_("That node is not part of the plan."))
        node_title = live.title[:220]
    if plan.round_number <= review.plan_version.number:
        raise ReviewError(_("A suggestion is answered in the round after the reviewed version."))
    answer, _created = SuggestionAnswer.objects.update_or_create(
        suggestion=suggestion,
        defaults={
            "decision": decision,
            "reason": reason[:4000],
            "node_key": key,
            "node_title": node_title,
            "round_number": plan.round_number,
            "answered_by": by,
        },
    )
    return answer


# --- remarks and the stage ----------------------------------------------------------------------


@transaction.atomic
def do_add_remark(*, plan: Plan, by, text: str, visibility: str) -> Remark:
    """Return a new leader remark on a plan; the community is notified if it may read it."""
    text = clean_text(text, 4000).strip()
    if not text:
        raise ReviewError(_("Write the remark."))
    if visibility not in Remark.Visibility.values:
        raise ReviewError(_("Choose who may read the remark."))
    remark = Remark.objects.create(
        plan=plan,
        author=by,
        text=text[:4000],
        visibility=visibility,
        round_number=plan.round_number,
    )
    if visibility != Remark.Visibility.LEADERS:
        do_notify(
            recipients=community_workers(plan.community),
            kind="remark",
            title=_("A leader remarked on your plan"),
            url=reverse("reviews:plan", kwargs={"pk": plan.pk}),
            group_key=f"remark:{plan.pk}",
        )
    return remark


@transaction.atomic
def do_set_stage(*, programme: Programme, round_number: int, published: bool, by=None) -> Stage:
    """Show or hide the live scores of a round on the stage page."""
    stage, _created = Stage.objects.select_for_update().get_or_create(
        programme=programme, round_number=round_number
    )
    stage.published = published
    stage.save(update_fields=["published", "updated_at"])
    record_event(
        instance=stage,
        note=(
            gettext_lazy("Stage scores published for round %(round)s")
            if published
            else gettext_lazy("Stage scores hidden for round %(round)s")
        ),
        note_args={"round": round_number},
    )
    return stage


# --- reminders ----------------------------------------------------------------------------------


def do_remind_overdue_reviews(*, today=None) -> int:
    """Post each reviewer one notice about their overdue reviews; return how many were posted.

    Run daily (``manage.py remind_reviews``); the group key carries the date, so a second run
    on the same day bumps the unread notice instead of adding another.
    """
    today = today or timezone.localdate()
    overdue: dict[int, int] = {}
    for reviewer_id in (
        Assignment.objects.filter(due_on__lt=today)
        .exclude(review__status=Review.Status.SUBMITTED)
        .values_list("reviewer_id", flat=True)
    ):
        overdue[reviewer_id] = overdue.get(reviewer_id, 0) + 1
    from qiangji.accounts.models import User

    posted = 0
    for user in User.objects.filter(pk__in=list(overdue), is_active=True):
        posted += do_notify(
            recipients=[user],
            kind="work_overdue",
            title=_("%(n)d reviews are overdue") % {"n": overdue[user.pk]},
            url=reverse("reviews:home"),
            group_key=f"reviews-overdue:{user.pk}:{today.isoformat()}",
        )
    return posted

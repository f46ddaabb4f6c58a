"""Mentor review (导师评审): rubrics, assignments, reviews, suggestions, leader remarks.

Raw scores are the record. Everything else (totals, agreement, calibration, ranks) is derived
in `qiangji.reviews.statistics` from `qiangji.lib.stats`.

A rubric is versioned: once a review has used a version, that version never changes and
editing the rubric creates the next version, so old reviews stay readable with their rubric.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiangji.lib import limits
from qiangji.plans.models import Plan, PlanVersion, PlanVersionNode
from qiangji.programmes.models import Programme
from qiangji.territories.models import Territory


class Scale(models.TextChoices):
    """Preset scales offered when editing a rubric (stored as min and max)."""

    ONE_TO_FIVE = "1-5", _("1 to 5")
    ONE_TO_TEN = "1-10", _("1 to 10")
    ZERO_TO_HUNDRED = "0-100", _("0 to 100")

    @property
    def bounds(self) -> tuple[int, int]:
        low, high = self.value.split("-")
        return int(low), int(high)


class RubricQuerySet(models.QuerySet):
    def current_for(self, programme: Programme) -> Rubric | None:
        """Return the newest rubric version of a programme, or None."""
        return self.filter(programme=programme).order_by("-version").first()


class Rubric(models.Model):
    """One version of a programme's rubric (评分标准)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="rubrics", verbose_name=_("Programme")
    )
    version = models.PositiveSmallIntegerField(_("Version"), default=1)
    scale_min = models.SmallIntegerField(_("Lowest score"), default=1)
    scale_max = models.SmallIntegerField(_("Highest score"), default=5)
    change_note = models.CharField(_("What changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RubricQuerySet.as_manager()

    class Meta:
        verbose_name = _("Rubric")
        verbose_name_plural = _("Rubrics")
        ordering = ["programme", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="rubric_unique_version"),
            models.CheckConstraint(
                condition=Q(scale_min__gte=0)
                & Q(scale_max__lte=100)
                & Q(scale_max__gt=F("scale_min")),
                name="rubric_scale_is_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · v{self.version}"

    @property
    def scale_label(self) -> str:
        return f"{self.scale_min}–{self.scale_max}"

    def is_in_use(self) -> bool:
        """Return whether any review (draft or submitted) already uses this version."""
        return self.reviews.exists()

    def has_full_descriptors(self) -> bool:
        """Return whether every level of every criterion has a descriptor (1–10 scales)."""
        levels = self.scale_max - self.scale_min + 1
        return all(c.levels.count() >= levels for c in self.criteria.all())


class Criterion(models.Model):
    """One criterion (指标) of a rubric version, e.g. 可行性, with its weight."""

    rubric = models.ForeignKey(
        Rubric, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("Rubric")
    )
    order = models.PositiveSmallIntegerField(_("Order"), default=0)
    name = models.CharField(_("Criterion"), max_length=40)
    description = models.TextField(_("What it asks"), blank=True, max_length=limits.NOTE)
    weight = models.DecimalField(_("Weight"), max_digits=5, decimal_places=2, default=Decimal(1))
    allows_na = models.BooleanField(
        _("Allows 'not applicable'"),
        default=False,
        help_text=_(
            "A criterion marked not applicable drops out of the total; it never counts as zero."
        ),
    )

    class Meta:
        verbose_name = _("Criterion")
        verbose_name_plural = _("Criteria")
        ordering = ["rubric", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "name"], name="criterion_unique_name"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class LevelDescriptor(models.Model):
    """What a given score means for a criterion (e.g. what a 2 and a 4 mean for 可行性).

    On a 0–100 scale descriptors anchor bands: a descriptor holds from its score upwards.
    """

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="levels", verbose_name=_("Criterion")
    )
    score = models.SmallIntegerField(_("Score"))
    text = models.CharField(_("Descriptor"), max_length=300)

    class Meta:
        verbose_name = _("Level descriptor")
        verbose_name_plural = _("Level descriptors")
        ordering = ["criterion", "score"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "score"], name="descriptor_unique_level"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} {self.score}: {self.text}"


# --- assignments ------------------------------------------------------------------------------


class Conflict(models.Model):
    """A declared conflict of interest: this person does not review that community's plan."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="review_conflicts",
        verbose_name=_("Programme"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_conflicts",
        verbose_name=_("Reviewer"),
    )
    community = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="+", verbose_name=_("Community")
    )
    reason = models.CharField(_("Reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Declared conflict")
        verbose_name_plural = _("Declared conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reviewer", "community"], name="conflict_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} × {self.community}"


class AssignmentQuerySet(models.QuerySet):
    def due_for(self, user) -> AssignmentQuerySet:
        """Return the person's assignments whose review is not yet submitted, soonest first."""
        return (
            self.filter(reviewer=user)
            .exclude(review__status=Review.Status.SUBMITTED)
            .select_related("plan__community", "plan__programme", "review")
            .order_by(F("due_on").asc(nulls_last=True), "round_number", "pk")
        )


class Assignment(models.Model):
    """A reviewer asked to review a plan's version of a given round."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="review_assignments", verbose_name=_("Plan")
    )
    round_number = models.PositiveSmallIntegerField(_("Round"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_assignments",
        verbose_name=_("Reviewer"),
    )
    due_on = models.DateField(_("Due date"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Assigned by"),
    )
    automatic = models.BooleanField(default=False, verbose_name=_("Assigned automatically"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Review assignment")
        verbose_name_plural = _("Review assignments")
        ordering = ["plan", "round_number", "pk"]
        indexes = [models.Index(fields=["reviewer", "round_number"], name="assignment_reviewer")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "round_number", "reviewer"], name="assignment_unique_reviewer"
            ),
            models.CheckConstraint(
                condition=Q(round_number__gte=1), name="assignment_round_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.round_number} · {self.reviewer}"

    def version(self) -> PlanVersion | None:
        """Return the plan version this assignment reviews, once its round has closed."""
        return PlanVersion.objects.filter(plan_id=self.plan_id, number=self.round_number).first()


# --- reviews ----------------------------------------------------------------------------------


class Review(models.Model):
    """One reviewer's review of one exact plan version, scored with one rubric version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Confidence(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="reviews")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opinion = models.TextField(_("Overall opinion"), blank=True, max_length=limits.TEXT * 2)
    confidence = models.PositiveSmallIntegerField(
        _("Confidence"), choices=Confidence.choices, null=True, blank=True
    )
    # Weighted total on 0–100, derived from the scores when the review is submitted.
    total = models.FloatField(null=True, blank=True, editable=False)
    revision = models.PositiveIntegerField(
        default=1, help_text="Version column against lost updates."
    )
    # The page (browser tab) that saved last: its own in-flight autosaves are not conflicts.
    edit_token = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Review")
        verbose_name_plural = _("Reviews")
        ordering = ["-submitted_at", "pk"]
        indexes = [
            models.Index(fields=["plan_version", "status"], name="review_version_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=1, confidence__lte=3),
                name="review_confidence_range",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False, total__isnull=False),
                name="review_submitted_has_total",
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100),
                name="review_total_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.plan_version}"

    @property
    def mean_on_scale(self) -> float | None:
        """Return the weighted mean score on the rubric's own scale (3.6 of 1–5), or None.

        `total` is the same mean mapped to 0–100 (lowest score 0, highest 100) for statistics
        across rubrics; people read the mean on the scale they scored with.
        """
        if self.total is None:
            return None
        low, high = self.rubric.scale_min, self.rubric.scale_max
        return low + self.total * (high - low) / 100

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Score(models.Model):
    """The score of one criterion in one review; ``value`` NULL with ``not_applicable`` is N/A.

    The rubric's scale is copied onto the row so the database itself refuses a score outside
    it (a CheckConstraint cannot look at another table).
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.SmallIntegerField(_("Score"), null=True, blank=True)
    not_applicable = models.BooleanField(_("Not applicable"), default=False)
    comment = models.TextField(
        pgettext_lazy("score", "Comment"), blank=True, max_length=limits.TEXT
    )
    scale_min = models.SmallIntegerField()
    scale_max = models.SmallIntegerField()

    class Meta:
        verbose_name = _("Score")
        verbose_name_plural = _("Scores")
        ordering = ["review", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_unique_criterion"),
            models.CheckConstraint(
                condition=Q(value__isnull=True)
                | Q(value__gte=F("scale_min"), value__lte=F("scale_max")),
                name="score_within_scale",
            ),
            models.CheckConstraint(
                condition=~Q(not_applicable=True, value__isnull=False),
                name="score_na_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {'N/A' if self.not_applicable else self.value}"


class Suggestion(models.Model):
    """A suggestion (意见建议) of a review, anchored to a node of the version or a quoted text."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="suggestions")
    text = models.TextField(_("Suggestion"), max_length=limits.TEXT)
    # Anchor: the node (by its life-long key, and its frozen copy in the reviewed version)
    node_key = models.UUIDField(null=True, blank=True)
    node = models.ForeignKey(
        PlanVersionNode, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    node_label = models.CharField(max_length=220, blank=True)
    # …or a quoted text range of a field of the version (field name, start offset, quote)
    quote_field = models.CharField(max_length=40, blank=True)
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote = models.CharField(_("Quoted text"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Suggestion")
        verbose_name_plural = _("Suggestions")
        ordering = ["review", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class SuggestionAnswer(models.Model):
    """The community's answer to a suggestion (采纳 / 部分采纳 / 不采纳), given in a later round."""

    class Decision(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        PARTLY = "partly", _("Partly adopted")
        DECLINED = "declined", _("Not adopted")

    suggestion = models.OneToOneField(
        Suggestion, on_delete=models.CASCADE, related_name="answer", verbose_name=_("Suggestion")
    )
    decision = models.CharField(_("Decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("Reason"), max_length=limits.TEXT)
    node_key = models.UUIDField(null=True, blank=True, verbose_name=_("Node"))
    node_title = models.CharField(max_length=220, blank=True, verbose_name=_("Node title"))
    # The draft round in which the answer was given; the version of that number answers it.
    round_number = models.PositiveSmallIntegerField(verbose_name=_("Round"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Answered by"),
    )
    answered_at = models.DateTimeField(auto_now=True, verbose_name=_("Answered at"))

    class Meta:
        verbose_name = _("Answer to a suggestion")
        verbose_name_plural = _("Answers to suggestions")

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.reason[:30]}"


# --- leader remarks and the stage --------------------------------------------------------------


class Remark(models.Model):
    """A leader's remark (点评) on a plan, with who may read it."""

    class Visibility(models.TextChoices):
        PROGRAMME = "programme", _("Everyone in the programme")
        COMMUNITY = "community", _("The community only")
        LEADERS = "leaders", _("Leaders only")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="remarks", verbose_name=_("Plan")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Author"),
    )
    text = models.TextField(_("Remark"), max_length=limits.TEXT)
    visibility = models.CharField(
        _("Who may read it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PROGRAMME,
    )
    round_number = models.PositiveSmallIntegerField(default=1, verbose_name=_("Round"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Leader remark")
        verbose_name_plural = _("Leader remarks")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class Stage(models.Model):
    """The showcase-day stage of a programme's round: scores shown live once published."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="review_stages")
    round_number = models.PositiveSmallIntegerField()
    published = models.BooleanField(_("Scores shown"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Stage")
        verbose_name_plural = _("Stages")
        constraints = [
            models.UniqueConstraint(fields=["programme", "round_number"], name="stage_unique_round")
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.round_number}"

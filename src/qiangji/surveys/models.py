"""Resident surveys (满意度测评): questionnaires, one-time codes, responses and their answers.

What is stored, and what deliberately is not (docs/surveys.md says the same to residents):

- A `Response` holds the answers, the community, the survey and a client-made id (so a form
  sent twice is stored once). In *open* mode it also holds a keyed hash of the resident's
  browser token (one response per browser) and a keyed hash of the client address, kept only
  to flag bursts and cleared when the survey closes. In *verified* mode it holds neither, and
  its time is kept to the hour only.
- An `AccessCode` is a one-time code with a `used` flag and nothing else: no time of use,
  no response id, no address — a used code cannot be linked to the response it allowed.
- Figures count `Response.counted` rows; a flagged response is counted until an organiser
  excludes it with a recorded reason (a honeypot hit is excluded at once, with its reason).

For figures in SQL without reading every answer, each response also carries the derived
values the brand index needs (`gain`, `happiness`, `security`, `senses_satisfied`, `aware`,
`participated`), written once at submission from its answers.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiangji.programmes.models import Programme
from qiangji.territories.models import Territory

MAX_TEXT_ANSWER = 1000  # characters of one free-text answer
MAX_CHOICES = 12
THRESHOLD = 30  # figures on fewer answers are shown as 样本不足


class Mode(models.TextChoices):
    OPEN = "open", _("Open link (one response per browser)")
    VERIFIED = "verified", _("One-time codes")


class Kind(models.TextChoices):
    SCALE = "scale", _("5-point scale")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Short free text")


class Measure(models.TextChoices):
    """What a question measures for the brand index; most questions measure nothing special."""

    NONE = "", _("Nothing special")
    GAIN = "gain", _("Sense of gain (获得感)")
    HAPPINESS = "happiness", _("Sense of happiness (幸福感)")
    SECURITY = "security", _("Sense of security (安全感)")
    AWARENESS = "awareness", _("Brand awareness")
    PARTICIPATION = "participation", pgettext_lazy("surveys", "Participation")
    IMPROVE = "improve", _("What to improve")


SENSES = (Measure.GAIN, Measure.HAPPINESS, Measure.SECURITY)
# The figures derived from a response's answers at submission (see Response).
DERIVED = ["senses_satisfied", "aware", "participated", "gain", "happiness", "security"]


class SurveyQuerySet(models.QuerySet):
    def open_now(self, now: dt.datetime | None = None) -> SurveyQuerySet:
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now, replaced_by__isnull=True)

    def for_community(self, community: Territory) -> SurveyQuerySet:
        """Surveys a resident of this community may answer: its own, or its subdistrict's."""
        return self.filter(
            Q(territory=community) | Q(territory_id=community.parent_id, covers_subdistrict=True)
        )


class Survey(models.Model):
    """One version of a questionnaire. Once it has responses its questions never change."""

    title = models.CharField(pgettext_lazy("surveys", "Title"), max_length=200)
    intro = models.TextField(_("Introduction"), max_length=2000, blank=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("Programme"),
        on_delete=models.PROTECT,
        related_name="surveys",
        null=True,
        blank=True,
    )
    # A community, or a subdistrict (then every community of it may answer).
    territory = models.ForeignKey(
        Territory, verbose_name=_("Territory"), on_delete=models.PROTECT, related_name="surveys"
    )
    covers_subdistrict = models.BooleanField(
        default=False, verbose_name=_("Covers the whole subdistrict")
    )
    mode = models.CharField(_("Mode"), max_length=10, choices=Mode.choices, default=Mode.OPEN)
    opens_at = models.DateTimeField(_("Opens at"))
    closes_at = models.DateTimeField(_("Closes at"))
    # Rounds of one series (e.g. "2026年度满意度测评" round 1 and 2) make the trend.
    series = models.CharField(_("Series"), max_length=80, blank=True)
    round = models.PositiveSmallIntegerField(_("Round"), default=1)
    version = models.PositiveSmallIntegerField(default=1, verbose_name=_("Version"))
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("Replaced by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Survey")
        verbose_name_plural = _("Surveys")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="surveys_closes_after_opens"
            ),
            models.CheckConstraint(condition=Q(round__gte=1), name="surveys_round_positive"),
        ]
        indexes = [models.Index(fields=["territory", "closes_at"], name="surveys_territory_closes")]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.replaced_by_id is None and self.opens_at <= now < self.closes_at

    @property
    def status(self) -> str:
        now = timezone.now()
        if self.replaced_by_id:
            return pgettext_lazy("survey status", "Replaced")
        if now < self.opens_at:
            return pgettext_lazy("survey status", "Not open yet")
        if now >= self.closes_at:
            return pgettext_lazy("survey status", "Closed")
        return pgettext_lazy("survey status", "Open")

    def communities(self):
        """The communities that may answer this survey."""
        if self.covers_subdistrict:
            from qiangji.territories.models import Kind as TerritoryKind

            return Territory.objects.filter(
                parent_id=self.territory_id, kind=TerritoryKind.COMMUNITY
            ).order_by("order", "name")
        return Territory.objects.filter(pk=self.territory_id)

    def covers(self, community: Territory) -> bool:
        return community.pk == self.territory_id or (
            self.covers_subdistrict and community.parent_id == self.territory_id
        )

    @property
    def frozen(self) -> bool:
        """Whether the questions may no longer change (someone already answered)."""
        return self.responses.exists()


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("Survey")
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("Order"))
    kind = models.CharField(pgettext_lazy("surveys", "Kind"), max_length=10, choices=Kind.choices)
    # "{brand}" in the text is replaced by the community's brand name when shown.
    text = models.CharField(pgettext_lazy("surveys", "Question"), max_length=300)
    help = models.CharField(_("Help text"), max_length=300, blank=True)
    required = models.BooleanField(_("Required"), default=True)
    choices = models.JSONField(_("Choices"), default=list, blank=True)
    low_label = models.CharField(_("Label of 1"), max_length=30, blank=True)
    high_label = models.CharField(_("Label of 5"), max_length=30, blank=True)
    min_value = models.IntegerField(_("Smallest number"), null=True, blank=True)
    max_value = models.IntegerField(_("Largest number"), null=True, blank=True)
    measure = models.CharField(
        _("Measures"), max_length=16, choices=Measure.choices, default="", blank=True
    )
    # One simple condition: show this question only when an earlier one was answered so.
    show_if = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dependents",
        verbose_name=_("Shown if"),
    )
    show_if_value = models.SmallIntegerField(
        null=True, blank=True, verbose_name=_("Shown if the answer is")
    )

    class Meta:
        ordering = ["survey", "order", "pk"]
        verbose_name = pgettext_lazy("surveys", "Question")
        verbose_name_plural = _("Questions")

    def __str__(self) -> str:
        return self.text

    def text_for(self, brand: str) -> str:
        """The text as residents read it: the brand named, or left out when there is none."""
        if not brand:
            return self.text.replace("「{brand}」", "").replace("{brand}", "本社区品牌项目")
        return self.text.replace("{brand}", brand)

    @property
    def is_scale(self) -> bool:
        return self.kind == Kind.SCALE

    def choice_label(self, value: int | None) -> str:
        if value is None:
            return ""
        if self.kind == Kind.SCALE:
            return str(value)
        if 0 <= value < len(self.choices):
            return self.choices[value]
        return "?"

    def condition_label(self) -> str:
        if not self.show_if_id or self.show_if_value is None:
            return ""
        return self.show_if.choice_label(self.show_if_value)


class CodeBatch(models.Model):
    """A printed sheet of one-time codes for a verified survey."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="code_batches", verbose_name=_("Survey")
    )
    label = models.CharField(pgettext_lazy("surveys", "Label"), max_length=100, blank=True)
    count = models.PositiveIntegerField(verbose_name=_("Number of codes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Code batch")
        verbose_name_plural = _("Code batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label or f"#{self.pk}"


class AccessCode(models.Model):
    """A one-time code. Deliberately no time of use and no link to the response it allowed."""

    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=16)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Access code")
        verbose_name_plural = _("Access codes")
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="surveys_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class Flag(models.TextChoices):
    NONE = "", _("Not flagged")
    BURST = "burst", _("Many responses from one address in a short time")
    HONEYPOT = "honeypot", _("A hidden field only robots fill was filled")


class ResponseQuerySet(models.QuerySet):
    def counted(self) -> ResponseQuerySet:
        return self.filter(counted=True)


class Response(models.Model):
    # No single-column indexes: the composite indexes below start with each of them.
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    community = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    client_id = models.UUIDField()
    content_hash = models.CharField(max_length=64)
    # Open mode only: one response per browser token; the hashed address flags bursts.
    respondent_key = models.CharField(max_length=64, blank=True)
    address_key = models.CharField(max_length=32, blank=True)
    submitted_at = models.DateTimeField(db_index=True)  # to the hour in verified mode
    flag = models.CharField(max_length=10, choices=Flag.choices, default="", blank=True)
    counted = models.BooleanField(default=True)
    exclusion_reason = models.CharField(max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Derived once from the answers, for the brand index and comparisons in one SQL pass.
    gain = models.PositiveSmallIntegerField(null=True, blank=True)
    happiness = models.PositiveSmallIntegerField(null=True, blank=True)
    security = models.PositiveSmallIntegerField(null=True, blank=True)
    senses_satisfied = models.BooleanField(null=True, blank=True)  # mean of the three ≥ 4
    aware = models.BooleanField(null=True, blank=True)
    participated = models.BooleanField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("Response")
        verbose_name_plural = _("Responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "client_id"], name="surveys_response_client_id_unique"
            ),
            models.UniqueConstraint(
                fields=["survey", "respondent_key"],
                condition=~Q(respondent_key=""),
                name="surveys_one_response_per_browser",
            ),
            models.CheckConstraint(
                condition=Q(counted=True) | ~Q(exclusion_reason=""),
                name="surveys_exclusion_has_reason",
            ),
        ]
        indexes = [
            # Counts by community, flags, and the trend's derived figures read these two
            # indexes alone (no row lookups): a survey's page, the brand index by community.
            models.Index(
                fields=["survey", "community", "counted", "flag", *DERIVED],
                name="surveys_resp_counts",
            ),
            models.Index(
                fields=["community", "counted", "survey", "submitted_at", *DERIVED],
                name="surveys_resp_community",
            ),
            models.Index(fields=["survey", "flag"], name="surveys_resp_flag"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    """One answer; a multiple choice has one row per chosen option."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # Copied from the response so results group in one index scan (the composite index
    # starts with survey; a community's answers are found through its responses).
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", db_index=False)
    community = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    counted = models.BooleanField(default=True)
    value = models.IntegerField(null=True, blank=True)  # scale 1–5, choice index, number
    text = models.TextField(max_length=MAX_TEXT_ANSWER, blank=True)
    concern_id = models.PositiveBigIntegerField(null=True, blank=True)  # turned into a concern

    class Meta:
        verbose_name = _("Survey answer")
        verbose_name_plural = _("Survey answers")
        indexes = [
            models.Index(
                fields=["survey", "counted", "question", "community", "value"],
                name="surveys_answer_results",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value if self.value is not None else self.text[:20]}"

"""Brand index versions and snapshots, media reports and mentors' trait ratings.

- ``IndexVersion``: one published version of a programme's index (trait weights, aggregation,
  mentors' share and a frozen copy of the indicator table). Every score names its version.
- ``IndexSnapshot``: a computed index (scores, evidence, uncertainty) for the current period
  ("current") or a closed month ("2026-03"), refreshed in the background.
- ``MediaReport``: a report in the press about a community's brand (影响广).
- ``TraitRating``: a mentor's rating of one trait of one community (blended only when the
  programme's version gives mentors a share; always shown apart).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiangji.programmes.models import Programme
from qiangji.territories.models import Kind, Territory

from .spec import TRAIT_LABELS, default_weights, indicator_table


class Aggregation(models.TextChoices):
    LINEAR = "linear", _("Linear (weighted arithmetic mean; fully compensatory)")
    GEOMETRIC = "geometric", _("Geometric (weighted geometric mean; partly compensatory)")


TRAIT_CHOICES = [(key, label) for key, label in TRAIT_LABELS.items()]


class IndexVersionQuerySet(models.QuerySet):
    def current_for(self, programme: Programme) -> IndexVersion | None:
        return self.filter(programme=programme).order_by("-number").first()


class IndexVersion(models.Model):
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="index_versions",
        verbose_name=_("Programme"),
    )
    number = models.PositiveSmallIntegerField(_("Version"))
    weights = models.JSONField(_("Trait weights"), default=default_weights)
    aggregation = models.CharField(
        _("Aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.LINEAR
    )
    mentor_share = models.FloatField(
        _("Mentors' share in a trait score"),
        default=0.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(0.5)],
        help_text=_("0 keeps mentors' ratings apart; at most 0.5."),
    )
    indicators = models.JSONField(
        default=indicator_table, editable=False, verbose_name=_("Indicators")
    )
    weights_rescaled = models.BooleanField(
        default=False, editable=False, verbose_name=_("Weights rescaled")
    )
    note = models.CharField(_("What changed and why"), max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Published by"),
    )
    published_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Published at"))

    objects = IndexVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Brand index version")
        verbose_name_plural = _("Brand index versions")
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="insights_version_unique"),
            models.CheckConstraint(
                condition=Q(mentor_share__gte=0) & Q(mentor_share__lte=0.5),
                name="insights_mentor_share_range",
            ),
            models.CheckConstraint(
                condition=Q(aggregation__in=["linear", "geometric"]),
                name="insights_aggregation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class IndexSnapshot(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(IndexVersion, on_delete=models.PROTECT, related_name="snapshots")
    period = models.CharField(max_length=10, default="current")  # "current" or "YYYY-MM"
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0.0)
    result = models.JSONField(default=dict)  # everything, with each indicator's evidence
    # What the dashboards read (scores, ranks, dashboard figures, heat): a few KB per programme,
    # so a city's leader view parses 40 summaries, not 40 full results.
    summary = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("Index snapshot")
        verbose_name_plural = _("Index snapshots")
        ordering = ["programme", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period"], name="insights_snapshot_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.period} {self.computed_at:%Y-%m-%d %H:%M}"


class MediaReport(models.Model):
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="media_reports",
        verbose_name=_("Programme"),
    )
    community = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Kind.COMMUNITY},
        verbose_name=_("Community"),
    )
    outlet = models.CharField(_("Outlet"), max_length=80)
    published_on = models.DateField(_("Date"))
    title = models.CharField(_("Title"), max_length=200)
    link = models.URLField(_("Link"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Added by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Media report")
        verbose_name_plural = _("Media reports")
        ordering = ["-published_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "community", "outlet", "title"],
                name="insights_media_report_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.outlet}：{self.title}"


class TraitRating(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("Programme")
    )
    community = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("Community")
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Mentor"),
    )
    trait = models.CharField(_("Trait"), max_length=20, choices=TRAIT_CHOICES)
    score = models.PositiveSmallIntegerField(
        _("Rating (0–100)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    comment = models.CharField(pgettext_lazy("rating", "Comment"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Mentor's trait rating")
        verbose_name_plural = _("Mentors' trait ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "community", "mentor", "trait"],
                name="insights_rating_once",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="insights_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.trait} {self.score}"

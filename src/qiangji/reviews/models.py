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

from qiangji.programmes.models import Programme


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
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
        reviews = getattr(self, "reviews", None)  # the Review model lands with the plans app
        return reviews is not None and reviews.exists()

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
    description = models.TextField(_("What it asks"), blank=True)
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

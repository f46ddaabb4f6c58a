"""Programmes (工程/项目) run by a subdistrict, with enrolled communities and ordered phases."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiangji.lib import limits
from qiangji.territories.models import Kind, Territory

DEFAULT_PHASES = [
    ("学习", _("Learning")),
    ("问需", _("Needs")),
    ("共创", _("Co-creation")),
    ("评审", _("Review")),
    ("落实", _("Implementation")),
    ("评估", _("Evaluation")),
]


class ProgrammeQuerySet(models.QuerySet):
    def within(self, territory: Territory) -> ProgrammeQuerySet:
        return self.filter(subdistrict__path__startswith=territory.path)


class Programme(models.Model):
    subdistrict = models.ForeignKey(
        Territory,
        verbose_name=_("Subdistrict"),
        on_delete=models.PROTECT,
        related_name="programmes",
        limit_choices_to={"kind": Kind.SUBDISTRICT},
    )
    name = models.CharField(_("Name"), max_length=120)
    description = models.TextField(_("Description"), blank=True, max_length=limits.LONG_TEXT)
    starts_on = models.DateField(_("Start date"))
    ends_on = models.DateField(_("End date"))
    communities = models.ManyToManyField(
        Territory,
        verbose_name=_("Communities"),
        through="Enrolment",
        related_name="enrolled_programmes",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Programme")
        verbose_name_plural = _("Programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "name"], name="programme_unique_name_in_subdistrict"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="programme_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.subdistrict_id and self.subdistrict.kind != Kind.SUBDISTRICT:
            raise ValidationError({"subdistrict": _("A programme must belong to a subdistrict.")})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})

    def current_phase(self, today: dt.date | None = None) -> Phase | None:
        """Return the phase under way today: the last one that has started, else the first."""
        today = today or timezone.localdate()
        phases = list(self.phases.all())
        started = [p for p in phases if p.starts_on and p.starts_on <= today]
        if started:
            return started[-1]
        return phases[0] if phases else None

    def add_default_phases(self) -> None:
        """Create the six default phases spread evenly over the programme's dates."""
        span = max((self.ends_on - self.starts_on).days, len(DEFAULT_PHASES))
        step = span // len(DEFAULT_PHASES)
        for index, (name, _label) in enumerate(DEFAULT_PHASES):
            start = self.starts_on + dt.timedelta(days=index * step)
            end = (
                self.ends_on
                if index == len(DEFAULT_PHASES) - 1
                else start + dt.timedelta(days=step - 1)
            )
            Phase.objects.get_or_create(
                programme=self,
                name=name,
                defaults={"order": index, "starts_on": start, "ends_on": end},
            )


class Phase(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="phases", verbose_name=_("Programme")
    )
    name = models.CharField(_("Phase name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("Order"), default=0)
    starts_on = models.DateField(_("Start date"), null=True, blank=True)
    ends_on = models.DateField(_("End date"), null=True, blank=True)

    class Meta:
        verbose_name = _("Phase")
        verbose_name_plural = _("Phases")
        ordering = ["programme", "order", "starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="phase_unique_name"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="phase_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})


class Enrolment(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("Programme")
    )
    community = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="enrolments",
        limit_choices_to={"kind": Kind.COMMUNITY},
        verbose_name=_("Community"),
    )
    enrolled_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Enrolled at"))

    class Meta:
        verbose_name = _("Enrolment")
        verbose_name_plural = _("Enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "community"], name="enrolment_unique_community"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.community}"

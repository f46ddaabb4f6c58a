"""Forms of the reviews app."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from qiangji.lib import limits
from qiangji.reviews.actions import CriterionSpec
from qiangji.reviews.models import Scale

_LEVEL_LINE = re.compile(r"^\s*(-?\d+)\s*[:：、.．]\s*(.+?)\s*$")


class RubricForm(forms.Form):
    scale = forms.ChoiceField(label=_("Scale"), choices=Scale.choices)
    change_note = forms.CharField(label=_("What changed"), max_length=200, required=False)


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=40)
    description = forms.CharField(
        label=_("What it asks"),
        required=False,
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = forms.DecimalField(
        label=_("Weight"),
        min_value=Decimal("0.01"),
        max_value=Decimal(999),
        decimal_places=2,
        initial=1,
    )
    allows_na = forms.BooleanField(label=_("Allows 'not applicable'"), required=False)
    levels = forms.CharField(
        label=_("Level descriptors"),
        required=False,
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line, as score: what it means, e.g. 2: some steps are named."),
    )

    def clean_levels(self) -> dict[int, str]:
        levels: dict[int, str] = {}
        for number, line in enumerate(self.cleaned_data["levels"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _LEVEL_LINE.match(line)
            if not match:
                raise forms.ValidationError(
                    _("Line %(n)d is not of the form score: description.") % {"n": number}
                )
            levels[int(match.group(1))] = match.group(2)[:300]
        return levels

    def spec(self) -> CriterionSpec:
        data = self.cleaned_data
        return CriterionSpec(
            name=data["name"].strip(),
            description=data["description"],
            weight=data["weight"],
            allows_na=data["allows_na"],
            levels=data["levels"],
        )


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        names = [spec.name for spec in self.specs()]
        if not names:
            raise forms.ValidationError(_("A rubric needs at least one criterion."))
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Two criteria have the same name."))

    def specs(self) -> list[CriterionSpec]:
        return [
            f.spec()
            for f in self.forms
            if f.cleaned_data.get("name") and not self._should_delete_form(f)
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True, max_num=20
)


def criterion_initial(rubric) -> list[dict]:
    """Return the formset's initial data for a rubric version."""
    return [
        {
            "name": c.name,
            "description": c.description,
            "weight": c.weight,
            "allows_na": c.allows_na,
            "levels": "\n".join(f"{d.score}: {d.text}" for d in c.levels.all()),
        }
        for c in rubric.criteria.prefetch_related("levels")
    ]

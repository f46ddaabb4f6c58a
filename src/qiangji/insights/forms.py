"""Forms of insights: publish index weights, record a media report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qiangji.lib.widgets import DateInput

from .models import Aggregation, MediaReport
from .spec import TRAIT_KEYS, TRAIT_LABELS


class VersionForm(forms.Form):
    aggregation = forms.ChoiceField(label=_("Aggregation"), choices=Aggregation.choices)
    mentor_share = forms.FloatField(
        label=_("Mentors' share in a trait score"), min_value=0.0, max_value=0.5, initial=0.0,
        help_text=_("0 keeps mentors' ratings apart; at most 0.5."),
    )  # fmt: skip
    note = forms.CharField(label=_("What changed and why"), max_length=300, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key in TRAIT_KEYS:
            self.fields[f"w_{key}"] = forms.FloatField(
                label=TRAIT_LABELS[key], min_value=0.0, max_value=100.0, initial=1.0
            )

    def weights(self) -> dict[str, float]:
        return {key: self.cleaned_data[f"w_{key}"] for key in TRAIT_KEYS}

    def clean(self):
        data = super().clean()
        if all(data.get(f"w_{key}") == 0 for key in TRAIT_KEYS):
            raise forms.ValidationError(_("At least one trait needs a weight above 0."))
        return data


class MediaReportForm(forms.ModelForm):
    class Meta:
        model = MediaReport
        fields = ["community", "outlet", "published_on", "title", "link"]
        widgets = {"published_on": DateInput()}

    def __init__(self, *args, communities=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities

"""Forms of the organisers' pages (the residents' form is read by `actions.parse_answers`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiangji.lib.widgets import DateTimeLocalInput
from qiangji.surveys.actions import MAX_CODES_PER_BATCH
from qiangji.surveys.models import Kind, Measure, Mode, Question
from qiangji.territories.models import Territory


class SurveyForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("surveys", "Title"), max_length=200)
    intro = forms.CharField(
        label=_("Introduction"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    territory = forms.ModelChoiceField(
        label=_("Community or subdistrict"), queryset=Territory.objects.none()
    )
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False)
    mode = forms.ChoiceField(
        label=_("How residents answer"), choices=Mode.choices, initial=Mode.OPEN
    )
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeLocalInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeLocalInput())
    series = forms.CharField(
        label=_("Series"),
        max_length=80,
        required=False,
        help_text=_("Rounds of the same series are compared over time, e.g. 2026年度满意度测评."),
    )
    round = forms.IntegerField(label=_("Round"), min_value=1, max_value=99, initial=1)
    with_template = forms.BooleanField(
        label=_(
            "Start from the default questions (获得感/幸福感/安全感, brand, participation, what to improve)"
        ),
        required=False,
        initial=True,
    )

    def __init__(self, *args, territories=None, programmes=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = (
            territories if territories is not None else Territory.objects.none()
        )
        self.fields["programme"].queryset = programmes

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The survey must close after it opens."))
        return data


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("surveys", "Kind"), choices=Kind.choices)
    text = forms.CharField(label=pgettext_lazy("surveys", "Question"), max_length=300)
    help = forms.CharField(label=_("Help text"), max_length=300, required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    choices = forms.CharField(
        label=_("Choices (one a line)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    low_label = forms.CharField(label=_("Label of 1"), max_length=30, required=False)
    high_label = forms.CharField(label=_("Label of 5"), max_length=30, required=False)
    min_value = forms.IntegerField(
        label=_("Smallest number"),
        required=False,
        min_value=-1_000_000_000,
        max_value=1_000_000_000,
    )
    max_value = forms.IntegerField(
        label=_("Largest number"), required=False, min_value=-1_000_000_000, max_value=1_000_000_000
    )
    measure = forms.ChoiceField(label=_("Measures"), choices=Measure.choices, required=False)
    show_if = forms.ModelChoiceField(
        label=_("Show only when"), queryset=Question.objects.none(), required=False
    )
    show_if_value = forms.IntegerField(
        label=_("is answered (1–5, or the choice's number from 1)"),
        required=False,
        min_value=1,
        max_value=99,
    )

    def __init__(self, *args, survey=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if survey is not None:
            self.fields["show_if"].queryset = survey.questions.filter(
                kind__in=[Kind.SCALE, Kind.SINGLE]
            )


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many codes"), min_value=1, max_value=MAX_CODES_PER_BATCH, initial=100
    )
    label = forms.CharField(
        label=_("Label (where they are handed out)"), max_length=100, required=False
    )


class ExclusionForm(forms.Form):
    action = forms.ChoiceField(choices=[("exclude", "exclude"), ("include", "include")])
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

"""Forms of the implementation app (dates through qiangji.lib.widgets)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiangji.implementation.evidence import EvidenceRejected, check_document, check_photo
from qiangji.implementation.models import Rules, Status
from qiangji.lib.widgets import DateInput

PROGRESS_CHOICES = [0, 20, 50, 80, 100]


class EvidenceMixin:
    """Check the uploaded photo and document by content; cleaned values are CheckedFile."""

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return check_photo(upload)
        except EvidenceRejected as error:
            raise forms.ValidationError(error.messages[0]) from None

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if not upload:
            return None
        try:
            return check_document(upload)
        except EvidenceRejected as error:
            raise forms.ValidationError(error.messages[0]) from None


class UpdateForm(EvidenceMixin, forms.Form):
    """The phone-first update: progress, a photo, done (status, KPI and a note optional)."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    progress = forms.IntegerField(
        label=_("Progress (%)"), min_value=0, max_value=100, required=False
    )
    status = forms.ModelChoiceField(
        label=_("Status"), queryset=Status.objects.none(), required=False
    )
    actual = forms.CharField(label=_("Actual value"), max_length=80, required=False)
    note = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(label=_("Reason (when cancelling)"), max_length=300, required=False)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    document = forms.FileField(label=_("Document (PDF, Word, Excel)"), required=False)

    def __init__(self, *args, item=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if item is not None:
            self.fields["status"].queryset = Status.objects.filter(programme_id=item.programme_id)
            self.fields["revision"].initial = item.revision
            self.fields["actual"].initial = item.actual


class MilestoneForm(EvidenceMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    happened_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    document = forms.FileField(label=_("Document (PDF, Word, Excel)"), required=False)
    activities = forms.ModelMultipleChoiceField(
        label=_("Activities held for it"), queryset=None, required=False
    )
    public = forms.BooleanField(label=_("Show on the public page"), required=False, initial=True)

    def __init__(self, *args, item=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from django.apps import apps

        try:
            activity = apps.get_model("workshops", "Activity")
            queryset = activity.objects.filter(programme_id=item.programme_id) if item else None
        except LookupError:
            queryset = None
        if queryset is None:
            del self.fields["activities"]
        else:
            self.fields["activities"].queryset = queryset


class SpendForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=0.01, max_value=100_000_000, decimal_places=2
    )
    spent_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("Spent on"), max_length=300)


class PressForm(forms.Form):
    note = forms.CharField(
        label=_("What the subdistrict asks"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WeightForm(forms.Form):
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_value=1000, decimal_places=2)


class StatusForm(forms.ModelForm):
    class Meta:
        model = Status
        fields = ["name", "default_progress", "meaning", "order"]


class RulesForm(forms.ModelForm):
    class Meta:
        model = Rules
        fields = ["stale_days"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX or CSV file"))
    apply = forms.BooleanField(
        label=_("Apply now (otherwise a dry run that changes nothing)"), required=False
    )

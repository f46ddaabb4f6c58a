"""Forms of the concerns app: the public phone form, staff entry, ticket steps, import."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiangji.concerns.models import MAX_TEXT_LENGTH, Category, Channel, Satisfaction, TicketKind
from qiangji.lib import limits
from qiangji.lib.images import ImageRejected, check_image
from qiangji.lib.text import has_meaningful_text
from qiangji.lib.widgets import DateTimeLocalInput

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def _clean_text(value: str) -> str:
    value = (value or "").strip()
    if not has_meaningful_text(value):
        raise forms.ValidationError(
            _("Please describe the matter in words (not only symbols or emoji).")
        )
    return value


def _clean_phone(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if value and not PHONE_RE.match(value):
        raise forms.ValidationError(
            _("Enter a mobile number (11 digits) or a landline with area code.")
        )
    return value


class PublicConcernForm(forms.Form):
    """What a resident fills in on a phone, without an account."""

    text = forms.CharField(
        label=_("What is the matter?"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "placeholder": _("e.g. The lift in building 3 has been broken for three days"),
            }
        ),
    )
    compound = forms.ModelChoiceField(queryset=None, required=False, label=_("Compound (optional)"))
    photo = forms.FileField(label=_("Photo (optional)"), required=False)
    name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    phone = forms.CharField(label=_("Your phone (optional)"), max_length=30, required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree that my name and phone are used to handle this matter, as the notice above says."
        ),
        required=False,
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, max_length=limits.LINE, label=_("Leave this empty"))
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, community, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = community.children.filter(kind="compound").order_by(
            "order", "name"
        )
        self.fields["compound"].empty_label = _("— not sure / none —")
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_text(self) -> str:
        return _clean_text(self.cleaned_data["text"])

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return check_image(upload)
        except ImageRejected as error:
            raise forms.ValidationError(error.messages) from None

    def clean(self):
        data = super().clean()
        if (data.get("name") or data.get("phone")) and not data.get("consent"):
            self.add_error(
                "consent",
                _("Tick the consent box to leave your name or phone, or leave them empty."),
            )
        return data


class StaffConcernForm(forms.Form):
    """Staff entry of a concern met at the desk, on the phone, on patrol or on a visit."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in Channel.choices if c[0] not in (Channel.FORM, Channel.IMPORT)],
    )
    text = forms.CharField(
        label=_("Concern"), max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )
    compound = forms.ModelChoiceField(queryset=None, required=False, label=_("Compound"))
    grid = forms.ModelChoiceField(queryset=None, required=False, label=_("Grid"))
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(active=True),
        required=False,
        label=_("Category (empty: automatic)"),
    )
    name = forms.CharField(label=_("Reporter's name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Reporter's phone"), max_length=30, required=False)
    consent = forms.BooleanField(
        label=_("The resident agreed that their contact is kept"), required=False
    )

    def __init__(self, *args, community, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = community.children.filter(kind="compound").order_by(
            "order", "name"
        )
        self.fields["grid"].queryset = community.children.filter(kind="grid").order_by(
            "order", "name"
        )

    def clean_text(self) -> str:
        return _clean_text(self.cleaned_data["text"])

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if (data.get("name") or data.get("phone")) and not data.get("consent"):
            self.add_error(
                "consent", _("Personal data can only be kept with the resident's consent.")
            )
        return data


class TicketActionForm(forms.Form):
    action = forms.CharField(max_length=16)
    version = forms.IntegerField(min_value=0)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label=_("Note")
    )
    assignee = forms.ModelChoiceField(
        queryset=None, required=False, label=pgettext_lazy("ticket assignee", "Person")
    )
    unit = forms.CharField(required=False, max_length=100, label=_("Or a unit"))
    answer = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Answer")
    )
    satisfaction = forms.ChoiceField(
        choices=[("", "—"), *Satisfaction.choices], required=False, label=_("Satisfaction")
    )
    new_deadline = forms.DateTimeField(
        required=False,
        label=_("New deadline"),
        widget=DateTimeLocalInput(),
    )
    kind = forms.ChoiceField(choices=TicketKind.choices, required=False)

    def __init__(self, *args, people=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from qiangji.accounts.models import User

        self.fields["assignee"].queryset = people if people is not None else User.objects.none()


class RecategoriseForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(active=True), label=_("Category")
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    source = forms.CharField(
        label=_("Source"),
        max_length=60,
        initial="12345",
        help_text=_("e.g. 12345 or the board's name; the column mapping is remembered per source"),
    )

    def clean_source(self) -> str:
        value = self.cleaned_data["source"].strip()
        if not has_meaningful_text(value):
            raise forms.ValidationError(_("Name the source."))
        return value

"""Forms of the plan editor; text pasted from Word (HTML) is reduced to plain text."""

from __future__ import annotations

import html
import re

from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from qiangji.lib.widgets import DateInput
from qiangji.plans.models import NODE_FIELDS, PLAN_TEXT_FIELDS, NodeKind, Plan, PlanNode

_HTML_HINT = re.compile(
    r"<\s*/?\s*(p|span|div|o:p|br|b|i|u|font|table|tr|td|style|script|meta|html|body|h\d)\b|mso-",
    re.I,
)
_DROP_BLOCKS = re.compile(r"<(style|script|xml|head)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_BREAKS = re.compile(r"<\s*br\s*/?\s*>|</\s*(p|div|li|tr|h\d)\s*>", re.I)


def clean_pasted(text: str) -> str:
    """Return text with any pasted HTML (Word's included) reduced to plain text lines."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if _HTML_HINT.search(text):
        text = _DROP_BLOCKS.sub("", text)
        text = _BREAKS.sub("\n", text)
        text = html.unescape(strip_tags(text)).replace("\xa0", " ")
        text = re.sub(r"[ \t]+\n", "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text)
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
    return text.strip()


class CleanTextMixin:
    """Clean every text input of the form with clean_pasted."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and name not in ("kind",):
                cleaned[name] = clean_pasted(value)
        return cleaned


class VersionedForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    round = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class PlanFieldsForm(CleanTextMixin, forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    round = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = Plan
        fields = PLAN_TEXT_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "goals",
                "concerns",
                "positioning",
                "cases",
                "actors",
                "budget_note",
                "timeline",
            )
        }


class NodeForm(CleanTextMixin, forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    round = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = PlanNode
        fields = NODE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "actors": forms.Textarea(attrs={"rows": 2}),
            "resources": forms.Textarea(attrs={"rows": 2}),
            "venues": forms.Textarea(attrs={"rows": 2}),
            "concerns": forms.Textarea(attrs={"rows": 2}),
            "deadline": DateInput(),
            "budget": forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        }

    #: The fields shown for each kind of node.
    KIND_FIELDS = {
        NodeKind.LINE: ["title", "description"],
        NodeKind.PROJECT: ["title", "description", "actors", "resources", "venues", "concerns"],
        NodeKind.TASK: [
            "title",
            "description",
            "owner",
            "deadline",
            "budget",
            "indicator",
            "target",
            "milestone",
        ],
    }

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        kind = self.instance.kind if self.instance and self.instance.kind else NodeKind.TASK
        keep = set(self.KIND_FIELDS[NodeKind(kind)]) | {"revision", "round"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "title" in self.fields:
            self.fields["title"].widget.attrs["autofocus"] = True
        prefix = f"n{self.instance.pk}" if self.instance.pk else "new"
        for name, bound in self.fields.items():
            bound.widget.attrs.setdefault("id", f"{prefix}-{name}")

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and self.programme is not None:
            if deadline < self.programme.starts_on:
                raise forms.ValidationError(
                    _("The deadline is before the programme starts (%(date)s).")
                    % {"date": self.programme.starts_on.isoformat()}
                )
            if deadline > self.programme.ends_on:
                raise forms.ValidationError(
                    _("The deadline is after the programme ends (%(date)s).")
                    % {"date": self.programme.ends_on.isoformat()}
                )
        return deadline

    def node_values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in NODE_FIELDS}


class AddNodeForm(forms.Form):
    kind = forms.ChoiceField(choices=NodeKind.choices)
    parent = forms.IntegerField(required=False)
    title = forms.CharField(max_length=200)

    def clean_title(self) -> str:
        title = clean_pasted(self.cleaned_data["title"]).replace("\n", " ").strip()
        if not title:
            raise forms.ValidationError(_("A title is required."))
        return title


class MoveForm(forms.Form):
    parent = forms.IntegerField(required=False)
    position = forms.IntegerField(required=False, min_value=0)
    offset = forms.IntegerField(required=False, min_value=-1, max_value=1)


class CloseRoundForm(forms.Form):
    round = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("What changed in this round"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    node_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        body = clean_pasted(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError(_("The comment is empty."))
        return body


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Task table (.xlsx or .csv)"))
    dry_run = forms.BooleanField(
        label=_("Dry run: only show what would change"), required=False, initial=True
    )


class RoundNamesForm(forms.Form):
    names = forms.CharField(
        label=_("Round names, one per line, in order"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=400,
    )

    def clean_names(self) -> list[str]:
        names = [line.strip() for line in clean_pasted(self.cleaned_data["names"]).splitlines()]
        names = [n for n in names if n]
        if not 1 <= len(names) <= 10:
            raise forms.ValidationError(_("Give between 1 and 10 rounds."))
        if any(len(n) > 20 for n in names):
            raise forms.ValidationError(_("A round name has at most 20 characters."))
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Each round needs its own name."))
        return names

"""Forms of the workshops app. Agenda and guests are typed as lines, one item per line."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiangji.lib import limits
from qiangji.lib.editguard import GuardedForm
from qiangji.lib.images import MAX_BYTES, ImageRejected, check_image
from qiangji.lib.widgets import DateInput, TimeInput
from qiangji.territories.models import Territory
from qiangji.workshops.models import (
    Activity,
    ActivityKind,
    Briefing,
    Case,
    CaseTag,
    FeedbackKind,
    IdeaKind,
)

_TIME_LINE = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*(.*)$")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_agenda(text: str) -> list[tuple[dt.time | None, str, str]]:
    """Return (time, item, speaker) for lines like "09:00 开班讲话 | 街道党工委书记"."""
    items = []
    for line in _lines(text):
        when = None
        match = _TIME_LINE.match(line)
        if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
            when = dt.time(int(match.group(1)), int(match.group(2)))
            line = match.group(3).strip()
        title, _sep, speaker = line.partition("|")
        if not title.strip():
            title = speaker
            speaker = ""
        items.append((when, title.strip()[:200], speaker.strip()[:120]))
    return items


def parse_guests(text: str) -> list[tuple[str, str]]:
    """Return (name, title) for lines like "袁方成 | 华中师范大学政治学研究院教授"."""
    guests = []
    for line in _lines(text):
        name, _sep, title = line.replace("｜", "|").partition("|")
        if name.strip():
            guests.append((name.strip()[:50], title.strip()[:120]))
    return guests


def invitable_people(programme):
    """Return the people who hold a role in the programme, its subdistrict or its communities."""
    from django.db.models import Q

    from qiangji.accounts.models import RoleGrant, User

    if programme is None:
        return User.objects.none()
    grants = RoleGrant.objects.filter(
        Q(programme=programme) | Q(territory__path__startswith=programme.subdistrict.path)
    )
    return User.objects.filter(pk__in=grants.values("user_id"), is_active=True).order_by(
        "display_name", "username"
    )


class ActivityForm(GuardedForm, forms.ModelForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends"), widget=TimeInput())
    agenda_text = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_('One item per line, e.g. "09:00 Lecture | speaker".'),
    )
    experts_text = forms.CharField(
        label=_("Invited experts"),
        required=False,
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('One per line: "name | title".'),
    )
    leaders_text = forms.CharField(
        label=_("Attending leaders"),
        required=False,
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('One per line: "name | title".'),
    )

    class Meta:
        model = Activity
        fields = [
            "programme",
            "kind",
            "title",
            "venue",
            "organiser",
            "phase",
            "communities",
            "invitees",
            "summary",
            "outcomes",
            "qr_window_seconds",
        ]
        widgets = {
            "communities": forms.CheckboxSelectMultiple,
            "invitees": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["kind"].choices = ActivityKind.choices
        programme = self.instance.programme if self.instance.programme_id else None
        chosen = str(self.data.get("programme", "")) if self.is_bound else ""
        if programme is None and chosen.isdigit():
            programme = programmes.filter(pk=int(chosen)).first()
        programme = programme or programmes.first()
        self.fields["phase"].queryset = (
            programme.phases.all() if programme else self.fields["phase"].queryset.none()
        )
        self.fields["communities"].queryset = (
            programme.communities.all() if programme else Territory.objects.none()
        )
        self.fields["invitees"].queryset = invitable_people(programme)
        self.fields["invitees"].help_text = _(
            "People of the participating communities, the mentors and the leaders are invited anyway."
        )
        self.fields["qr_window_seconds"].min_value = 15
        if self.instance.pk:
            start = timezone.localtime(self.instance.starts_at)
            end = timezone.localtime(self.instance.ends_at)
            self.initial.update(
                date=start.date(),
                start_time=start.time(),
                end_time=end.time(),
                agenda_text="\n".join(
                    (f"{a.starts_at:%H:%M} " if a.starts_at else "")
                    + a.title
                    + (f" | {a.speaker}" if a.speaker else "")
                    for a in self.instance.agenda.all()
                ),
                experts_text=self._guest_lines("expert"),
                leaders_text=self._guest_lines("leader"),
            )

    def _guest_lines(self, role: str) -> str:
        return "\n".join(
            f"{g.name} | {g.title}" if g.title else g.name
            for g in self.instance.guests.filter(role=role)
        )

    def clean(self):
        data = super().clean()
        date, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if date and start and end:
            tz = timezone.get_current_timezone()
            starts_at = dt.datetime.combine(date, start, tzinfo=tz)
            ends_at = dt.datetime.combine(date, end, tzinfo=tz)
            if ends_at <= starts_at:
                self.add_error("end_time", _("The activity must end after it starts."))
            self.instance.starts_at, self.instance.ends_at = starts_at, ends_at
        programme = data.get("programme")
        phase = data.get("phase")
        if programme and phase and phase.programme_id != programme.pk:
            self.add_error("phase", _("This phase belongs to another programme."))
        if programme and data.get("communities") is not None:
            enrolled = set(programme.communities.values_list("pk", flat=True))
            if any(c.pk not in enrolled for c in data["communities"]):
                self.add_error(
                    "communities", _("Only communities enrolled in the programme can take part.")
                )
        return data


class CardForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=IdeaKind.choices, widget=forms.RadioSelect, initial=IdeaKind.GOAL
    )
    text = forms.CharField(
        label=_("Idea"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    cites_concern = forms.ChoiceField(label=_("Cites a concern"), required=False, choices=())
    cites_case = forms.ModelChoiceField(
        label=_("Cites a case"), required=False, queryset=Case.objects.none()
    )

    def __init__(self, *args, concerns: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cites_case"].queryset = Case.objects.order_by("title")
        self.fields["cites_concern"].choices = [("", "—")] + [(c, c) for c in concerns]
        if not concerns:
            del self.fields["cites_concern"]

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write the idea first."))
        return text


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=300)


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=FeedbackKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Feedback"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


# The uploader's message for each reason lib.images gives (translated in this app's catalogue).
IMAGE_ERRORS = {
    "empty": _("The file is empty."),
    "too_big": _("The picture is larger than 10 MB."),
    "format": _("Only JPEG, PNG, WebP or GIF pictures can be uploaded."),
    "dimensions": _("The picture is too large or too small: 16 to 12000 pixels on a side."),
    "invalid": _("This file is not a picture that can be read (JPEG, PNG, WebP or GIF)."),
}


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=200)
    credit = forms.CharField(label=_("Credit"), max_length=60, required=False, initial="通讯员供图")

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The picture is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        try:
            return check_image(upload)
        except ImageRejected as error:
            message = IMAGE_ERRORS.get(error.code)
            raise forms.ValidationError(message or error.messages) from None


class AddAttendeeForm(forms.Form):
    person = forms.CharField(
        label=_("Username or mobile"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"placeholder": _("Username or mobile"), "aria-label": _("Username or mobile")}
        ),
    )


class StallStartForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Minutes per rotation"), min_value=2, max_value=120, initial=10
    )


class MentorForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=None, required=False)

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors


class CaseForm(GuardedForm, forms.ModelForm):
    tags_text = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=limits.LINE,
        help_text=_("Separated by spaces or commas"),
    )

    class Meta:
        model = Case
        fields = [
            "title",
            "source_community",
            "city",
            "problem",
            "practice",
            "results",
            "lessons",
            "contact_name",
            "contact_phone",
            "is_sample",
            "learned_at",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 3})
            for f in ("problem", "practice", "results", "lessons")
        }

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learned_at"].queryset = activities
        if self.instance.pk:
            self.initial["tags_text"] = " ".join(t.name for t in self.instance.tags.all())

    def tag_names(self) -> list[str]:
        raw = re.split(r"[\s,，、;；]+", self.cleaned_data.get("tags_text") or "")
        return list(dict.fromkeys(t[:30] for t in raw if t))[:12]

    def save_tags(self, case: Case) -> None:
        tags = [CaseTag.objects.get_or_create(name=name)[0] for name in self.tag_names()]
        case.tags.set(tags)


class BriefingForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Briefing
        fields = ["issuer", "issue_number", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}

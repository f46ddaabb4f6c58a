"""Activities (活动), attendance, photos, round-table groups with brainstorm boards,
stall feedback (摆摊), the case library (典型案例) and activity briefings (工作简报)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiangji.lib import limits
from qiangji.programmes.models import Phase, Programme
from qiangji.territories.models import Kind, Territory


class ActivityKind(models.TextChoices):
    LECTURE = "lecture", _("Key-point lecture")
    PRACTICE = "practice", _("Hands-on practice")
    ROUND_TABLE = "round_table", _("Round-table meeting")
    PLAN_TALK = "plan_talk", _("Plan discussion")
    SALON = "salon", _("Secretary salon")
    STUDY_VISIT = "study_visit", _("Study visit")


def _new_secret() -> str:
    return secrets.token_urlsafe(24)


class ActivityQuerySet(models.QuerySet):
    def for_community(self, community: Territory) -> ActivityQuerySet:
        return self.filter(communities=community)

    def visible_to(self, access) -> ActivityQuerySet:
        return self.filter(programme_id__in=access.programme_ids)


class Activity(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="activities", verbose_name=_("Programme")
    )
    phase = models.ForeignKey(
        Phase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("Phase"),
    )
    kind = models.CharField(_("Kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("Title"), max_length=120)
    starts_at = models.DateTimeField(_("Starts at"))
    ends_at = models.DateTimeField(_("Ends at"))
    venue = models.CharField(_("Venue"), max_length=120, blank=True)
    organiser = models.CharField(
        _("Organiser"), max_length=120, help_text=_("e.g. 团城山街道党工委")
    )
    summary = models.TextField(_("What happened"), blank=True, max_length=limits.LONG_TEXT)
    outcomes = models.TextField(_("Outcomes"), blank=True, max_length=limits.LONG_TEXT)
    communities = models.ManyToManyField(
        Territory,
        blank=True,
        related_name="workshop_activities",
        limit_choices_to={"kind": Kind.COMMUNITY},
        verbose_name=_("Participating communities"),
    )
    invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="invited_activities",
        verbose_name=_("Invited people"),
    )
    # Rotating the QR token: a token is valid for its window and the one before it.
    qr_window_seconds = models.PositiveIntegerField(
        _("QR code changes every (seconds)"), default=60
    )
    qr_secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    stall_minutes = models.PositiveSmallIntegerField(_("Minutes per stall rotation"), default=10)
    stall_started_at = models.DateTimeField(_("Stall sharing started at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("Activity")
        verbose_name_plural = _("Activities")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ActivityKind]), name="activity_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(qr_window_seconds__gte=15), name="activity_qr_window_min"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.starts_at

    def duration_label(self) -> str:
        """Return the duration as people say it: "7 小时", "1 小时 30 分钟", "45 分钟"."""
        from django.utils.translation import gettext

        minutes = int(self.duration.total_seconds() // 60)
        hours, rest = divmod(minutes, 60)
        if hours and rest:
            return gettext("%(h)d h %(m)d min") % {"h": hours, "m": rest}
        if hours:
            return gettext("%(h)d hours") % {"h": hours}
        return gettext("%(m)d min") % {"m": rest}

    def is_under_way(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now <= self.ends_at

    def current_stall_rotation(self, now: dt.datetime | None = None) -> int | None:
        """Return the number (1, 2, …) of the stall rotation under way, or None."""
        if not self.stall_started_at or not self.stall_minutes:
            return None
        now = now or timezone.now()
        elapsed = (now - self.stall_started_at).total_seconds()
        if elapsed < 0:
            return None
        return int(elapsed // (self.stall_minutes * 60)) + 1


class Guest(models.Model):
    """An invited expert or an attending leader, named with their title for the briefing."""

    class Role(models.TextChoices):
        EXPERT = "expert", _("Invited expert")
        LEADER = "leader", _("Attending leader")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="guests")
    role = models.CharField(pgettext_lazy("guest", "Role"), max_length=10, choices=Role.choices)
    name = models.CharField(pgettext_lazy("person", "Name"), max_length=50)
    title = models.CharField(_("Title"), max_length=120, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Guest")
        verbose_name_plural = _("Guests")
        ordering = ["activity", "role", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.title}{self.name}" if self.title else self.name


class AgendaItem(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(default=0)
    starts_at = models.TimeField(_("Time"), null=True, blank=True)
    title = models.CharField(_("Item"), max_length=200)
    speaker = models.CharField(_("Speaker"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("Agenda item")
        verbose_name_plural = _("Agenda items")
        ordering = ["activity", "order", "starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        MANUAL = "manual", _("Added by the organiser")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("Activity")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("Person"),
    )
    signed_at = models.DateTimeField(default=timezone.now, verbose_name=_("Signed at"))
    method = models.CharField(
        max_length=10, choices=Method.choices, default=Method.QR, verbose_name=_("Method")
    )
    late = models.BooleanField(_("Late arrival"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Added by"),
    )

    class Meta:
        verbose_name = _("Attendance")
        verbose_name_plural = _("Attendances")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.activity}"


def _photo_path(instance: Photo, filename: str) -> str:
    return f"workshops/photos/{timezone.now():%Y/%m}/{secrets.token_hex(8)}.{filename.rsplit('.', 1)[-1]}"


class Photo(models.Model):
    """A photo of an activity or a case, stored without EXIF; the thumbnail comes later."""

    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("Activity"),
    )
    case = models.ForeignKey(
        "Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("Case"),
    )
    image = models.ImageField(_("Photo"), upload_to=_photo_path)
    thumbnail = models.ImageField(upload_to=_photo_path, blank=True, verbose_name=_("Thumbnail"))
    width = models.PositiveIntegerField(default=0, verbose_name=_("Width"))
    height = models.PositiveIntegerField(default=0, verbose_name=_("Height"))
    caption = models.CharField(_("Caption"), max_length=200)
    credit = models.CharField(_("Credit"), max_length=60, blank=True, default="通讯员供图")
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("Order"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Uploaded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Photo")
        verbose_name_plural = _("Photos")
        ordering = ["order", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(activity__isnull=False) & Q(case__isnull=True))
                | (Q(activity__isnull=True) & Q(case__isnull=False)),
                name="photo_belongs_to_one",
            )
        ]

    def __str__(self) -> str:
        return self.caption


# --- round tables and brainstorm boards -----------------------------------------------
class TableGroup(models.Model):
    """A round-table group: by default one community at one table with its mentor."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="groups", verbose_name=_("Activity")
    )
    number = models.PositiveSmallIntegerField(_("Table number"))
    name = models.CharField(_("Name"), max_length=80)
    community = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Kind.COMMUNITY},
        verbose_name=_("Community"),
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentored_groups",
        verbose_name=_("Mentor"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="table_groups", verbose_name=_("Members")
    )
    # Bumped on every change to the board, so a poll that saw this version is answered 204.
    board_version = models.PositiveIntegerField(default=1)
    board_open = models.BooleanField(_("Board open for new cards"), default=True)

    class Meta:
        verbose_name = _("Round-table group")
        verbose_name_plural = _("Round-table groups")
        ordering = ["activity", "number"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "number"], name="tablegroup_unique_number"),
            models.UniqueConstraint(
                fields=["activity", "community"],
                condition=Q(community__isnull=False),
                name="tablegroup_one_per_community",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def bump(self) -> None:
        """Mark the board as changed for everyone polling it."""
        TableGroup.objects.filter(pk=self.pk).update(board_version=F("board_version") + 1)


class IdeaKind(models.TextChoices):
    GOAL = "goal", _("Goal")
    SLOGAN = "slogan", _("Slogan")
    MAIN_LINE = "main_line", _("Main line")
    STATION = "station", _("Station / project")
    RESOURCE = "resource", _("Resource")
    PROBLEM = "problem", _("Problem")


class IdeaQuerySet(models.QuerySet):
    def with_votes(self) -> IdeaQuerySet:
        return self.annotate(vote_count=Count("votes", distinct=True))


class IdeaCard(models.Model):
    group = models.ForeignKey(TableGroup, on_delete=models.CASCADE, related_name="cards")
    kind = models.CharField(_("Kind"), max_length=12, choices=IdeaKind.choices)
    text = models.CharField(_("Idea"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # A card may cite one of the community's concerns or topics, kept as plain text so the
    # board does not depend on the concerns app being installed.
    cites_concern = models.CharField(_("Cites a concern"), max_length=200, blank=True)
    cites_case = models.ForeignKey(
        "Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cited_by_ideas",
        verbose_name=_("Cites a case"),
    )
    marked = models.BooleanField(_("Marked by the mentor"), default=False)
    to_plan = models.BooleanField(_("To go into the plan"), default=False)
    promoted_at = models.DateTimeField(null=True, blank=True)
    promoted_ref = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("Idea card")
        verbose_name_plural = _("Idea cards")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in IdeaKind]), name="ideacard_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.text


class Vote(models.Model):
    """One dot of one person on one card: the unique constraint counts it once."""

    card = models.ForeignKey(IdeaCard, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Vote")
        verbose_name_plural = _("Votes")
        constraints = [
            models.UniqueConstraint(fields=["card", "voter"], name="vote_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.card_id}"


class CardComment(models.Model):
    card = models.ForeignKey(IdeaCard, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.CharField(_("Comment"), max_length=300)
    by_mentor = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Card comment")
        verbose_name_plural = _("Card comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text


class FeedbackKind(models.TextChoices):
    HIGHLIGHT = "highlight", _("Highlight")
    SUGGESTION = "suggestion", pgettext_lazy("stall feedback", "Suggestion")
    QUESTION = "question", pgettext_lazy("stall feedback", "Question")


class StallFeedback(models.Model):
    """Feedback left at another group's stall (摆摊) during a timed rotation."""

    stall = models.ForeignKey(TableGroup, on_delete=models.CASCADE, related_name="feedback")
    from_group = models.ForeignKey(
        TableGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("Kind"), max_length=12, choices=FeedbackKind.choices)
    text = models.CharField(_("Feedback"), max_length=300)
    rotation = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stall feedback")
        verbose_name_plural = _("Stall feedback entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in FeedbackKind]), name="feedback_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.text


# --- case library ----------------------------------------------------------------------
class CaseTag(models.Model):
    name = models.CharField(_("Tag"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("Case tag")
        verbose_name_plural = _("Case tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """A typical case (典型案例) learned on a study visit or elsewhere."""

    title = models.CharField(_("Title"), max_length=120)
    source_community = models.CharField(_("Source community"), max_length=80)
    city = models.CharField(pgettext_lazy("case", "City"), max_length=40)
    tags = models.ManyToManyField(CaseTag, blank=True, related_name="cases", verbose_name=_("Tags"))
    problem = models.TextField(_("The problem it solves"), max_length=limits.LONG_TEXT)
    practice = models.TextField(_("The practice"), max_length=limits.LONG_TEXT)
    results = models.TextField(
        pgettext_lazy("case", "Results"), blank=True, max_length=limits.LONG_TEXT
    )
    lessons = models.TextField(_("Lessons"), blank=True, max_length=limits.LONG_TEXT)
    contact_name = models.CharField(_("Contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("Contact phone"), max_length=20, blank=True)
    is_sample = models.BooleanField(
        _("Sample text"), default=False, help_text=_("Written for the demo, not a real record")
    )
    subdistrict = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Kind.SUBDISTRICT},
        verbose_name=_("Recorded by"),
    )
    learned_at = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("Learned at"),
    )
    # Normalised text of every field, searched with one LIKE per query term.
    search_text = models.TextField(editable=False, default="", max_length=limits.LONG_TEXT * 5)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("Case")
        verbose_name_plural = _("Cases")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        from qiangji.workshops.search import normalise

        self.search_text = normalise(
            " ".join(
                [
                    self.title,
                    self.source_community,
                    self.city,
                    self.problem,
                    self.practice,
                    self.results,
                    self.lessons,
                ]
            )
        )
        super().save(*args, **kwargs)

    @property
    def masked_contact_phone(self) -> str:
        from qiangji.lib.privacy import mask_phone

        return mask_phone(self.contact_phone)

    @property
    def masked_contact_name(self) -> str:
        from qiangji.lib.privacy import mask_name

        return mask_name(self.contact_name)


# --- briefings -------------------------------------------------------------------------
class Briefing(models.Model):
    """The editable briefing draft (工作简报) of an activity, exported to Word."""

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="briefing", verbose_name=_("Activity")
    )
    issuer = models.CharField(_("Issued by"), max_length=80)
    issue_number = models.CharField(_("Issue"), max_length=40, blank=True)
    title = models.CharField(_("Title"), max_length=120)
    body = models.TextField(
        _("Text"), help_text=_("One paragraph per line"), max_length=limits.DOCUMENT
    )
    version = models.PositiveIntegerField(default=1, verbose_name=_("Version"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Updated by"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Briefing")
        verbose_name_plural = _("Briefings")

    def __str__(self) -> str:
        return self.title

    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]

"""Residents' concerns (居民诉求): the concern, its reporter kept apart, me-too, the ticket."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiangji.lib import limits
from qiangji.lib.files import RandomName
from qiangji.lib.privacy import mask_name, mask_personal_text, mask_phone
from qiangji.lib.text import normalise, normalise_for_search

MAX_TEXT_LENGTH = 5000


def person_key(value: str) -> str:
    """Return a one-way key for a phone or device, to count distinct residents without storing it."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:concern-person:{value}".encode()).hexdigest()
    return digest[:32]


class Channel(models.TextChoices):
    FORM = "form", _("Phone form")
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone call")
    PATROL = "patrol", _("Grid patrol")
    VISIT = "visit", _("Home visit")
    IMPORT = "import", _("Import")


class Category(models.Model):
    """One category of the routing taxonomy; keywords route until a model is trained."""

    name = models.CharField(_("Name"), max_length=40, unique=True)
    keywords = models.TextField(
        _("Keywords"), blank=True, help_text=_("Separated by spaces"), max_length=limits.LINE
    )
    order = models.PositiveIntegerField(_("Order"), default=0)
    active = models.BooleanField(_("Active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("Category")
        verbose_name_plural = _("Categories")

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        return [w for w in normalise(self.keywords).split(" ") if w]


class TicketKind(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    UTILITIES = "utilities", _("Water, power, gas, heating")
    GENERAL = "general", _("General")
    COMPLEX = "complex", _("Complex")


DEFAULT_DEADLINE_HOURS = {
    TicketKind.EMERGENCY: 2,
    TicketKind.UTILITIES: 24,
    TicketKind.GENERAL: 7 * 24,
    TicketKind.COMPLEX: 15 * 24,
}


class DeadlineRule(models.Model):
    """How long a ticket of a kind may take (overrides the defaults 2 h / 24 h / 7 d / 15 d)."""

    kind = models.CharField(_("Kind"), max_length=16, choices=TicketKind.choices, unique=True)
    hours = models.PositiveIntegerField(_("Hours"))

    class Meta:
        verbose_name = _("Deadline rule")
        verbose_name_plural = _("Deadline rules")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.hours} h"

    @staticmethod
    def hours_for(kind: str) -> int:
        """Return the configured hours for a ticket kind, else the default."""
        configured = DeadlineRule.objects.filter(kind=kind).values_list("hours", flat=True).first()
        return configured or DEFAULT_DEADLINE_HOURS.get(
            kind, DEFAULT_DEADLINE_HOURS[TicketKind.GENERAL]
        )


class Reporter(models.Model):
    """A resident's personal data, kept apart from the concern text and purged after retention."""

    name = models.CharField(_("Name"), max_length=50, blank=True)
    phone = models.CharField(_("Phone"), max_length=30, blank=True)
    consent_at = models.DateTimeField(_("Consent given at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True, verbose_name=_("Erased at"))

    class Meta:
        verbose_name = _("Reporter")
        verbose_name_plural = _("Reporters")

    def __str__(self) -> str:
        return self.masked_name or self.masked_phone or "—"

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def erase(self) -> None:
        """Blank every personal field, keeping the row so the concern stays anonymous."""
        self.name = ""
        self.phone = ""
        self.erased_at = timezone.now()
        self.save(update_fields=["name", "phone", "erased_at"])


class ConcernQuerySet(models.QuerySet):
    def in_territory(self, territory) -> ConcernQuerySet:
        """Return the concerns of a community, or of every community below a territory."""
        if territory.kind == "community":
            return self.filter(community_id=territory.pk)
        from qiangji.territories.models import Territory

        communities = Territory.objects.filter(path__startswith=territory.path, kind="community")
        return self.filter(community_id__in=communities.values("pk"))

    def open(self) -> ConcernQuerySet:
        return self.filter(closed_at__isnull=True)

    def public(self) -> ConcernQuerySet:
        """Return the concerns their community made public (residents may see and support)."""
        return self.filter(public=True)

    def roots(self) -> ConcernQuerySet:
        """Return concerns that head a group of near-duplicates (or stand alone)."""
        return self.filter(duplicate_of__isnull=True)

    def search(self, query: str, *, one_community_page: bool = False) -> ConcernQuerySet:
        """Return concerns matching every word of query, whatever script or width (full text).

        one_community_page: the caller orders the result and shows a page of it (see filter_search).
        """
        from qiangji.concerns.search import filter_search

        return filter_search(self, query, one_community_page=one_community_page)


class Concern(models.Model):
    """What a resident raised: verbatim text, its normalised form, category, priority."""

    community = models.ForeignKey(
        "territories.Territory",
        on_delete=models.PROTECT,
        related_name="concerns",
        verbose_name=_("Community"),
    )
    compound = models.ForeignKey(
        "territories.Territory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="compound_concerns",
        verbose_name=_("Compound"),
    )
    grid = models.ForeignKey(
        "territories.Territory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grid_concerns",
        verbose_name=_("Grid"),
    )
    channel = models.CharField(
        _("Channel"), max_length=16, choices=Channel.choices, default=Channel.FORM
    )
    title = models.CharField(_("Title"), max_length=200, blank=True)
    text = models.TextField(_("Text"), max_length=limits.CONCERN)
    # Lower-cased, simplified, half-width form of title + text: what search and analytics read.
    search_text = models.TextField(editable=False, default="", max_length=limits.CONCERN * 3)
    # search_text cut into words, space-joined: what the full-text index reads (search.py).
    search_tokens = models.TextField(editable=False, default="", max_length=limits.CONCERN * 3)
    # A random name, served only through `concerns:photo` (lib.files): never guessable.
    photo = models.ImageField(_("Photo"), upload_to=RandomName("concerns"), blank=True)
    reporter = models.ForeignKey(
        Reporter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("Reporter"),
    )
    # One-way key of the reporter's phone or device: counts distinct residents, reveals nobody.
    reporter_key = models.CharField(max_length=32, blank=True, db_index=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("Category"),
    )
    category_confidence = models.FloatField(default=0.0, verbose_name=_("Category confidence"))
    # When staff replaced the category the machine had chosen (corrections per week).
    category_corrected_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("Category corrected at")
    )
    category_by_staff = models.BooleanField(default=False, verbose_name=_("Category set by staff"))
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("Duplicate of"),
    )
    residents = models.PositiveIntegerField(_("Residents"), default=1)
    me_too_count = models.PositiveIntegerField(_("Me too"), default=0)
    likes = models.PositiveIntegerField(_("Likes"), default=0)
    staff_flag = models.BooleanField(_("Flagged by staff"), default=False)
    # The community chose to show it to residents (the public form's "我也关心" list): hotline
    # imports and walk-ins stay with the staff unless someone decides otherwise.
    public = models.BooleanField(_("Shown to residents"), default=False, db_default=False)
    urgency_factors = models.JSONField(default=list, blank=True)
    care_score = models.FloatField(default=0.0)
    urgency_score = models.FloatField(default=1.0)
    priority_score = models.FloatField(_("Priority"), default=0.0, db_index=True)
    topic = models.ForeignKey(
        "Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("Topic"),
    )
    hot_issue = models.ForeignKey(
        "HotIssue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("Hot issue"),
    )
    # Staff put this concern in its hot issue (or took it out): refits leave it there.
    hot_issue_by_staff = models.BooleanField(
        default=False, db_default=False, verbose_name=_("Hot issue set by staff")
    )
    source = models.CharField(max_length=60, blank=True, verbose_name=_("Source"))
    external_id = models.CharField(max_length=100, blank=True, verbose_name=_("External ID"))
    reported_at = models.DateTimeField(_("Reported at"), default=timezone.now, db_index=True)
    # The latest report of the same matter (this one or a near-duplicate): what recency weighs.
    last_reported_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("Closed at"))
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

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("Concern")
        verbose_name_plural = _("Concerns")
        constraints = [
            # Idempotent import: a row of a source is stored once per community.
            models.UniqueConstraint(
                fields=["community", "source", "external_id"],
                condition=~Q(external_id=""),
                name="concern_unique_external_row",
            ),
            models.CheckConstraint(
                condition=Q(category_confidence__gte=0) & Q(category_confidence__lte=1),
                name="concern_confidence_0_1",
            ),
        ]
        indexes = [
            models.Index(
                fields=["community", "closed_at", "duplicate_of", "-priority_score"],
                name="concern_top_idx",
            ),
            models.Index(fields=["community", "-reported_at"], name="concern_recent_idx"),
            # A concern's page lists its duplicates in time order: with the foreign key's own
            # index SQLite's planner (most rows have no original) walked every concern by date.
            models.Index(fields=["duplicate_of", "reported_at"], name="concern_dups_idx"),
            models.Index(
                fields=["community", "closed_at", "duplicate_of", "-care_score"],
                name="concern_cared_idx",
            ),
            models.Index(
                fields=[
                    "community",
                    "closed_at",
                    "duplicate_of",
                    "-urgency_score",
                    "-priority_score",
                ],
                name="concern_urgent_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.summary

    def save(self, *args, **kwargs) -> None:
        from qiangji.concerns.search import document_tokens

        self.search_text = normalise_for_search(f"{self.title} {self.text}")
        self.search_tokens = document_tokens(self.search_text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "text"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text", "search_tokens"}
        super().save(*args, **kwargs)

    @property
    def summary(self) -> str:
        text = self.title or self.text
        return text[:40] + ("…" if len(text) > 40 else "")

    @property
    def public_text(self) -> str:
        """Return the text with phones, ID numbers, names and door numbers masked (lib.privacy)."""
        return mask_personal_text(self.text)

    @property
    def public_title(self) -> str:
        return mask_personal_text(self.title)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def age_days(self) -> float:
        """Return the days since the matter was last reported (by anyone in its group)."""
        latest = max(self.reported_at, self.last_reported_at or self.reported_at)
        return max((timezone.now() - latest).total_seconds() / 86400, 0.0)


class MeToo(models.Model):
    """A resident who cares about a concern without filing their own ("我也关心")."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="me_toos")
    person_key = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Me-too")
        verbose_name_plural = _("Me-toos")
        constraints = [
            models.UniqueConstraint(fields=["concern", "person_key"], name="metoo_once_per_person")
        ]

    def __str__(self) -> str:
        return f"+1 {self.concern_id}"


class TicketState(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    SIGNED = "signed", _("Signed for")
    HANDLING = "handling", _("Being handled")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Followed up")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY = "fairly", _("Fairly satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class TicketQuerySet(models.QuerySet):
    def overdue(self, now: dt.datetime | None = None) -> TicketQuerySet:
        now = now or timezone.now()
        return self.exclude(state__in=[TicketState.ANSWERED, TicketState.CLOSED]).filter(
            deadline_at__lt=now
        )


class Ticket(models.Model):
    """The work order that follows a concern: 受理→派单→签收→办理→反馈→回访."""

    concern = models.OneToOneField(
        Concern, on_delete=models.CASCADE, related_name="ticket", verbose_name=_("Concern")
    )
    state = models.CharField(
        _("State"), max_length=16, choices=TicketState.choices, default=TicketState.ACCEPTED
    )
    kind = models.CharField(
        _("Kind"), max_length=16, choices=TicketKind.choices, default=TicketKind.GENERAL
    )
    deadline_at = models.DateTimeField(pgettext_lazy("ticket", "Deadline"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concern_tickets",
        verbose_name=_("Assignee"),
    )
    unit = models.CharField(_("Handling unit"), max_length=100, blank=True)
    answer = models.TextField(_("Answer to the resident"), blank=True, max_length=limits.TEXT)
    satisfaction = models.CharField(
        _("Satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    supervised = models.BooleanField(_("Supervised"), default=False)
    extensions = models.PositiveSmallIntegerField(default=0, verbose_name=_("Extensions"))
    returns = models.PositiveSmallIntegerField(default=0, verbose_name=_("Returns"))
    signed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("Signed at"))
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("Answered at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("Closed at"))
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("Ticket")
        verbose_name_plural = _("Tickets")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction="") | Q(state="closed"),
                name="ticket_satisfaction_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_state_display()}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.state not in (TicketState.ANSWERED, TicketState.CLOSED)
            and self.deadline_at < timezone.now()
        )

    @property
    def is_done(self) -> bool:
        return self.state in (TicketState.ANSWERED, TicketState.CLOSED)


class TicketAction(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    DISPATCH = "dispatch", _("Dispatch")
    SIGN = "sign", _("Sign for")
    RETURN = "return", _("Send back")
    START = "start", _("Start handling")
    ANSWER = "answer", _("Answer")
    FOLLOW_UP = "follow_up", _("Follow-up call")
    EXTEND = "extend", _("Extend deadline")
    SUPERVISE = "supervise", _("Supervise")


class TicketEvent(models.Model):
    """One step of a ticket's history: who did what, when, from which state to which."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=TicketAction.choices)
    from_state = models.CharField(max_length=16, choices=TicketState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=TicketState.choices)
    note = models.TextField(blank=True, max_length=limits.TEXT)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Ticket event")
        verbose_name_plural = _("Ticket events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class Topic(models.Model):
    """A hot topic of a territory's open concerns, labelled by its key terms."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="concern_topics"
    )
    number = models.PositiveIntegerField()
    label = models.CharField(max_length=100)
    terms = models.JSONField(default=list)
    size = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Topic")
        verbose_name_plural = _("Topics")
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "number"], name="topic_unique_number")
        ]

    def __str__(self) -> str:
        return self.label


class HotIssueState(models.TextChoices):
    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged")
    DISSOLVED = "dissolved", _("Dissolved")


class HotIssueQuerySet(models.QuerySet):
    def active(self) -> HotIssueQuerySet:
        return self.filter(state=HotIssueState.ACTIVE)

    def in_territory(self, territory) -> HotIssueQuerySet:
        """Return the hot issues with an open concern in the territory (a community or above)."""
        members = Concern.objects.in_territory(territory).open().filter(hot_issue__isnull=False)
        return self.filter(pk__in=members.values("hot_issue_id"))

    def with_heat_inputs(self) -> HotIssueQuerySet:
        """Prefetch what `hotissues.heat_of_issue` reads, so a list explains each heat in O(1) queries."""
        fields = (
            "pk",
            "hot_issue",
            "reporter_key",
            "reported_at",
            "last_reported_at",
            "urgency_factors",
            "likes",
            "me_too_count",
            "staff_flag",
        )
        return self.select_related("ticket").prefetch_related(
            models.Prefetch("concerns", queryset=Concern.objects.only(*fields))
        )


class HotIssue(models.Model):
    """One specific matter many residents raise: place · problem, with its concerns and heat."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="hot_issues"
    )
    label = models.CharField(_("Label"), max_length=120)
    label_by_staff = models.BooleanField(default=False)
    place = models.CharField(_("Place"), max_length=60, blank=True)
    problem = models.CharField(_("Problem"), max_length=60, blank=True)
    places = models.JSONField(default=list, blank=True)
    terms = models.JSONField(default=dict, blank=True)
    size = models.PositiveIntegerField(default=0)
    residents = models.PositiveIntegerField(_("Residents"), default=0)
    likes = models.PositiveIntegerField(default=0)
    me_too = models.PositiveIntegerField(default=0)
    compounds = models.JSONField(default=list, blank=True)
    trend = models.JSONField(default=list, blank=True)
    first_reported_at = models.DateTimeField(null=True, blank=True)
    last_reported_at = models.DateTimeField(null=True, blank=True)
    urgency_factors = models.JSONField(default=list, blank=True)
    care_score = models.FloatField(default=0.0)
    urgency_score = models.FloatField(default=1.0)
    heat = models.FloatField(_("Heat"), default=0.0, db_index=True)
    state = models.CharField(
        max_length=16, choices=HotIssueState.choices, default=HotIssueState.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The one ticket for the whole matter: the ticket of its lead concern; the others follow it.
    ticket = models.OneToOneField(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="hot_issue"
    )
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HotIssueQuerySet.as_manager()

    class Meta:
        ordering = ["-heat", "-pk"]
        verbose_name = _("Hot issue")
        verbose_name_plural = _("Hot issues")
        indexes = [models.Index(fields=["territory", "state", "-heat"], name="hotissue_heat_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def supports(self) -> int:
        return self.likes + self.me_too


class HotIssueModelStore(models.Model):
    """What joining new concerns needs of a territory's last hot-issue fit (names, term space)."""

    territory = models.OneToOneField(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    blob = models.BinaryField()
    fitted_at = models.DateTimeField(default=timezone.now)
    n_concerns = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Hot-issue model")
        verbose_name_plural = _("Hot-issue models")

    def __str__(self) -> str:
        return f"hot issues of {self.territory_id}"


class TopicModelStore(models.Model):
    """The fitted topic model of a territory, so new concerns join topics without a refit."""

    territory = models.OneToOneField(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    blob = models.BinaryField()
    fitted_at = models.DateTimeField(default=timezone.now)
    n_concerns = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Topic model")
        verbose_name_plural = _("Topic models")

    def __str__(self) -> str:
        return f"topics of {self.territory_id}"


class RoutingModelStore(models.Model):
    """A trained routing model; the newest active one routes new concerns."""

    blob = models.BinaryField()
    trained_at = models.DateTimeField(default=timezone.now)
    n_examples = models.PositiveIntegerField(default=0)
    categories = models.JSONField(default=list)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("Routing model")
        verbose_name_plural = _("Routing models")
        ordering = ["-trained_at"]

    def __str__(self) -> str:
        return f"routing model {self.trained_at:%Y-%m-%d %H:%M}"


class ImportState(models.TextChoices):
    PREVIEW = "preview", _("Preview")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportBatch(models.Model):
    """An uploaded CSV/XLSX of concerns: kept for its preview, progress and rejected rows."""

    community = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(_("Source"), max_length=60)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    encoding = models.CharField(max_length=20, blank=True)
    mapping = models.JSONField(default=dict)
    state = models.CharField(
        max_length=16, choices=ImportState.choices, default=ImportState.PREVIEW
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_rows = models.PositiveIntegerField(default=0)
    duplicate_rows = models.PositiveIntegerField(default=0)
    rejects = models.JSONField(default=list)
    error = models.TextField(blank=True, max_length=limits.TEXT)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written with every chunk: silent for TASK_STALE_MINUTES, the worker is taken for dead
    # (`core.recovery`). `runner` names the run that owns the batch, so a run that was given
    # up for dead and wakes up again stops instead of writing beside its successor.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    runner = models.CharField(max_length=32, blank=True)
    recoveries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Import batch")
        verbose_name_plural = _("Import batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_stalled(self) -> bool:
        """Return whether the batch claims to run but gave no heartbeat lately."""
        from qiangji.core.recovery import stale_after

        if self.state not in (ImportState.QUEUED, ImportState.RUNNING):
            return False
        last = self.heartbeat_at or self.created_at
        return last is not None and last < timezone.now() - stale_after()

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.state == ImportState.DONE else 0
        return round(100 * self.processed_rows / self.total_rows)


class ImportMapping(models.Model):
    """The column mapping last used for a source, offered again on its next upload."""

    source = models.CharField(max_length=60, unique=True)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Import mapping")
        verbose_name_plural = _("Import mappings")

    def __str__(self) -> str:
        return self.source

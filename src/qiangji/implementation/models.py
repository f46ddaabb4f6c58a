"""Implementation (落实): an approved plan version becomes tracked items residents can follow.

``Approval`` is the audited 立项 act: the subdistrict approves the latest reviewed version
of a community's plan. ``Delivery`` is the community's tracked plan in a programme (one per
plan): the version in force, the rolled-up progress and its last update. ``Item`` is one
tracked 主线 → 项目/站点 → 任务, linked to its node in the frozen version (``version_node``)
and matched across approved versions by ``node_key``. ``Milestone`` is a dated timeline entry
on an item (entered by hand, or written by a status change, a 督办 press, a spend, an
approval); ``Evidence`` a photo or document of a milestone, checked by content. ``Spend``
records money spent. ``Status`` rows are per programme, each with a default progress.

The progress rule (docs/implementation.md): a leaf's progress is set by people (0–100); a
parent's is the weighted mean of its children that are not cancelled,
``Σ(wᵢ·pᵢ) / Σwᵢ`` — normalised by the sum of weights, so weights need not add up to 1; when
every weight is 0 the plain mean is used; a parent with no live children keeps its own.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiangji.programmes.models import Programme
from qiangji.territories.models import Territory

MAX_BUDGET = Decimal("100000000")
DEFAULT_STALE_DAYS = 14


class Meaning(models.TextChoices):
    """What a status means to the roll-up and the flags (names are the programme's own)."""

    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    DELAYED = "delayed", _("Delayed")


#: The statuses a programme starts with: key, name, default progress (None: keep), meaning.
DEFAULT_STATUSES = [
    ("not_started", "未启动", 0, Meaning.OPEN),
    ("preparing", "筹备中", 20, Meaning.OPEN),
    ("in_progress", "实施中", 50, Meaning.OPEN),
    ("done", "已完成", 100, Meaning.DONE),
    ("cancelled", "已取消", None, Meaning.CANCELLED),
    ("delayed", "延期", None, Meaning.DELAYED),
]


class Status(models.Model):
    """A status of the programme's items, with the progress it sets by default."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="delivery_statuses",
        verbose_name=_("Programme"),
    )
    key = models.SlugField(max_length=30, verbose_name=_("Key"))
    name = models.CharField(pgettext_lazy("status", "Name"), max_length=20)
    default_progress = models.PositiveSmallIntegerField(
        _("Default progress"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Empty: the item keeps its progress."),
    )
    meaning = models.CharField(
        _("Meaning"), max_length=10, choices=Meaning.choices, default=Meaning.OPEN
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("Order"))

    class Meta:
        verbose_name = pgettext_lazy("delivery", "Status")
        verbose_name_plural = _("Statuses")
        ordering = ["programme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="impl_status_unique_key"),
            models.CheckConstraint(
                condition=Q(default_progress__isnull=True) | Q(default_progress__lte=100),
                name="impl_status_progress_0_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Rules(models.Model):
    """A programme's delivery rules: after how many days without an update an item is stuck."""

    programme = models.OneToOneField(
        Programme,
        on_delete=models.CASCADE,
        related_name="delivery_rules",
        verbose_name=_("Programme"),
    )
    stale_days = models.PositiveSmallIntegerField(
        _("Days without an update before an item is flagged"),
        default=DEFAULT_STALE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("Delivery rules")
        verbose_name_plural = _("Delivery rules")

    def __str__(self) -> str:
        return f"{self.programme}: {self.stale_days}"


class Delivery(models.Model):
    """A community's approved plan being delivered: the version in force and its progress."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.PROTECT, related_name="delivery")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="deliveries")
    community = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="deliveries")
    version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("Version")
    )
    brand_name = models.CharField(_("Brand name"), max_length=80, blank=True)
    slogan = models.CharField(_("Slogan"), max_length=120, blank=True)
    progress = models.DecimalField(
        _("Progress"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    approved_at = models.DateTimeField(default=timezone.now)
    last_update_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Delivery")
        verbose_name_plural = _("Deliveries")
        ordering = ["programme", "community__order", "community__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "community"], name="impl_one_delivery_per_community"
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | (Q(progress__gte=0) & Q(progress__lte=100)),
                name="impl_delivery_progress_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community.name} · {self.brand_name}"


class Approval(models.Model):
    """The 立项 act: who approved which plan version, when, and what it changed."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="approvals")
    version = models.ForeignKey("plans.PlanVersion", on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("Note"), max_length=500, blank=True)
    added = models.PositiveIntegerField(default=0)
    kept = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Approval")
        verbose_name_plural = _("Approvals")
        ordering = ["delivery", "approved_at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery} v{self.version_id}"


class Kind(models.TextChoices):
    LINE = "line", _("Main line")
    PROJECT = "project", _("Project or station")
    TASK = "task", _("Task")


class ItemQuerySet(models.QuerySet):
    def live(self) -> ItemQuerySet:
        """Items not cancelled."""
        return self.exclude(status__meaning=Meaning.CANCELLED)

    def unfinished(self) -> ItemQuerySet:
        return self.exclude(status__meaning__in=[Meaning.DONE, Meaning.CANCELLED])

    def overdue(self, today=None) -> ItemQuerySet:
        today = today or timezone.localdate()
        return self.unfinished().filter(deadline__lt=today)

    def stuck(self, before) -> ItemQuerySet:
        """Unfinished items whose last update is older than `before`."""
        return self.unfinished().filter(last_update_at__lt=before)


class Item(models.Model):
    """One tracked main line, project/station or task of an approved plan."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="items", verbose_name=_("Delivery")
    )
    # Denormalised for one-query lists by territory and programme.
    community = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("Community")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("Programme")
    )
    kind = models.CharField(
        pgettext_lazy("plan level", "Kind"), max_length=10, choices=Kind.choices
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("Parent"),
    )
    line = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Main line"),
    )
    node_key = models.UUIDField(
        help_text="The plan node's key: matches items across versions.", verbose_name=_("Node")
    )
    version_node = models.ForeignKey(
        "plans.PlanVersionNode", on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("Reference"), max_length=12, unique=True, editable=False)
    label = models.CharField(max_length=40, blank=True)
    sort_index = models.PositiveIntegerField(default=0)
    title = models.CharField(_("Title"), max_length=200)
    owner = models.CharField(_("Owner"), max_length=80, blank=True)
    started_on = models.DateField(_("Started on"), null=True, blank=True)
    deadline = models.DateField(_("Deadline"), null=True, blank=True)
    budget = models.DecimalField(
        _("Planned budget (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_BUDGET)],
    )
    spent = models.DecimalField(
        _("Spent (yuan)"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    indicator = models.CharField(_("Indicator"), max_length=200, blank=True)
    target = models.CharField(_("Target value"), max_length=80, blank=True)
    actual = models.CharField(_("Actual value"), max_length=80, blank=True)
    status = models.ForeignKey(
        Status, on_delete=models.PROTECT, related_name="items", verbose_name=_("Status")
    )
    progress = models.DecimalField(
        _("Progress"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    weight = models.DecimalField(
        _("Weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1000))],
    )
    cancel_reason = models.CharField(_("Reason for cancelling"), max_length=300, blank=True)
    cancelled_by_plan = models.BooleanField(
        default=False, editable=False, verbose_name=_("Cancelled by the plan")
    )
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("Completed at"))
    last_update_at = models.DateTimeField(default=timezone.now)
    pressed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("Pressed at"))
    press_count = models.PositiveSmallIntegerField(default=0, verbose_name=_("Times pressed"))
    revision = models.PositiveIntegerField(default=1, help_text="Version column.")

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("Item")
        verbose_name_plural = _("Items")
        ordering = ["delivery", "sort_index", "pk"]
        indexes = [
            models.Index(fields=["community", "deadline"], name="impl_item_due"),
            models.Index(fields=["programme", "deadline"], name="impl_item_prog_due"),
            models.Index(fields=["delivery", "sort_index"], name="impl_item_order"),
            models.Index(fields=["parent"], name="impl_item_parent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "node_key"], name="impl_item_unique_key"),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="impl_item_progress_0_100"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="impl_item_weight_positive"),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | (Q(budget__gte=0) & Q(budget__lte=MAX_BUDGET)),
                name="impl_item_budget_sane",
            ),
            models.CheckConstraint(condition=Q(spent__gte=0), name="impl_item_spent_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}".strip()

    def save(self, *args, **kwargs) -> None:
        if not self.reference:
            self.reference = uuid.uuid4().hex[:10].upper()
        super().save(*args, **kwargs)

    @property
    def is_done(self) -> bool:
        return self.status.meaning == Meaning.DONE

    @property
    def is_cancelled(self) -> bool:
        return self.status.meaning == Meaning.CANCELLED

    @property
    def is_finished(self) -> bool:
        return self.status.meaning in (Meaning.DONE, Meaning.CANCELLED)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(self.deadline and self.deadline < today and not self.is_finished)

    def is_stuck(self, stale_days: int, now=None) -> bool:
        now = now or timezone.now()
        return (
            not self.is_finished
            and (now - self.last_update_at).total_seconds() > stale_days * 86400
        )

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.spent > self.budget

    @property
    def fully_specified(self) -> bool:
        return bool(
            self.owner and self.deadline and self.budget is not None and self.indicator
        ) and bool(self.target)


class Milestone(models.Model):
    """A dated entry in an item's timeline: written by hand or by the system."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Progress note")
        STATUS = "status", _("Status change")
        PRESS = "press", _("Pressed (督办)")
        SPEND = "spend", _("Spending")
        APPROVAL = "approval", _("Approval")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="milestones")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    happened_on = models.DateField(_("Date"), default=timezone.localdate)
    title = models.CharField(_("Title"), max_length=200)
    text = models.TextField(_("Text"), max_length=4000, blank=True)
    progress_from = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    progress_to = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    status_from = models.CharField(max_length=20, blank=True)
    status_to = models.CharField(max_length=20, blank=True)
    activities = models.ManyToManyField(
        "workshops.Activity", blank=True, related_name="+", verbose_name=_("Activities")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    public = models.BooleanField(_("Show on the public page"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Milestone")
        verbose_name_plural = _("Milestones")
        ordering = ["-happened_on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["item", "-happened_on"], name="impl_ms_item")]

    def __str__(self) -> str:
        return self.title


def _evidence_path(instance: Evidence, filename: str) -> str:
    return f"implementation/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:6] if dot >= 0 else ""


class Evidence(models.Model):
    """A photo or document of a milestone, checked by content (photos re-encoded, EXIF gone)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=_evidence_path, max_length=200)
    thumbnail = models.FileField(upload_to=_evidence_path, max_length=200, blank=True)
    name = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Evidence")
        verbose_name_plural = _("Evidence")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name or self.kind


class Spend(models.Model):
    """Money spent on an item, with a note (the item's `spent` is their sum)."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="spends", verbose_name=_("Item")
    )
    amount = models.DecimalField(
        _("Amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_BUDGET)],
    )
    spent_on = models.DateField(_("Date"), default=timezone.localdate)
    note = models.CharField(_("Note"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("By"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Spending")
        verbose_name_plural = _("Spendings")
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=MAX_BUDGET), name="impl_spend_sane"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount}"


class ConcernLink(models.Model):
    """A concern (or a topic's concerns) an item answers; item None: the whole plan answers it.

    Built at approval from the frozen version's citations (plans.citations); concerns are
    referred to by id so that the concerns app never depends on this one.
    """

    class Kind(models.TextChoices):
        CONCERN = "concern", _("Concern")
        TOPIC = "topic", _("Topic")
        HOT_ISSUE = "hot_issue", _("Hot issue")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="concern_links")
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.CASCADE, related_name="concern_links"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CONCERN)
    target_id = models.PositiveBigIntegerField()
    text = models.CharField(max_length=200, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    residents_told = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Linked concern")
        verbose_name_plural = _("Linked concerns")
        indexes = [models.Index(fields=["kind", "target_id"], name="impl_link_target")]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "item", "kind", "target_id"], name="impl_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.target_id}"


class ResidentMessage(models.Model):
    """A message queued for a resident whose concern an item answered (no personal data here).

    ``reporter_id`` is the concerns app's Reporter: a sender (SMS gateway) reads the phone
    at send time, and only when the reporter gave consent and has not been erased.
    """

    concern_id = models.PositiveBigIntegerField()
    reporter_id = models.PositiveBigIntegerField()
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Message to a resident")
        verbose_name_plural = _("Messages to residents")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "concern_id", "reporter_id"], name="impl_message_once"
            )
        ]

    def __str__(self) -> str:
        return f"→ reporter {self.reporter_id}"

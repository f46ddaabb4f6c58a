"""Writes of the implementation app: approval (立项), updates, milestones, spends, presses.

Each ``do_*`` function is keyword-only and runs in one transaction. Progress of a parent is
never typed: ``roll_up`` recomputes it from the children (models.py states the rule).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiangji.audit.registry import acting_as, record_event
from qiangji.implementation.evidence import CheckedFile
from qiangji.implementation.models import (
    DEFAULT_STATUSES,
    ConcernLink,
    Delivery,
    Evidence,
    Item,
    Kind,
    Meaning,
    Milestone,
    Rules,
    Spend,
    Status,
)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
FUTURE_DAYS_ALLOWED = 7


class DeliveryError(ValueError):
    """A write that cannot be done; the message says why, for the person who tried."""


# --------------------------------------------------------------------------- statuses


def ensure_statuses(programme) -> dict[str, Status]:
    """Return the programme's statuses by key, creating the defaults the first time.

    ``programme`` is a Programme or its id.
    """
    programme_id = getattr(programme, "pk", programme)
    statuses = {s.key: s for s in Status.objects.filter(programme_id=programme_id)}
    if not statuses:
        Status.objects.bulk_create(
            [
                Status(
                    programme_id=programme_id,
                    key=key,
                    name=name,
                    default_progress=progress,
                    meaning=meaning,
                    order=order,
                )
                for order, (key, name, progress, meaning) in enumerate(DEFAULT_STATUSES)
            ],
            ignore_conflicts=True,
        )
        statuses = {s.key: s for s in Status.objects.filter(programme_id=programme_id)}
    return statuses


def status_for(statuses: dict[str, Status], meaning: str) -> Status:
    """Return the first status (by order) with this meaning."""
    for status in sorted(statuses.values(), key=lambda s: (s.order, s.pk)):
        if status.meaning == meaning:
            return status
    raise DeliveryError(_("The programme has no status meaning “%(m)s”.") % {"m": meaning})


def stale_days(programme) -> int:
    rules = Rules.objects.filter(programme=programme).values_list("stale_days", flat=True).first()
    return rules or Rules._meta.get_field("stale_days").default


# --------------------------------------------------------------------------- approval


def reviewed_numbers(plan) -> set[int]:
    """Return the plan's reviewed version numbers (through the reviews app's interface)."""
    if not apps.is_installed("qiangji.reviews"):
        return set(plan.versions.values_list("number", flat=True))
    from qiangji.reviews.interface import reviewed_version_numbers

    return reviewed_version_numbers(plan)


def approvable_version(plan):
    """Return the plan's latest reviewed version, which alone may be approved, or None."""
    numbers = reviewed_numbers(plan)
    if not numbers:
        return None
    return plan.versions.filter(number=max(numbers)).first()


@dataclass
class ApprovalResult:
    delivery: Delivery
    added: int = 0
    kept: int = 0
    cancelled: int = 0


@transaction.atomic
def do_approve(*, plan, version, by, note: str = "") -> ApprovalResult:
    """Approve (立项) a plan version: its tree becomes tracked items; return what changed.

    A later approved version is matched by node key: kept items take the version's owner,
    deadline, budget and KPI; new nodes become items; items whose node is gone are cancelled
    with a reason (their progress, milestones and spends stay).
    """
    from qiangji.plans.models import Plan, PlanVersion

    plan = Plan.objects.select_for_update().select_related("programme", "community").get(pk=plan.pk)
    latest = approvable_version(plan)
    if latest is None:
        raise DeliveryError(_("No version of this plan has been reviewed yet."))
    if version.plan_id != plan.pk or version.pk != latest.pk:
        raise DeliveryError(
            _("Only the latest reviewed version (version %(n)d) can be approved.")
            % {"n": latest.number}
        )
    version = PlanVersion.objects.get(pk=version.pk)
    delivery = Delivery.objects.filter(plan=plan).first()
    if delivery is not None and delivery.version_id == version.pk:
        raise DeliveryError(_("This version is already approved."))
    statuses = ensure_statuses(plan.programme)
    not_started = status_for(statuses, Meaning.OPEN)
    cancelled = status_for(statuses, Meaning.CANCELLED)
    now = timezone.now()
    fields = version.fields or {}
    if delivery is None:
        delivery = Delivery.objects.create(
            plan=plan,
            programme=plan.programme,
            community=plan.community,
            version=version,
            brand_name=fields.get("brand_name", "")[:80],
            slogan=fields.get("slogan", "")[:120],
            approved_at=now,
            last_update_at=now,
        )
    else:
        delivery.version = version
        delivery.brand_name = fields.get("brand_name", "")[:80]
        delivery.slogan = fields.get("slogan", "")[:120]
        delivery.approved_at = now
        delivery.save()
    result = ApprovalResult(delivery=delivery)
    existing = {item.node_key: item for item in delivery.items.select_related("status")}
    nodes = list(version.nodes.all())
    by_key: dict = {}
    seen = set()
    to_update: list[Item] = []
    for node in nodes:
        seen.add(node.key)
        parent = by_key.get(node.parent_key)
        item = existing.get(node.key)
        values = {
            "kind": node.kind,
            "label": node.label[:40],
            "sort_index": node.sort_index,
            "title": node.title,
            "owner": node.owner,
            "deadline": node.deadline,
            "budget": node.budget,
            "indicator": node.indicator,
            "target": node.target,
            "version_node": node,
            "parent": parent,
            "line": (parent.line or parent) if parent is not None else None,
        }
        if item is None:
            item = Item(
                delivery=delivery,
                community=plan.community,
                programme=plan.programme,
                node_key=node.key,
                status=not_started,
                progress=Decimal(not_started.default_progress or 0),
                last_update_at=now,
                **values,
            )
            item.save()
            result.added += 1
        else:
            for name, value in values.items():
                setattr(item, name, value)
            if item.status.meaning == Meaning.CANCELLED and item.cancelled_by_plan:
                # Back in the plan after being removed: open again where it stood.
                item.status = not_started
                item.cancel_reason = ""
                item.cancelled_by_plan = False
            to_update.append(item)
            result.kept += 1
        by_key[node.key] = item
    Item.objects.bulk_update(
        to_update,
        [
            "kind",
            "label",
            "sort_index",
            "title",
            "owner",
            "deadline",
            "budget",
            "indicator",
            "target",
            "version_node",
            "parent",
            "line",
            "status",
            "cancel_reason",
            "cancelled_by_plan",
        ],
        batch_size=500,
    )
    reason = _("Removed by version %(n)d of the plan (approval change)") % {"n": version.number}
    for key, item in existing.items():
        if key in seen or item.status.meaning == Meaning.CANCELLED:
            continue
        _change_status(item, cancelled, by=by, note=reason, at=now)
        item.cancel_reason = reason[:300]
        item.cancelled_by_plan = True
        item.save(
            update_fields=[
                "status",
                "cancel_reason",
                "cancelled_by_plan",
                "last_update_at",
                "revision",
            ]
        )
        result.cancelled += 1
    _link_citations(delivery, version, by_key)
    approval = delivery.approvals.create(
        version=version,
        approved_by=by,
        approved_at=now,
        note=(note or "")[:500],
        added=result.added,
        kept=result.kept,
        cancelled=result.cancelled,
    )
    roll_up_delivery(delivery)
    with acting_as(by):
        record_event(
            instance=delivery,
            note=gettext_lazy("Approved v%(number)s (立项)"),
            note_args={"number": version.number},
            changes={
                "version": [None, version.number],
                "added": [None, result.added],
                "cancelled": [None, result.cancelled],
                "approval": [None, approval.pk],
            },
        )
    return result


def _link_citations(delivery: Delivery, version, by_key: dict) -> None:
    """Link the version's cited concerns/topics/hot issues to the items of the citing nodes."""
    rows = []
    kinds = {c.value for c in ConcernLink.Kind}
    for citation in version.citations.all():
        if citation.kind not in kinds:
            continue  # cases are followed from the plans app (plans_citing)
        item = by_key.get(citation.node_key) if citation.node_key else None
        rows.append(
            ConcernLink(
                delivery=delivery,
                item=item,
                kind=citation.kind,
                target_id=citation.target_id,
                text=citation.text[:200],
            )
        )
    ConcernLink.objects.bulk_create(rows, ignore_conflicts=True)


# --------------------------------------------------------------------------- roll-up


def weighted_progress(children: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Return Σ(w·p)/Σw of (progress, weight) pairs; the plain mean when Σw is 0; None if none."""
    if not children:
        return None
    total_weight = sum((w for _p, w in children), Decimal(0))
    if total_weight > 0:
        value = sum((p * w for p, w in children), Decimal(0)) / total_weight
    else:
        value = sum((p for p, _w in children), Decimal(0)) / len(children)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _children_values(parent_id: int) -> list[tuple[Decimal, Decimal]]:
    return list(
        Item.objects.filter(parent_id=parent_id)
        .exclude(status__meaning=Meaning.CANCELLED)
        .order_by()
        .values_list("progress", "weight")
    )


def roll_up(item: Item, *, by=None) -> None:
    """Recompute the progress of the item's ancestors, then its delivery's (a few queries).

    A parent's status follows its parts: 100% makes it done, work under way moves it from
    not started (or back from done) to in progress; a cancelled or delayed parent keeps its
    status. Each such change is written on its timeline like any other.
    """
    parent_id = item.parent_id
    statuses = None
    while parent_id is not None:
        value = weighted_progress(_children_values(parent_id))
        parent = Item.objects.select_related("status").get(pk=parent_id)
        if value is not None and value != parent.progress:
            Item.objects.filter(pk=parent_id).update(progress=value)
        if value is not None and _parent_status_may_change(parent.status, value):
            statuses = statuses or ensure_statuses(item.programme_id)
            target = _parent_status(parent.status, value, statuses)
            if target is not None and target.pk != parent.status_id:
                _change_status(parent, target, by=by, note=_("Follows its parts"))
                parent.completed_at = timezone.now() if target.meaning == Meaning.DONE else None
                parent.save(update_fields=["status", "last_update_at", "revision", "completed_at"])
        parent_id = parent.parent_id
    _delivery_from_lines(item.delivery_id)


def _parent_status_may_change(current: Status, value: Decimal) -> bool:
    if current.meaning in (Meaning.CANCELLED, Meaning.DELAYED):
        return False
    if value >= HUNDRED:
        return current.meaning != Meaning.DONE
    return value > 0 and (current.meaning == Meaning.DONE or current.key == "not_started")


def _parent_status(current: Status, value: Decimal, statuses: dict[str, Status]) -> Status | None:
    if current.meaning in (Meaning.CANCELLED, Meaning.DELAYED):
        return None
    if value >= HUNDRED:
        return status_for(statuses, Meaning.DONE)
    if value > 0 and (current.meaning == Meaning.DONE or current.key == "not_started"):
        return statuses.get("in_progress")
    return None


def _delivery_from_lines(delivery_id: int) -> Decimal | None:
    lines = list(
        Item.objects.filter(delivery_id=delivery_id, parent__isnull=True)
        .exclude(status__meaning=Meaning.CANCELLED)
        .order_by()
        .values_list("progress", "weight")
    )
    progress = weighted_progress(lines)
    Delivery.objects.filter(pk=delivery_id).update(progress=progress)
    return progress


def roll_up_delivery(delivery: Delivery) -> None:
    """Recompute every parent of a delivery bottom-up (tasks → projects → lines → delivery)."""
    rows = list(
        delivery.items.exclude(status__meaning=Meaning.CANCELLED).values_list(
            "pk", "parent_id", "kind", "progress", "weight"
        )
    )
    progress_of = {pk: progress for pk, _parent, _kind, progress, _w in rows}
    for level in (Kind.PROJECT, Kind.LINE):
        children: dict[int, list[tuple[Decimal, Decimal]]] = {}
        for pk, parent, _kind, _progress, weight in rows:
            if parent is not None:
                children.setdefault(parent, []).append((progress_of[pk], weight))
        for pk, _parent, kind, _progress, _weight in rows:
            if kind != level or pk not in children:
                continue
            value = weighted_progress(children[pk])
            if value is not None and value != progress_of[pk]:
                Item.objects.filter(pk=pk).update(progress=value)
                progress_of[pk] = value
    delivery.progress = _delivery_from_lines(delivery.pk)


# --------------------------------------------------------------------------- updates


@dataclass
class UpdateResult:
    saved: bool
    item: Item
    conflict: bool = False
    theirs: dict = field(default_factory=dict)
    milestone: Milestone | None = None


def _change_status(item: Item, status: Status, *, by, note: str = "", at=None) -> Milestone:
    """Set the item's status and write the timeline entry that records the change."""
    at = at or timezone.now()
    before = item.status
    milestone = Milestone.objects.create(
        item=item,
        source=Milestone.Source.STATUS,
        happened_on=timezone.localdate(at),
        title=_("Status: %(a)s → %(b)s") % {"a": before.name, "b": status.name},
        text=note[:4000],
        status_from=before.name,
        status_to=status.name,
        author=by,
        created_at=at,
    )
    item.status = status
    item.last_update_at = at
    item.revision = F("revision") + 1
    return milestone


def _check_progress(value) -> Decimal:
    try:
        progress = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        raise DeliveryError(_("Progress must be a number from 0 to 100.")) from None
    if not progress.is_finite() or progress < 0 or progress > HUNDRED:
        raise DeliveryError(_("Progress must be a number from 0 to 100."))
    return progress.quantize(CENT, rounding=ROUND_HALF_UP)


def check_milestone_date(item: Item, happened_on: dt.date) -> None:
    """Raise DeliveryError for a date before the item started or more than a week ahead."""
    today = timezone.localdate()
    if happened_on > today + dt.timedelta(days=FUTURE_DAYS_ALLOWED):
        raise DeliveryError(_("A milestone cannot be dated more than a week ahead."))
    started = item.started_on or timezone.localdate(item.delivery.approved_at)
    if happened_on < started:
        raise DeliveryError(
            _("A milestone cannot be dated before the item started (%(d)s).")
            % {"d": started.isoformat()}
        )


@transaction.atomic
def do_update_item(
    *,
    item: Item,
    by,
    progress=None,
    status: Status | None = None,
    actual: str | None = None,
    note: str = "",
    photos: list[CheckedFile] | None = None,
    documents: list[CheckedFile] | None = None,
    expected_revision: int | None = None,
    happened_on: dt.date | None = None,
    reason: str = "",
) -> UpdateResult:
    """Record a progress update (progress, status, KPI actual, a note, photos); return it.

    With ``expected_revision`` older than the row's, the progress/status change is not
    applied (the result carries the saved values as ``theirs``), but the note and the files
    are kept as a milestone: evidence never conflicts, so nothing is lost.
    """
    item = Item.objects.select_for_update().select_related("status", "delivery").get(pk=item.pk)
    photos, documents = photos or [], documents or []
    happened_on = happened_on or timezone.localdate()
    if item.is_cancelled and progress is not None:
        raise DeliveryError(_("This item is cancelled; its progress cannot change."))
    if status is not None and status.programme_id != item.programme_id:
        raise DeliveryError(_("Unknown status."))
    if progress is not None:
        progress = _check_progress(progress)
        if item.kind != Kind.TASK and item.children.exists():
            raise DeliveryError(
                _("The progress of a line or project is computed from its parts; update those.")
            )
    if status is not None and status.meaning == Meaning.CANCELLED and not reason.strip():
        raise DeliveryError(_("Say why the item is cancelled."))
    if note or photos or documents:
        check_milestone_date(item, happened_on)
    conflict = expected_revision is not None and int(expected_revision) != item.revision
    result = UpdateResult(saved=not conflict, item=item, conflict=conflict)
    now = timezone.now()
    before_meaning = item.status.meaning
    before_progress = item.progress
    if conflict:
        result.theirs = {
            "progress": item.progress,
            "status": item.status.name,
            "actual": item.actual,
            "last_update_at": item.last_update_at,
        }
    else:
        changed = []
        if status is None and progress is not None:
            status = _status_for_progress(item, progress)
        if status is not None and status.pk != item.status_id:
            _change_status(item, status, by=by, note=reason or note, at=now)
            changed.append("status")
            if progress is None and status.default_progress is not None:
                progress = Decimal(status.default_progress)
            if status.meaning == Meaning.CANCELLED:
                item.cancel_reason = reason.strip()[:300]
                changed.append("cancel_reason")
        if progress is not None and progress != item.progress:
            item.progress = progress
            changed.append("progress")
        if actual is not None and actual != item.actual:
            item.actual = actual[:80]
            changed.append("actual")
        if item.started_on is None and (progress or 0) > 0:
            item.started_on = timezone.localdate()
            changed.append("started_on")
        if item.status.meaning == Meaning.DONE and item.completed_at is None:
            item.completed_at = now
            changed.append("completed_at")
        elif item.status.meaning != Meaning.DONE and item.completed_at is not None:
            item.completed_at = None
            changed.append("completed_at")
        item.last_update_at = now
        if "status" not in changed:
            item.revision = F("revision") + 1
        with acting_as(by):
            item.save(update_fields=sorted({*changed, "last_update_at", "revision"}))
        item.revision = expected_revision + 1 if expected_revision is not None else None
        if item.revision is None:
            item.refresh_from_db(fields=["revision"])
    if note or photos or documents or (result.saved and progress is not None):
        title = note.strip().splitlines()[0][:200] if note.strip() else _("Progress update")
        milestone = Milestone.objects.create(
            item=item,
            source=Milestone.Source.MANUAL,
            happened_on=happened_on,
            title=title,
            text=note[:4000],
            progress_from=before_progress if result.saved else None,
            progress_to=item.progress if result.saved else None,
            author=by,
            created_at=now,
        )
        _attach(milestone, photos, documents)
        result.milestone = milestone
    Delivery.objects.filter(pk=item.delivery_id).update(last_update_at=now)
    if result.saved:
        roll_up(item, by=by)
        if item.status.meaning == Meaning.DONE and before_meaning != Meaning.DONE:
            transaction.on_commit(lambda: close_the_loop(item_id=item.pk))
    return result


def _status_for_progress(item: Item, progress: Decimal) -> Status | None:
    """Return the status a bare progress change implies (100: done, >0: under way), or None."""
    if progress >= HUNDRED and item.status.meaning == Meaning.DONE:
        return None
    if (
        0 < progress < HUNDRED
        and item.status.meaning != Meaning.DONE
        and item.status.key != "not_started"
    ):
        return None
    if progress == 0 and item.status.meaning != Meaning.DONE:
        return None
    statuses = ensure_statuses(item.programme_id)
    if progress >= HUNDRED:
        return status_for(statuses, Meaning.DONE)
    if item.status.meaning == Meaning.DONE:
        return statuses.get("in_progress") or status_for(statuses, Meaning.OPEN)
    if progress > 0 and item.status.meaning == Meaning.OPEN and item.status.key == "not_started":
        return statuses.get("in_progress")
    return None


def _attach(milestone: Milestone, photos: list[CheckedFile], documents: list[CheckedFile]) -> None:
    from django.core.files.base import ContentFile

    for checked in [*photos, *documents]:
        evidence = Evidence(
            milestone=milestone,
            kind=checked.kind,
            name=checked.name[:120],
            content_type=checked.content_type,
            size=len(checked.data),
            width=checked.width,
            height=checked.height,
        )
        evidence.file.save(f"e.{checked.extension}", ContentFile(checked.data), save=False)
        if checked.thumbnail:
            evidence.thumbnail.save("t.jpg", ContentFile(checked.thumbnail), save=False)
        evidence.save()


@transaction.atomic
def do_add_milestone(
    *,
    item: Item,
    by,
    title: str,
    text: str = "",
    happened_on: dt.date,
    photos: list[CheckedFile] | None = None,
    documents: list[CheckedFile] | None = None,
    activities=(),
    public: bool = True,
) -> Milestone:
    """Add a dated milestone with its evidence and the activities held for the item."""
    item = Item.objects.select_related("delivery").get(pk=item.pk)
    check_milestone_date(item, happened_on)
    if not title.strip():
        raise DeliveryError(_("Give the milestone a title."))
    milestone = Milestone.objects.create(
        item=item,
        happened_on=happened_on,
        title=title.strip()[:200],
        text=text[:4000],
        author=by,
        public=public,
    )
    _attach(milestone, photos or [], documents or [])
    if activities:
        milestone.activities.set(activities)
    now = timezone.now()
    Item.objects.filter(pk=item.pk).update(last_update_at=now)
    Delivery.objects.filter(pk=item.delivery_id).update(last_update_at=now)
    return milestone


@transaction.atomic
def do_add_spend(*, item: Item, by, amount, note: str, spent_on: dt.date) -> Spend:
    """Record money spent on an item; the item's spent total follows."""
    if not note.strip():
        raise DeliveryError(_("Say what the money was spent on."))
    try:
        amount = Decimal(str(amount)).quantize(CENT)
    except (ArithmeticError, ValueError):
        raise DeliveryError(_("Enter an amount in yuan.")) from None
    if amount <= 0 or amount > Decimal("100000000"):
        raise DeliveryError(_("Enter an amount between 0.01 and 100,000,000 yuan."))
    if spent_on > timezone.localdate():
        raise DeliveryError(_("Money cannot be spent in the future."))
    with acting_as(by):
        spend = Spend.objects.create(
            item=item, amount=amount, note=note.strip()[:300], spent_on=spent_on, by=by
        )
    total = item.spends.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    Item.objects.filter(pk=item.pk).update(spent=total, last_update_at=timezone.now())
    item.spent = total
    Milestone.objects.create(
        item=item,
        source=Milestone.Source.SPEND,
        happened_on=spent_on,
        title=_("Spent %(amount)s yuan: %(note)s") % {"amount": amount, "note": note.strip()[:100]},
        author=by,
        public=False,
    )
    return spend


@transaction.atomic
def do_press(*, item: Item, by, note: str = "") -> Milestone:
    """督办: the subdistrict presses an item; recorded on its timeline, the owners are told."""
    now = timezone.now()
    Item.objects.filter(pk=item.pk).update(pressed_at=now, press_count=F("press_count") + 1)
    milestone = Milestone.objects.create(
        item=item,
        source=Milestone.Source.PRESS,
        title=_("Pressed by the subdistrict (督办)"),
        text=note[:4000],
        author=by,
        public=False,
    )
    with acting_as(by):
        record_event(
            instance=item,
            note=gettext_lazy("Pressed (督办)"),
            changes={"pressed": [None, note[:100]]},
        )
    _tell_workers(item, by=by, note=note)
    return milestone


def _tell_workers(item: Item, *, by, note: str) -> None:
    from django.urls import reverse

    from qiangji.accounts.models import Role, RoleGrant
    from qiangji.notifications.actions import do_notify

    users = [
        grant.user
        for grant in RoleGrant.objects.filter(
            territory_id=item.community_id,
            role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF],
        ).select_related("user")
    ]
    do_notify(
        recipients=users,
        kind="delivery_pressed",
        title=_("Pressed (督办): %(title)s") % {"title": item.title[:80]},
        url=reverse("implementation:item", args=[item.pk]),
        body=note[:500],
        group_key=f"implementation:press:{item.pk}",
    )


@transaction.atomic
def do_link_concern(
    *, item: Item | None, delivery: Delivery, concern_id: int, text: str = ""
) -> ConcernLink:
    """Link a concern to an item (or to the whole plan when item is None)."""
    link, _created = ConcernLink.objects.get_or_create(
        delivery=delivery,
        item=item,
        kind=ConcernLink.Kind.CONCERN,
        target_id=concern_id,
        defaults={"text": text[:200]},
    )
    if item is not None and item.status.meaning == Meaning.DONE:
        transaction.on_commit(lambda: close_the_loop(item_id=item.pk))
    return link


# --------------------------------------------------------------------------- closing the loop


def close_the_loop(*, item_id: int) -> int:
    """Tell the residents behind the concerns a completed item answers; return how many.

    Each linked concern is marked resolved by the item; its reporter is told when they left
    a phone with consent (a queued message names no one: the sender reads the phone at send
    time), residents who only said "我也关心" see it on the concern's public page.
    """
    from qiangji.implementation.residents import tell_residents

    item = Item.objects.select_related("status", "delivery", "community").get(pk=item_id)
    if item.status.meaning != Meaning.DONE:
        return 0
    links = list(item.concern_links.filter(resolved_at__isnull=True))
    told = 0
    now = timezone.now()
    for link in links:
        count = tell_residents(link=link, item=item)
        ConcernLink.objects.filter(pk=link.pk).update(resolved_at=now, residents_told=count)
        told += count
    return told

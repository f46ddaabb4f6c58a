"""Writes that span models: filing a concern, me-too, the ticket cycle, topics, privacy."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qiangji.concerns.analysis import dedup
from qiangji.concerns.analysis.routing import fit_with_threshold
from qiangji.concerns.analysis.topics import TopicModel
from qiangji.concerns.filing import (  # noqa: F401 — the actions' public names, as before
    DUPLICATE_WINDOW,
    EMERGENCY_RE,
    MAX_LIKES,
    UTILITIES_RE,
    ConcernError,
    _regroup,
    _regroup_many,
    _ticket_kind,
    active_routing_model,
    auto_threshold,
    concerns_imported,
    ensure_default_categories,
    load_territory_words,
    needs_routing_q,
    priorities_of,
    priority_of,
    refresh_priority,
    route_texts,
    routing_figures,
    routing_retrain_due,
    routing_suggestions,
    validate_text,
)
from qiangji.concerns.models import (
    Category,
    Channel,
    Concern,
    DeadlineRule,
    MeToo,
    Reporter,
    RoutingModelStore,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketState,
    Topic,
    TopicModelStore,
)
from qiangji.lib.text import normalise

# Staff corrections between two retrainings of the routing model.
RETRAIN_EVERY = 20
MIN_TRAINING_EXAMPLES = 20


def do_train_routing(*, by=None) -> RoutingModelStore | None:
    """Train a routing model on every concern staff categorised or imported with a category."""
    rows = list(
        Concern.objects.filter(category_by_staff=True, category__isnull=False).values_list(
            "text", "category__name"
        )
    )
    labels = [r[1] for r in rows]
    if len(rows) < MIN_TRAINING_EXAMPLES or len(set(labels)) < 2:
        return None
    # The model with the confidence from which it routes without a person (98 % right on
    # out-of-fold predictions of the training texts).
    model, _threshold = fit_with_threshold([r[0] for r in rows], labels)
    with transaction.atomic():
        RoutingModelStore.objects.filter(active=True).update(active=False)
        store = RoutingModelStore.objects.create(
            blob=model.to_bytes(), n_examples=len(rows), categories=sorted(set(labels))
        )
    return store


# --- filing -------------------------------------------------------------------------------
def find_duplicate(community, text: str, *, exclude_pk: int | None = None) -> Concern | None:
    """Return the open concern of the community that reports the same matter, if any."""
    candidates = list(
        Concern.objects.filter(community=community)
        .open()
        .roots()
        .exclude(pk=exclude_pk)
        .order_by("-reported_at")
        .only("pk", "title", "text")[:DUPLICATE_WINDOW]
    )
    matches = dedup.similar(
        text,
        [f"{c.title} {c.text}" for c in candidates],
        limit=1,
        threshold=dedup.DUPLICATE_THRESHOLD,
    )
    return candidates[matches[0].index] if matches else None


def similar_open_concerns(community, text: str, *, limit: int = 5) -> list[tuple[Concern, float]]:
    """Return open public concerns of the community like text, best first, for "我也关心".

    Anyone may ask (the resident form, no account), so only concerns the community made
    public are candidates; the page shows their `public_text`.
    """
    candidates = list(
        Concern.objects.filter(community=community)
        .open()
        .public()
        .roots()
        .order_by("-reported_at")
        .only("pk", "title", "text", "residents", "me_too_count", "reported_at")[:DUPLICATE_WINDOW]
    )
    matches = dedup.similar(text, [f"{c.title} {c.text}" for c in candidates], limit=limit)
    return [(candidates[m.index], m.score) for m in matches]


@transaction.atomic
def do_file_concern(
    *,
    community,
    text: str,
    title: str = "",
    channel: str = Channel.FORM,
    compound=None,
    grid=None,
    reporter_name: str = "",
    reporter_phone: str = "",
    consent: bool = False,
    person: str = "",
    photo=None,
    by=None,
    reported_at: dt.datetime | None = None,
    likes: int = 0,
    source: str = "",
    external_id: str = "",
    category: Category | None = None,
    assign_topic: bool = True,
) -> Concern:
    """Create a concern with its ticket, routed, grouped with its near-duplicates, prioritised.

    Personal data is stored only with consent; `person` (a phone, or a device id for the
    public form) is kept only as a one-way key that counts distinct residents.
    """
    from qiangji.concerns.models import person_key

    text = validate_text(text)
    load_territory_words()
    title = (title or "").replace("\x00", "").strip()[:200]
    if compound is not None and compound.parent_id != community.pk:
        raise ConcernError(_("The compound is not in this community."))
    if grid is not None and grid.parent_id != community.pk:
        raise ConcernError(_("The grid is not in this community."))
    reporter = None
    reporter_name, reporter_phone = (
        (reporter_name or "").strip()[:50],
        (reporter_phone or "").strip()[:30],
    )
    if reporter_name or reporter_phone:
        if not consent:
            raise ConcernError(_("Personal data can only be kept with the resident's consent."))
        reporter = Reporter.objects.create(
            name=reporter_name, phone=reporter_phone, consent_at=timezone.now()
        )
    key_source = reporter_phone or person
    concern = Concern(
        community=community,
        compound=compound,
        grid=grid,
        channel=channel,
        title=title,
        text=text,
        reporter=reporter,
        reporter_key=person_key(key_source) if key_source else "",
        likes=min(max(int(likes or 0), 0), MAX_LIKES),
        source=source,
        external_id=external_id,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        reported_at=reported_at or timezone.now(),
    )
    if photo:
        concern.photo = photo
    if category is not None:
        concern.category, concern.category_confidence, concern.category_by_staff = (
            category,
            1.0,
            True,
        )
    else:
        concern.category, concern.category_confidence = route_texts([f"{title} {text}"])[0]
    duplicate = find_duplicate(community, f"{title} {text}")
    if duplicate is not None:
        concern.duplicate_of = duplicate
    concern.save()
    kind = _ticket_kind(f"{title} {text}")
    ticket = Ticket.objects.create(
        concern=concern,
        kind=kind,
        deadline_at=concern.reported_at + dt.timedelta(hours=DeadlineRule.hours_for(kind)),
    )
    TicketEvent.objects.create(
        ticket=ticket,
        action=TicketAction.ACCEPT,
        to_state=TicketState.ACCEPTED,
        by=concern.created_by,
        note=_("Filed via %(channel)s") % {"channel": concern.get_channel_display()},
    )
    if assign_topic:
        _assign_topic(concern)
    refresh_priority(concern)
    if duplicate is not None:
        _regroup(duplicate)
    from qiangji.concerns.hotissues import join_hot_issues

    join_hot_issues([concern])
    return concern


def do_me_too(*, concern: Concern, person: str) -> bool:
    """Record that a resident also cares; return False when they already had."""
    from qiangji.concerns.models import person_key

    root = concern.duplicate_of or concern
    try:
        with transaction.atomic():
            MeToo.objects.create(concern=root, person_key=person_key(person))
    except IntegrityError:
        return False
    Concern.objects.filter(pk=root.pk).update(me_too_count=F("me_too_count") + 1)
    root.refresh_from_db()
    refresh_priority(root)
    return True


@transaction.atomic
def do_recategorise(*, concern: Concern, category: Category, by) -> Concern:
    """Set a concern's category as staff decided; every RETRAIN_EVERY corrections retrain.

    Replacing the category the machine chose counts as a correction (its time is kept for the
    corrections per week); confirming it does not.
    """
    if not concern.category_by_staff and concern.category_id != category.pk:
        concern.category_corrected_at = timezone.now()
    concern.category = category
    concern.category_confidence = 1.0
    concern.category_by_staff = True
    concern.save(
        update_fields=[
            "category",
            "category_confidence",
            "category_by_staff",
            "category_corrected_at",
            "updated_at",
        ]
    )
    corrections = Concern.objects.filter(category_by_staff=True).count()
    if corrections >= MIN_TRAINING_EXAMPLES and corrections % RETRAIN_EVERY == 0:
        transaction.on_commit(lambda: routing_retrain_due.send(sender=Concern))
    return concern


# --- the ticket cycle --------------------------------------------------------------------
# action: (states it may start from, state it leads to; None keeps the state). The forward
# steps come first: the page opens the first allowed action as the next step.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    TicketAction.DISPATCH: ((TicketState.ACCEPTED,), TicketState.DISPATCHED),
    TicketAction.SIGN: ((TicketState.DISPATCHED,), TicketState.SIGNED),
    TicketAction.START: ((TicketState.SIGNED,), TicketState.HANDLING),
    TicketAction.ANSWER: ((TicketState.HANDLING,), TicketState.ANSWERED),
    TicketAction.FOLLOW_UP: ((TicketState.ANSWERED,), TicketState.CLOSED),
    TicketAction.RETURN: ((TicketState.DISPATCHED, TicketState.SIGNED), TicketState.ACCEPTED),
    TicketAction.EXTEND: (
        (TicketState.ACCEPTED, TicketState.DISPATCHED, TicketState.SIGNED, TicketState.HANDLING),
        None,
    ),
    TicketAction.SUPERVISE: (
        (
            TicketState.ACCEPTED,
            TicketState.DISPATCHED,
            TicketState.SIGNED,
            TicketState.HANDLING,
            TicketState.ANSWERED,
        ),
        None,
    ),
}


def allowed_actions(ticket: Ticket) -> list[str]:
    """Return the actions that may be taken on a ticket in its current state."""
    return [action for action, (sources, _target) in TRANSITIONS.items() if ticket.state in sources]


@transaction.atomic
def do_ticket_action(
    *,
    ticket: Ticket,
    action: str,
    by,
    note: str = "",
    version: int | None = None,
    assignee=None,
    unit: str = "",
    answer: str = "",
    satisfaction: str = "",
    new_deadline: dt.datetime | None = None,
) -> Ticket:
    """Move a ticket one step of its cycle; refuse a step that does not apply or a stale form."""
    locked = Ticket.objects.select_for_update().select_related("concern").get(pk=ticket.pk)
    if version is not None and locked.version != version:
        raise ConcernError(_("Someone else changed this ticket meanwhile; please look again."))
    if action not in TRANSITIONS:
        raise ConcernError(_("Unknown action."))
    from qiangji.concerns.hotissues import after_ticket_action, following_ticket

    lead = following_ticket(locked)
    if lead is not None:
        raise ConcernError(
            _("This concern follows the ticket of its hot issue (#%(pk)d); act on that one.")
            % {"pk": lead.pk}
        )
    sources, target = TRANSITIONS[action]
    if locked.state not in sources:
        raise ConcernError(
            _("“%(action)s” is not possible while the ticket is “%(state)s”.")
            % {"action": TicketAction(action).label, "state": locked.get_state_display()}
        )
    now = timezone.now()
    note = (note or "").strip()[:2000]
    from_state = locked.state
    if action == TicketAction.DISPATCH:
        if assignee is None and not unit.strip():
            raise ConcernError(_("Choose a person or name a unit to dispatch to."))
        locked.assignee, locked.unit = assignee, unit.strip()[:100]
    elif action == TicketAction.RETURN:
        if not note:
            raise ConcernError(_("Say why the ticket is sent back."))
        locked.returns += 1
        locked.assignee = None
    elif action == TicketAction.SIGN:
        locked.signed_at = now
    elif action == TicketAction.ANSWER:
        answer = (answer or note).strip()
        if not answer:
            raise ConcernError(_("Write the answer given to the resident."))
        locked.answer = answer[:5000]
        locked.answered_at = now
    elif action == TicketAction.FOLLOW_UP:
        if satisfaction not in ("satisfied", "fairly", "unsatisfied"):
            raise ConcernError(_("Record the resident's satisfaction."))
        locked.satisfaction = satisfaction
        locked.closed_at = now
    elif action == TicketAction.EXTEND:
        if new_deadline is None or new_deadline <= max(now, locked.deadline_at):
            raise ConcernError(_("The new deadline must be later than the current one."))
        if not note:
            raise ConcernError(_("Say why the deadline is extended."))
        locked.deadline_at = new_deadline
        locked.extensions += 1
    elif action == TicketAction.SUPERVISE:
        locked.supervised = True
    if target is not None:
        locked.state = target
    locked.version += 1
    locked.save()
    TicketEvent.objects.create(
        ticket=locked,
        action=action,
        from_state=from_state,
        to_state=locked.state,
        note=note,
        by=by,
        at=now,
    )
    concern = locked.concern
    if action == TicketAction.FOLLOW_UP:
        _close_group(concern, now)
    refresh_priority(concern)
    after_ticket_action(locked)
    if action == TicketAction.DISPATCH and locked.assignee is not None:
        _notify_dispatch(locked)
    return locked


def _close_group(concern: Concern, now: dt.datetime) -> None:
    Concern.objects.filter(pk=concern.pk).update(closed_at=now)
    Concern.objects.filter(duplicate_of=concern, closed_at__isnull=True).update(closed_at=now)
    concern.closed_at = now


def _notify_dispatch(ticket: Ticket) -> None:
    from django.urls import reverse

    from qiangji.notifications.actions import do_notify

    do_notify(
        recipients=[ticket.assignee],
        kind="ticket_dispatched",
        title=_("Ticket dispatched to you: %(summary)s") % {"summary": ticket.concern.summary},
        url=reverse("concerns:detail", args=[ticket.concern_id]),
        group_key=f"ticket-{ticket.pk}",
    )


# --- topics -------------------------------------------------------------------------------
def _assign_topic(concern: Concern) -> None:
    """Put a new concern into the nearest topic of its community's fitted model, if any."""
    store = TopicModelStore.objects.filter(territory_id=concern.community_id).first()
    if store is None:
        return
    try:
        model = TopicModel.from_bytes(bytes(store.blob))
    except Exception:  # noqa: BLE001 — a stale or corrupt model must never block filing
        return
    number, _similarity = model.assign([f"{concern.title} {concern.text}"])[0]
    if number is None:
        return
    topic = Topic.objects.filter(territory_id=concern.community_id, number=number).first()
    if topic is not None:
        concern.topic = topic
        Concern.objects.filter(pk=concern.pk).update(topic=topic)
        Topic.objects.filter(pk=topic.pk).update(size=F("size") + 1)


@transaction.atomic
def do_refresh_topics(*, territory) -> list[Topic]:
    """Refit the hot topics of a territory's open concerns and store them with their model."""
    load_territory_words()
    concerns = list(
        Concern.objects.in_territory(territory)
        .open()
        .roots()
        .only("pk", "title", "text", "priority_score")
    )
    Concern.objects.in_territory(territory).filter(topic__territory=territory).update(topic=None)
    Topic.objects.filter(territory=territory).delete()
    if not concerns:
        TopicModelStore.objects.filter(territory=territory).delete()
        return []
    model = TopicModel().fit([f"{c.title} {c.text}" for c in concerns])
    topics = []
    for topic in model.topics:
        if not topic.members:
            continue
        members = [concerns[i] for i in topic.members]
        row = Topic.objects.create(
            territory=territory,
            number=topic.number,
            label=topic.label[:100],
            terms=topic.terms,
            size=len(members),
            score=round(sum(c.priority_score for c in members), 2),
        )
        Concern.objects.filter(pk__in=[c.pk for c in members]).update(topic=row)
        topics.append(row)
    TopicModelStore.objects.update_or_create(
        territory=territory,
        defaults={
            "blob": model.to_bytes(),
            "fitted_at": timezone.now(),
            "n_concerns": len(concerns),
        },
    )
    return topics


# --- privacy -----------------------------------------------------------------------------
def do_erase_reporter(*, reporter: Reporter) -> int:
    """Erase one resident's personal data; return how many concerns stay, anonymised."""
    reporter.erase()
    return reporter.concerns.count()


def do_purge_personal_data(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Erase the personal data of reporters whose concerns all closed before the retention cut-off."""
    cutoff = (now or timezone.now()) - older_than
    stale = (
        Reporter.objects.filter(erased_at__isnull=True, created_at__lt=cutoff)
        .exclude(concerns__closed_at__isnull=True)
        .exclude(concerns__closed_at__gte=cutoff)
    )
    count = 0
    for reporter in stale.distinct():
        reporter.erase()
        count += 1
    return count


# --- bulk import --------------------------------------------------------------------------
IMPORT_CHUNK = 2000  # rows per transaction and progress step
IMPORT_MAX_RECOVERIES = 2  # automatic resumes after a dead worker; then the person decides


class ImportSuperseded(Exception):  # noqa: N818 — a state, not a failure
    """Another run owns the batch now (this one was taken for dead): stop without writing."""


def do_run_import(*, batch) -> None:
    """Store the batch's valid rows not yet stored; progress and rejects are saved as it goes.

    Each chunk and its progress (counters, rejects, heartbeat) commit in one transaction, so
    the counters always say what was written. After an interruption the run resumes after
    the last committed chunk with the counters it had; rows stored before are found by
    their key. A run whose batch was handed to another run (see `do_recover_import`) stops.
    """
    import secrets

    from qiangji.concerns import importing
    from qiangji.concerns.models import ImportBatch, ImportMapping, ImportState
    from qiangji.territories.models import Territory

    importing.TIMER.start()
    runner = secrets.token_hex(8)
    batch = ImportBatch.objects.select_related("community").get(pk=batch.pk)
    mine = ImportBatch.objects.filter(pk=batch.pk, runner=runner)
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportState.RUNNING, error="", runner=runner, heartbeat_at=timezone.now()
    )
    try:
        table = importing.read_table(batch.filename, bytes(batch.content))
        importing.TIMER.lap("read")
    except importing.ImportFileError as exc:
        mine.update(state=ImportState.FAILED, error=str(exc))
        return
    ImportMapping.objects.update_or_create(source=batch.source, defaults={"mapping": batch.mapping})
    community = batch.community
    compounds = {c.name: c for c in Territory.objects.filter(parent=community, kind="compound")}
    categories = {c.name: c for c in Category.objects.all()}
    rows = list(importing.parse_rows(table, batch.mapping))
    parse_rejects = [{"line": r.line, "error": r.error, "raw": r.raw} for r in rows if r.error]
    good = [r for r in rows if not r.error]
    existing = set(
        Concern.objects.filter(community=community, source=batch.source).values_list(
            "external_id", flat=True
        )
    )
    importing.TIMER.lap("parse")
    # A run that was interrupted left its counters exactly at its last committed chunk.
    done = min(max(batch.processed_rows - len(parse_rejects), 0), len(good))
    if done:
        created, duplicates, rejects = batch.created_rows, batch.duplicate_rows, batch.rejects
    else:
        created, duplicates, rejects = 0, 0, parse_rejects
    processed = len(parse_rejects) + done
    seen: set[str] = {row.values["key"] for row in good[:done]}
    compact_of: dict[int, str] = {}  # the chunks' near-duplicate candidates, normalised once
    if not mine.update(
        total_rows=len(rows), rejects=rejects, processed_rows=processed, heartbeat_at=timezone.now()
    ):
        return
    try:
        for start in range(done, len(good), IMPORT_CHUNK):
            chunk = good[start : start + IMPORT_CHUNK]
            fresh = []
            for row in chunk:
                key = row.values["key"]
                if key in existing or key in seen:
                    duplicates += 1
                    continue
                seen.add(key)
                fresh.append(row)
            items = [
                {
                    "line": row.line,
                    "raw": row.raw,
                    "title": row.values.get("title", ""),
                    "text": row.values.get("text", ""),
                    "compound": compounds.get(normalise(row.values.get("compound", ""))),
                    "reported_at": row.values.get("reported_at") or None,
                    "likes": row.values.get("likes") or 0,
                    "category": categories.get(normalise(row.values.get("category", ""))),
                    "external_id": row.values["key"],
                }
                for row in fresh
            ]
            importing.TIMER.lap("items")
            with transaction.atomic():
                added, refused = do_bulk_file_concerns(
                    community=community,
                    items=items,
                    source=batch.source,
                    by=batch.uploaded_by,
                    compact_of=compact_of,
                )
                importing.TIMER.lap("commit")
                progress = {
                    "processed_rows": processed + len(chunk),
                    "created_rows": created + added,
                    "duplicate_rows": duplicates,
                    "heartbeat_at": timezone.now(),
                }
                if refused:  # the list is rewritten only when it grew
                    progress["rejects"] = rejects + refused
                if not mine.update(**progress):
                    raise ImportSuperseded
            created += added
            rejects = rejects + refused
            processed += len(chunk)
            importing.TIMER.lap("progress")
    except ImportSuperseded:
        return
    # Imported categories are labelled history: learn from them; new concerns change topics
    # and hot issues (`tasks` enqueues that work on this signal).
    if created:
        labelled = any(item.values.get("category") for item in good)
        transaction.on_commit(
            lambda: concerns_imported.send(
                sender=Concern, community_id=community.pk, labelled=labelled
            )
        )
    mine.update(
        state=ImportState.DONE,
        processed_rows=len(rows),
        created_rows=created,
        duplicate_rows=duplicates,
        rejects=rejects,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


def abandoned_imports(cutoff: dt.datetime):
    """Return the batches still "running" whose last heartbeat is older than cutoff."""
    from django.db.models import Q

    from qiangji.concerns.models import ImportBatch, ImportState

    return (
        ImportBatch.objects.filter(state=ImportState.RUNNING)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
        .defer("content")
    )


def running_import(args: list):
    """Return the batch `run_import(*args)` works on if it still claims to run, else None."""
    from qiangji.concerns.models import ImportBatch, ImportState

    if len(args) != 1 or not isinstance(args[0], int):
        return None
    return (
        ImportBatch.objects.filter(pk=args[0], state=ImportState.RUNNING).defer("content").first()
    )


def do_recover_import(batch) -> str | None:
    """Take over an abandoned batch: queue it again, or fail it after too many tries.

    Return "resumed", "failed", or None when another worker took it over first.
    """
    from qiangji.concerns.models import ImportBatch, ImportState

    claim = ImportBatch.objects.filter(pk=batch.pk, state=ImportState.RUNNING, runner=batch.runner)
    if batch.recoveries < IMPORT_MAX_RECOVERIES:
        taken = claim.update(
            state=ImportState.QUEUED, runner="", recoveries=batch.recoveries + 1, error=""
        )
        return "resumed" if taken else None
    taken = claim.update(
        state=ImportState.FAILED,
        runner="",
        error=_(
            "The import stopped when its worker ended, and again after each restart. "
            "%(done)s of %(total)s rows were handled; press “Run again” to continue from there."
        )
        % {"done": batch.processed_rows, "total": batch.total_rows},
    )
    return "failed" if taken else None


@transaction.atomic
def do_bulk_file_concerns(
    *, community, items: list[dict], source: str, by=None, compact_of: dict | None = None
) -> tuple[int, list[dict]]:
    """File many imported concerns at once; return how many were stored and the refused rows.

    The same steps as `do_file_concern`, done per batch: one routing call, one near-duplicate
    grouping of the batch together with the community's recent open concerns, one insert per
    table and chunk (raw multi-row INSERTs on SQLite, `COPY` on PostgreSQL: `importing.store_items`).
    """
    from qiangji.concerns.importing import store_items

    return store_items(
        community=community, items=items, source=source, by=by, compact_of=compact_of
    )


def do_notify_overdue(*, now: dt.datetime | None = None, since: dt.datetime | None = None) -> int:
    """Tell each assignee (else the community's secretaries) about their overdue tickets.

    With `since`, only tickets whose deadline passed after that moment (the frequent run that
    catches newly overdue tickets); without it, every overdue ticket (the morning reminder).
    """
    from django.urls import reverse

    from qiangji.accounts.models import Role, RoleGrant
    from qiangji.notifications.actions import do_notify

    posted = 0
    overdue = Ticket.objects.overdue(now).select_related("concern__community", "assignee")
    if since is not None:
        overdue = overdue.filter(deadline_at__gte=since)
    secretaries: dict[int, list] = {}
    for ticket in overdue.iterator():
        recipients = [ticket.assignee] if ticket.assignee_id else None
        if recipients is None:
            community_id = ticket.concern.community_id
            if community_id not in secretaries:
                secretaries[community_id] = [
                    grant.user
                    for grant in RoleGrant.objects.filter(
                        territory_id=community_id, role=Role.COMMUNITY_SECRETARY
                    ).select_related("user")
                ]
            recipients = secretaries[community_id]
        posted += do_notify(
            recipients=recipients,
            kind="work_overdue",
            title=_("Overdue ticket: %(summary)s") % {"summary": ticket.concern.summary},
            url=reverse("concerns:detail", args=[ticket.concern_id]),
            group_key=f"ticket-overdue-{ticket.pk}",
        )
    return posted

"""What filing a concern needs, one at a time (`actions`) or in bulk (`importing`).

Both the actions and the bulk importer build on this module and it on neither, so the three
modules no longer import each other in a circle (`tests/test_import_graph.py` checks that no
module of the app does): validation, routing, the user dictionary, ticket kind, priority and
the near-duplicate group counts.
"""

from __future__ import annotations

import datetime as dt
import re
import threading

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qiangji.concerns.analysis.priority import priority
from qiangji.concerns.analysis.routing import RoutingModel
from qiangji.concerns.models import (
    MAX_TEXT_LENGTH,
    Category,
    Concern,
    RoutingModelStore,
    TicketKind,
)
from qiangji.lib.text import has_meaningful_text, normalise

# How many of a community's open concerns a new one is compared with for duplicates.
DUPLICATE_WINDOW = 500
# Likes beyond this are an export's error, and would overflow the column.
MAX_LIKES = 1_000_000

EMERGENCY_RE = re.compile(
    "困人|被困|起火|火灾|失火|着火|燃气泄漏|煤气泄漏|漏电|触电|坍塌|倒塌|爆管|坠落"
)
UTILITIES_RE = re.compile("停水|断水|没水|停电|断电|没电|停气|燃气|天然气|暖气|供暖|供热|水管|跳闸")

# Sent by the actions when background work is due; `tasks` connects the receivers that
# enqueue it, so the actions never import the tasks (which import the actions).
from django.dispatch import Signal  # noqa: E402

routing_retrain_due = Signal()
concerns_imported = Signal()  # kwargs: community_id, labelled (bool)


class ConcernError(ValueError):
    """A concern or ticket request that cannot be carried out; the message is for the person."""


# --- routing ------------------------------------------------------------------------------
_model_cache: dict[str, object] = {}
_model_lock = threading.Lock()


def active_routing_model() -> RoutingModel | None:
    """Return the newest active trained routing model (cached per process by its id)."""
    row = RoutingModelStore.objects.filter(active=True).only("pk").first()
    if row is None:
        return None
    with _model_lock:
        if _model_cache.get("pk") != row.pk:
            blob = RoutingModelStore.objects.values_list("blob", flat=True).get(pk=row.pk)
            _model_cache["model"] = RoutingModel.from_bytes(bytes(blob))
            _model_cache["pk"] = row.pk
        return _model_cache["model"]  # type: ignore[return-value]


def ensure_default_categories() -> None:
    """Create the default taxonomy when the table is empty (a fresh or flushed database)."""
    if Category.objects.exists():
        return
    import importlib

    defaults = importlib.import_module(
        "qiangji.concerns.migrations.0002_default_categories"
    ).DEFAULTS
    for order, (name, keywords) in enumerate(defaults):
        Category.objects.get_or_create(name=name, defaults={"keywords": keywords, "order": order})


AUTO_NEVER = 1.01  # a threshold no confidence reaches: every concern waits for a person
ROUTING_WINDOW_DAYS = 28  # the window of the routing figures on the concerns page


def auto_threshold() -> float:
    """Return the confidence from which a concern is routed without a person.

    Chosen when the model is trained, on its training texts alone, so that at least 98 % of
    what is routed by itself is right (`analysis.routing.fit_with_threshold`). Without a
    trained model (keyword routing) nothing is routed by itself.
    """
    model = active_routing_model()
    if model is None:
        return AUTO_NEVER
    return float(getattr(model, "auto_threshold", AUTO_NEVER))


def needs_routing_q(threshold: float | None = None) -> Q:
    """The concerns that wait for a person to confirm their category (below the threshold)."""
    threshold = auto_threshold() if threshold is None else threshold
    return Q(category_by_staff=False) & (
        Q(category__isnull=True) | Q(category_confidence__lt=threshold)
    )


def routing_suggestions(concern: Concern, k: int = 2) -> list[tuple[Category, float]]:
    """Return the k most likely categories of a concern with their confidences, best first."""
    categories = {c.name: c for c in Category.objects.filter(active=True)}
    text = f"{concern.title} {concern.text}"
    model = active_routing_model()
    if model is not None:
        return [
            (categories[r.category], r.confidence)
            for r in model.predict_top([text], k=k)[0]
            if r.category in categories
        ]
    hits = _keyword_hits(normalise(text), [(c, c.keyword_list()) for c in categories.values()])
    total = sum(h[0] for h in hits) or 1
    return [(c, round(min(0.6, n / total * 0.6), 4)) for n, c in hits[:k]]


def routing_figures(concerns) -> dict:
    """Return the share routed without a person and the corrections per week, last 4 weeks.

    `concerns` is the queryset a page lists (its territory); two aggregate queries.
    """
    since = timezone.now() - dt.timedelta(days=ROUTING_WINDOW_DAYS)
    threshold = auto_threshold()
    recent = concerns.filter(reported_at__gte=since)
    counts = recent.aggregate(
        total=Count("pk"),
        auto=Count("pk", filter=~needs_routing_q(threshold)),
        waiting=Count("pk", filter=needs_routing_q(threshold) & Q(closed_at__isnull=True)),
    )
    corrections = concerns.filter(category_corrected_at__gte=since).count()
    total = counts["total"]
    return {
        "total": total,
        "auto_share": counts["auto"] / total if total else None,
        "waiting": counts["waiting"],
        "corrections_per_week": corrections / (ROUTING_WINDOW_DAYS / 7),
        "threshold": threshold,
        "days": ROUTING_WINDOW_DAYS,
    }


def _keyword_hits(norm: str, keyword_lists) -> list[tuple[int, Category]]:
    hits = [(sum(norm.count(w) for w in words), c) for c, words in keyword_lists]
    hits = [h for h in hits if h[0] > 0]
    hits.sort(key=lambda h: (-h[0], h[1].order))
    return hits


def route_texts(texts: list[str]) -> list[tuple[Category | None, float]]:
    """Return a category and confidence per text: from the trained model, else from keywords."""
    categories = {c.name: c for c in Category.objects.filter(active=True)}
    if not categories:
        ensure_default_categories()
        categories = {c.name: c for c in Category.objects.filter(active=True)}
    model = active_routing_model()
    if model is not None:
        return [(categories.get(r.category), r.confidence) for r in model.predict(texts)]
    out: list[tuple[Category | None, float]] = []
    keyword_lists = [(c, c.keyword_list()) for c in categories.values()]
    for text in texts:
        hits = _keyword_hits(normalise(text), keyword_lists)
        if not hits:
            out.append((categories.get("其他"), 0.0))
            continue
        total = sum(h[0] for h in hits)
        # Keyword routing is a guess: its confidence is the share of keyword hits, at most 0.6.
        out.append((hits[0][1], round(min(0.6, hits[0][0] / total * 0.6), 4)))
    return out


# --- the user dictionary -------------------------------------------------------------------
_territory_words_state: dict[str, int] = {}


def load_territory_words() -> None:
    """Add the names of communities, compounds and grids to the segmenter's user dictionary.

    Names are added with and without their level suffix (石榴园社区 and 石榴园), so they stay
    whole words, and topic labels leave them out (they say where, not what). Reloaded when
    the number of territories changes.
    """
    from qiangji.lib.text import default_segmenter
    from qiangji.territories.models import Kind, Territory

    count = Territory.objects.count()
    if _territory_words_state.get("count") == count:
        return
    names = Territory.objects.filter(
        kind__in=[Kind.COMMUNITY, Kind.COMPOUND, Kind.SUBDISTRICT]
    ).values_list("name", flat=True)
    words = set()
    for name in names:
        words.add(name)
        stem = re.sub(r"(社区|小区|街道|网格)$", "", name)
        if len(stem) >= 2:
            words.add(stem)
    default_segmenter().add_words(sorted(words))
    _territory_words_state["count"] = count


def _ticket_kind(text: str) -> str:
    norm = normalise(text)
    if EMERGENCY_RE.search(norm):
        return TicketKind.EMERGENCY
    if UTILITIES_RE.search(norm):
        return TicketKind.UTILITIES
    return TicketKind.GENERAL


def _current_priority(concern: Concern):
    """Return the Priority of a concern now: the one computation behind its badge and its tooltip."""
    deadline = ""
    ticket = getattr(concern, "ticket", None) if concern.pk else None
    if ticket is not None and not ticket.is_done:
        left = (ticket.deadline_at - timezone.now()).total_seconds()
        deadline = "overdue" if left < 0 else ("soon" if left < 86400 else "")
    return priority(
        text=f"{concern.title} {concern.text}",
        residents=concern.residents,
        me_too=concern.me_too_count,
        likes=concern.likes,
        age_days=concern.age_days,
        deadline=deadline,
        staff_flag=concern.staff_flag or bool(ticket and ticket.supervised),
    )


def refresh_priority(concern: Concern, *, save: bool = True) -> Concern:
    """Recompute a concern's priority from its group, me-too, likes, age, text and ticket."""
    result = _current_priority(concern)
    concern.urgency_factors = list(result.factors)
    concern.care_score = result.care
    concern.urgency_score = result.urgency
    concern.priority_score = result.score
    if save and concern.pk:
        Concern.objects.filter(pk=concern.pk).update(
            urgency_factors=concern.urgency_factors,
            care_score=result.care,
            urgency_score=result.urgency,
            priority_score=result.score,
        )
    return concern


def priority_of(concern: Concern):
    """Return the Priority breakdown of a concern, and bring its stored figure up to date.

    The badge shows the stored `priority_score` and the tooltip this breakdown: both come from
    `_current_priority`, and a figure that drifted since the nightly refresh (age, a deadline
    coming near) is stored again, so the two never disagree.
    """
    result = _current_priority(concern)
    if concern.pk and concern.priority_score != result.score:
        refresh_priority(concern)
    return result


def priorities_of(concerns) -> list:
    """`priority_of` for a list: the drifted figures are stored again in one query."""
    results, stale = [], {}
    for concern in concerns:
        result = _current_priority(concern)
        results.append(result)
        if concern.pk and concern.priority_score != result.score:
            concern.urgency_factors = list(result.factors)
            concern.care_score = result.care
            concern.urgency_score = result.urgency
            concern.priority_score = result.score
            stale[concern.pk] = concern
    if stale:
        Concern.objects.bulk_update(
            list(stale.values()),
            ["urgency_factors", "care_score", "urgency_score", "priority_score"],
        )
    return results


def _regroup(root: Concern) -> None:
    """Recount the distinct residents and likes of a group into its root and reprioritise it."""
    members = list(Concern.objects.filter(pk=root.pk) | Concern.objects.filter(duplicate_of=root))
    keys = {m.reporter_key or f"#{m.pk}" for m in members}
    root.residents = len(keys)
    root.likes = sum(m.likes for m in members)
    root.last_reported_at = max(m.reported_at for m in members)
    Concern.objects.filter(pk=root.pk).update(
        residents=root.residents, likes=root.likes, last_reported_at=root.last_reported_at
    )
    refresh_priority(root)


def _regroup_many(root_ids) -> None:
    """`_regroup` for many groups at once: three queries whatever their number (bulk import)."""
    root_ids = sorted(set(root_ids))
    if not root_ids:
        return
    roots = list(Concern.objects.filter(pk__in=root_ids).select_related("ticket"))
    keys: dict[int, set[str]] = {pk: set() for pk in root_ids}
    likes: dict[int, int] = dict.fromkeys(root_ids, 0)
    latest: dict[int, dt.datetime] = {}
    members = Concern.objects.filter(
        Q(pk__in=root_ids) | Q(duplicate_of_id__in=root_ids)
    ).values_list("pk", "duplicate_of_id", "reporter_key", "likes", "reported_at")
    for pk, duplicate_of, key, liked, reported_at in members:
        group = pk if pk in keys else duplicate_of
        keys[group].add(key or f"#{pk}")
        likes[group] += liked
        latest[group] = max(latest.get(group, reported_at), reported_at)
    for root in roots:
        root.residents = len(keys[root.pk])
        root.likes = likes[root.pk]
        root.last_reported_at = latest.get(root.pk, root.reported_at)
        refresh_priority(root, save=False)
    Concern.objects.bulk_update(
        roots,
        [
            "residents",
            "likes",
            "last_reported_at",
            "urgency_factors",
            "care_score",
            "urgency_score",
            "priority_score",
        ],
        batch_size=500,
    )


def validate_text(text: str) -> str:
    """Return the text trimmed, or raise ConcernError when it is empty, emoji-only or too long."""
    # No database text column can hold NUL; it never carries meaning in a concern.
    text = (text or "").replace("\x00", "").strip()
    if not has_meaningful_text(text):
        raise ConcernError(_("Please describe the matter in words (not only symbols or emoji)."))
    if len(text) > MAX_TEXT_LENGTH:
        raise ConcernError(
            _("Please keep the description under %(n)d characters.") % {"n": MAX_TEXT_LENGTH}
        )
    return text

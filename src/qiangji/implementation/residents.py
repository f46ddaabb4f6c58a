"""Closing the loop: which residents stand behind a linked concern, and telling them.

Read through the concerns app's public model fields (never fatal when it is absent).
No personal data is copied: a queued ``ResidentMessage`` keeps the reporter's id only.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext as _

from qiangji.implementation.models import ConcernLink, Item, ResidentMessage


def _concern_model():
    try:
        return apps.get_model("concerns", "Concern")
    except LookupError:
        return None


def concern_ids_of(link: ConcernLink) -> list[int]:
    """Return the concerns a link stands for: the concern and its near-duplicates, or a topic's."""
    model = _concern_model()
    if model is None:
        return []
    if link.kind == ConcernLink.Kind.CONCERN:
        condition = Q(pk=link.target_id) | Q(duplicate_of_id=link.target_id)
    elif link.kind == ConcernLink.Kind.TOPIC:
        condition = Q(topic_id=link.target_id)
    else:
        return []
    return list(model.objects.filter(condition).values_list("pk", flat=True)[:5000])


def tell_residents(*, link: ConcernLink, item: Item) -> int:
    """Queue a message to each reachable reporter of the link's concerns; return how many."""
    model = _concern_model()
    if model is None:
        return 0
    ids = concern_ids_of(link)
    rows = (
        model.objects.filter(
            pk__in=ids,
            reporter__isnull=False,
            reporter__erased_at__isnull=True,
            reporter__consent_at__isnull=False,
        )
        .exclude(reporter__phone="")
        .values_list("pk", "reporter_id")
    )
    brand = item.delivery.brand_name or item.community.name
    text = _(
        "The concern you raised was taken up by the %(community)s brand project “%(title)s”, which is now delivered."
    ) % {
        "community": brand,
        "title": item.title[:60],
    }
    messages = [
        ResidentMessage(concern_id=pk, reporter_id=reporter_id, item=item, text=text[:300])
        for pk, reporter_id in rows
    ]
    ResidentMessage.objects.bulk_create(messages, ignore_conflicts=True)
    return len(messages)

"""Posting notices: the one function every capability calls."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qiangji.notifications.models import Notice, NoticePreference


def do_notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    url: str = "",
    body: str = "",
    group_key: str = "",
) -> int:
    """Post a notice to each recipient; return how many notices were created or bumped.

    With a group key, a recipient who already has an unread notice of that key gets its
    count raised instead of a second notice: one notice per event, grouped, not a flood.
    """
    recipients = [r for r in recipients if r is not None]
    muted = set(
        NoticePreference.objects.filter(
            user__in=recipients, kind=kind, in_app=False, email_digest=False
        ).values_list("user_id", flat=True)
    )
    posted = 0
    for user in {r.pk: r for r in recipients}.values():
        if user.pk in muted:
            continue
        if group_key:
            bumped = Notice.objects.filter(
                recipient=user, group_key=group_key, read_at__isnull=True
            ).update(count=F("count") + 1, title=title, url=url, updated_at=timezone.now())
            if bumped:
                posted += 1
                continue
        try:
            with transaction.atomic():
                Notice.objects.create(
                    recipient=user, kind=kind, title=title, url=url, body=body, group_key=group_key
                )
        except IntegrityError:
            # Another request created the grouped notice meanwhile: bump it instead.
            Notice.objects.filter(recipient=user, group_key=group_key, read_at__isnull=True).update(
                count=F("count") + 1
            )
        posted += 1
    from qiangji.notifications.outbound import queue

    queue(kind=kind, title=title, url=url, recipients=recipients)
    return posted


def do_send_digests(*, now=None) -> int:
    """Email each person who asked for it a digest of their unread, un-emailed notices."""
    now = now or timezone.now()
    wanted = NoticePreference.objects.filter(email_digest=True).values_list("user_id", "kind")
    by_user: dict[int, set[str]] = {}
    for user_id, kind in wanted:
        by_user.setdefault(user_id, set()).add(kind)
    sent = 0
    for user_id, kinds in by_user.items():
        notices = list(
            Notice.objects.filter(
                recipient_id=user_id, kind__in=kinds, read_at__isnull=True, emailed_at__isnull=True
            ).select_related("recipient")
        )
        if not notices or not notices[0].recipient.email:
            continue
        lines = [f"- {n.title}" + (f" ×{n.count}" if n.count > 1 else "") for n in notices]
        send_mail(
            subject=_("qiangji: %(n)d unread notices") % {"n": len(notices)},
            message="\n".join(lines),
            from_email=None,
            recipient_list=[notices[0].recipient.email],
        )
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
        sent += 1
    return sent

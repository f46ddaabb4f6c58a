"""Background work of the notifications app."""

from __future__ import annotations

from django.tasks import task


@task
def send_digests() -> int:
    """E-mail the daily digest of unread notices; return how many were sent."""
    from qiangji.notifications.actions import do_send_digests

    return do_send_digests()

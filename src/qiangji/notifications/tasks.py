"""Background work of the notifications app."""

from __future__ import annotations

from django.tasks import task


@task
def send_digests() -> int:
    """E-mail the daily digest of unread notices; return how many were sent."""
    from qiangji.notifications.actions import do_send_digests

    return do_send_digests()


@task
def deliver(pk: int) -> bool:
    """Send one outbound delivery (group robot or SMS); failures are retried by retry_deliveries."""
    from qiangji.notifications.outbound import send

    return send(pk)


@task
def retry_deliveries() -> int:
    """Retry the outbound deliveries whose backoff has passed; return how many were tried."""
    from qiangji.notifications.outbound import retry_due

    return retry_due()

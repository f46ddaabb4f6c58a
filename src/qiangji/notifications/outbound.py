"""Notices where people are: 企业微信 / 钉钉 group robots and SMS, beside the inbox and e-mail.

`queue(...)` (called by `do_notify`) creates a `Delivery` per matching channel — a robot of
a community or subdistrict where one of the recipients works, whose chosen notice kinds
include this one — or per person for an SMS channel, and sends it after the transaction
commits (a task). A failed send is retried with backoff (1, 2, 4, 8 minutes) by the
`retry_deliveries` job; after MAX_ATTEMPTS it is marked failed, shown to the admin on the
channels page with a retry button. Phone numbers are read when sending and never logged.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from qiangji.lib.privacy import mask_phone
from qiangji.lib.sealed import SealError, unseal
from qiangji.notifications.models import Channel, ChannelKind, Delivery, DeliveryState

log = logging.getLogger("qiangji.notifications.outbound")

MAX_ATTEMPTS = 5
TIMEOUT_SECONDS = 5


class SendError(Exception):
    """A message was not accepted; the text says why (no personal data in it)."""


def backoff(attempts: int) -> dt.timedelta:
    """Return how long to wait after the given number of failed attempts (1, 2, 4, 8 min)."""
    return dt.timedelta(minutes=2 ** max(attempts - 1, 0))


# --- webhook addresses -------------------------------------------------------------------
def allowed_hosts() -> set[str]:
    return {h.strip().lower() for h in settings.NOTIFY_WEBHOOK_HOSTS if h.strip()}


def check_webhook_url(url: str, kind: str) -> str:
    """Return url if it is a robot address we may call, else raise ValueError (for the form)."""
    parts = urllib.parse.urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host not in allowed_hosts():
        raise ValueError(f"host {host or '?'} is not an allowed robot host")
    loopback = host in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (loopback and parts.scheme == "http"):
        raise ValueError("the address must start with https://")
    return url.strip()


def _post_json(url: str, payload: dict) -> dict:
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 — scheme and host checked by check_webhook_url
        url, data=data, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise SendError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SendError(f"unreachable: {getattr(exc, 'reason', exc)}"[:200]) from None
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        raise SendError("the robot did not answer JSON") from None
    if answer.get("errcode", 0) != 0:
        raise SendError(f"errcode {answer.get('errcode')}: {str(answer.get('errmsg', ''))[:100]}")
    return answer


def dingtalk_signed(url: str, secret: str, *, now_ms: int | None = None) -> str:
    """Return the DingTalk robot address with its 加签 timestamp and signature."""
    if not secret:
        return url
    stamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"


def send_wecom(url: str, text: str) -> None:
    _post_json(url, {"msgtype": "markdown", "markdown": {"content": text}})


def send_dingtalk(url: str, secret: str, text: str) -> None:
    title = text.splitlines()[0][:40] if text else "强基"
    _post_json(
        dingtalk_signed(url, secret),
        {"msgtype": "markdown", "markdown": {"title": title, "text": text}},
    )


# --- SMS -----------------------------------------------------------------------------------
class SmsGateway:
    """The interface of an SMS provider: send one templated message or raise SendError."""

    def send(self, *, phone: str, text: str, kind: str) -> None:  # pragma: no cover — interface
        raise NotImplementedError


class LoggingSms(SmsGateway):
    """The default: logs what would be sent, with the number masked (development and tests)."""

    sent: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str, kind: str) -> None:
        LoggingSms.sent.append((mask_phone(phone), text))
        log.info("sms (not sent: logging gateway) to %s kind=%s: %s", mask_phone(phone), kind, text)


class AliyunSms(SmsGateway):
    """Alibaba Cloud SMS (Dysmsapi SendSms, RPC signature v1), configured from the environment.

    SMS_ALIYUN_ACCESS_KEY_ID, SMS_ALIYUN_ACCESS_KEY_SECRET(_FILE), SMS_SIGN_NAME and
    SMS_TEMPLATE_CODE (a template with one variable ${text}); SMS_ALIYUN_ENDPOINT for tests.
    """

    def __init__(self) -> None:
        self.key_id = settings.SMS_ALIYUN_ACCESS_KEY_ID
        self.key_secret = settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        self.sign_name = settings.SMS_SIGN_NAME
        self.template = settings.SMS_TEMPLATE_CODE
        self.endpoint = settings.SMS_ALIYUN_ENDPOINT

    def signed_query(self, params: dict[str, str]) -> str:
        def enc(value: str) -> str:
            return urllib.parse.quote(value, safe="~")

        query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
        to_sign = f"GET&{enc('/')}&{enc(query)}"
        digest = hmac.new(f"{self.key_secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
        return f"Signature={enc(base64.b64encode(digest).decode())}&{query}"

    def send(self, *, phone: str, text: str, kind: str) -> None:
        if not (self.key_id and self.key_secret and self.sign_name and self.template):
            raise SendError("SMS is not configured (SMS_ALIYUN_* settings)")
        params = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": self.template,
            "TemplateParam": json.dumps({"text": text[:35]}, ensure_ascii=False),
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        url = f"{self.endpoint}/?{self.signed_query(params)}"
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 — configured endpoint
                answer = json.loads(response.read(65536) or b"{}")
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise SendError(f"SMS gateway unreachable: {type(exc).__name__}") from None
        if answer.get("Code") != "OK":
            raise SendError(
                f"SMS refused: {str(answer.get('Code'))[:40]} {str(answer.get('Message', ''))[:80]}"
            )


def sms_gateway() -> SmsGateway:
    return import_string(settings.SMS_GATEWAY)()


# --- queueing and sending ------------------------------------------------------------------
@dataclass
class Outgoing:
    kind: str
    title: str
    url: str


def _absolute(url: str) -> str:
    base = settings.QIANGJI_BASE_URL.rstrip("/")
    return f"{base}{url}" if url.startswith("/") and base else url


def _recipient_paths(recipients) -> dict[int, list[str]]:
    """Return user id → territory paths where the person holds a role (programmes: their subdistrict)."""
    from qiangji.accounts.models import RoleGrant

    paths: dict[int, list[str]] = {}
    grants = RoleGrant.objects.filter(user__in=recipients).values_list(
        "user_id", "territory__path", "programme__subdistrict__path"
    )
    for user_id, territory_path, programme_path in grants:
        path = territory_path or programme_path
        if path:
            paths.setdefault(user_id, []).append(path)
    return paths


CHANNELS_CACHE_KEY = "notifications:active-channels"


def active_channels() -> list[tuple[int, str, str, list[str]]]:
    """Return (id, kind, territory path, notice kinds) of the active channels, cached.

    Every notice asks; the cache spares a query per notice (dropped when a channel changes).
    """
    cached = cache.get(CHANNELS_CACHE_KEY)
    if cached is None:
        cached = [
            (pk, kind, path, list(kinds or []))
            for pk, kind, path, kinds in Channel.objects.filter(active=True).values_list(
                "pk", "kind", "territory__path", "kinds"
            )
        ]
        cache.set(CHANNELS_CACHE_KEY, cached, 300)
    return cached


def forget_channels() -> None:
    cache.delete(CHANNELS_CACHE_KEY)


def queue(*, kind: str, title: str, url: str, recipients) -> int:
    """Create the deliveries a notice calls for and send them after commit; return how many."""
    wanted = [c for c in active_channels() if kind in c[3]]
    if not wanted:
        return 0
    channels = list(
        Channel.objects.filter(pk__in=[c[0] for c in wanted]).select_related("territory")
    )
    recipients = [r for r in recipients if r is not None]
    paths = _recipient_paths(recipients)
    text = f"【强基】{title}" + (f"\n{_absolute(url)}" if url else "")
    deliveries = []
    for channel in channels:
        prefix = channel.territory.path
        concerned = [
            r for r in recipients if any(p.startswith(prefix) for p in paths.get(r.pk, []))
        ]
        if not concerned:
            continue
        if channel.kind == ChannelKind.SMS:
            deliveries += [
                Delivery(channel=channel, recipient=r, kind=kind, text=text[:1000])
                for r in concerned
                if r.mobile
            ]
        else:
            deliveries.append(Delivery(channel=channel, kind=kind, text=text[:1000]))
    if not deliveries:
        return 0
    Delivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in deliveries]

    def send_later() -> None:
        from qiangji.notifications.tasks import deliver

        for pk in ids:
            deliver.enqueue(pk)

    transaction.on_commit(send_later)
    return len(deliveries)


def attempt(delivery: Delivery) -> bool:
    """Send one delivery now; record the outcome; return whether it was sent."""
    channel = delivery.channel
    try:
        if channel.kind == ChannelKind.SMS:
            phone = delivery.recipient.mobile if delivery.recipient else ""
            if not phone:
                raise SendError("the person has no mobile number")
            sms_gateway().send(phone=phone, text=delivery.text, kind=delivery.kind)
        else:
            url = check_webhook_url(unseal(channel.webhook_sealed), channel.kind)
            if channel.kind == ChannelKind.WECOM:
                send_wecom(url, delivery.text)
            else:
                send_dingtalk(url, unseal(channel.secret_sealed), delivery.text)
    except (SendError, SealError, ValueError) as exc:
        delivery.attempts += 1
        delivery.last_error = str(exc)[:300]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.state = DeliveryState.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        delivery.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
        log.warning(
            "delivery %s via %s failed (attempt %s): %s",
            delivery.pk,
            channel.kind,
            delivery.attempts,
            delivery.last_error,
        )
        return False
    delivery.attempts += 1
    delivery.state = DeliveryState.SENT
    delivery.sent_at = timezone.now()
    delivery.next_attempt_at = None
    delivery.last_error = ""
    delivery.save(update_fields=["attempts", "state", "sent_at", "next_attempt_at", "last_error"])
    return True


def send(pk: int) -> bool:
    """Send delivery pk if it is still waiting (one worker at a time: the row is locked)."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("channel", "recipient")
            .filter(pk=pk, state=DeliveryState.PENDING)
            .first()
        )
        if delivery is None:
            return False
        return attempt(delivery)


def retry_due(*, now=None) -> int:
    """Send every waiting delivery whose retry time has come; return how many were tried."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    for pk in due:
        send(pk)
    return len(due)


def do_retry(*, delivery: Delivery) -> None:
    """Put a failed delivery back in the queue (the admin's retry button) and send it now."""
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=None, last_error=""
    )
    pk = delivery.pk

    def send_later() -> None:
        from qiangji.notifications.tasks import deliver

        deliver.enqueue(pk)

    transaction.on_commit(send_later)

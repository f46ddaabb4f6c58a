"""The in-app inbox: notices that later capabilities post, grouped so they never flood."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiangji.lib import limits


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("Kind"), max_length=40)
    title = models.CharField(_("Title"), max_length=200)
    body = models.TextField(_("Body"), blank=True, max_length=limits.TEXT)
    url = models.CharField(_("Link"), max_length=300, blank=True)
    # Notices with the same group key collapse into one unread notice with a count.
    group_key = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(_("Count"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Notice")
        verbose_name_plural = _("Notices")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "group_key"],
                condition=Q(read_at__isnull=True) & ~Q(group_key=""),
                name="notice_one_unread_per_group",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NoticePreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(max_length=40)
    in_app = models.BooleanField(_("In-app notice"), default=True)
    email_digest = models.BooleanField(_("Daily e-mail digest"), default=False)

    class Meta:
        verbose_name = _("Notice preference")
        verbose_name_plural = _("Notice preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notice_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"


class ChannelKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk group robot (钉钉)")
    SMS = "sms", _("SMS to the people concerned")


class Channel(models.Model):
    """Where notices also go, beyond the inbox: a group robot of a community or subdistrict, or SMS.

    The webhook address (its key is in it) and DingTalk's signing secret are sealed under
    SECRET_KEY (`lib/sealed.py`) and shown only by their last characters.
    """

    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.CASCADE,
        related_name="notice_channels",
        verbose_name=_("Community or subdistrict"),
    )
    kind = models.CharField(_("Channel"), max_length=16, choices=ChannelKind.choices)
    name = models.CharField(_("Name"), max_length=60)
    webhook_sealed = models.TextField(max_length=2000, blank=True, editable=False)
    secret_sealed = models.TextField(max_length=1000, blank=True, editable=False)
    webhook_hint = models.CharField(max_length=12, blank=True, editable=False)
    kinds = models.JSONField(_("Notice kinds sent"), default=list)
    active = models.BooleanField(_("Active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Notice channel")
        verbose_name_plural = _("Notice channels")
        ordering = ["territory__path", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        from qiangji.notifications.outbound import forget_channels

        forget_channels()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        from qiangji.notifications.outbound import forget_channels

        forget_channels()
        return result


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", pgettext_lazy("message", "Failed")


class Delivery(models.Model):
    """One message to a channel (or, for SMS, to one person), retried with backoff until sent."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    # SMS only: the person; the number is read at sending time and never stored here.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    text = models.TextField(max_length=1000)
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("message", "Delivery")
        verbose_name_plural = pgettext_lazy("message", "Deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel} · {self.get_state_display()}"

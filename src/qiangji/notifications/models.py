"""The in-app inbox: notices that later capabilities post, grouped so they never flood."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notice_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"

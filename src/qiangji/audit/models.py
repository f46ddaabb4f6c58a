"""The audit log: who created, changed or deleted what, and when, with before/after values."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from qiangji.territories.models import Territory


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    EVENT = "event", _("Action")


class AuditEntryQuerySet(models.QuerySet):
    def within(self, territory: Territory) -> AuditEntryQuerySet:
        return self.filter(territory__path__startswith=territory.path)


class AuditEntry(models.Model):
    at = models.DateTimeField(_("Time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Actor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("Verb"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("Object type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("Object"), max_length=200)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("Territory"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField(_("Changes"), default=dict)
    note = models.CharField(_("Note"), max_length=200, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("Audit entry")
        verbose_name_plural = _("Audit entries")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.object_repr}"
        )

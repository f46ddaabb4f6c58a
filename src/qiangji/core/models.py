"""Models of the core app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """One rate-limit window's count (`lib.ratelimit`, when there is no Redis)."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)  # Unix seconds: when the window ends

    class Meta:
        verbose_name = _("Rate counter")
        verbose_name_plural = _("Rate counters")

    def __str__(self) -> str:
        return f"{self.key}={self.count}"

"""The visual system's small filters: dates in the reader's language, figures, truncation."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language

register = template.Library()


def _local(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def cndate(value) -> str:
    """Return a date as 2026年2月19日 in Chinese (19 Feb 2026 in English); "" for None."""
    if not value:
        return ""
    value = _local(value)
    if (get_language() or "").startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return formats.date_format(value, "j M Y")


@register.filter
def cndatetime(value) -> str:
    """Return a moment as 2月19日 14:00 (with the year when not this year)."""
    if not value:
        return ""
    value = _local(value)
    if not isinstance(value, dt.datetime):
        return cndate(value)
    this_year = timezone.localdate().year == value.year
    if (get_language() or "").startswith("zh"):
        day = f"{value.month}月{value.day}日" if this_year else cndate(value)
        return f"{day} {value:%H:%M}"
    day = formats.date_format(value, "j M" if this_year else "j M Y")
    return f"{day} {value:%H:%M}"

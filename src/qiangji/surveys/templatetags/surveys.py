"""Template filters of the surveys pages: percentages and question texts."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.8234 → "82.3%"; None → "—"."""
    if value is None or value == "":
        return "—"
    try:
        return f"{float(value) * 100:.1f}%"
    except (TypeError, ValueError):
        return "—"


@register.filter
def brand_free(text: str) -> str:
    """The question text with the brand placeholder in general words."""
    return (text or "").replace("「{brand}」", "").replace("{brand}", "本社区品牌项目")


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None

"""Small server-drawn charts (inline SVG: no script, allowed by the strict CSP)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

register = template.Library()

BAR_WIDTH = 10
GAP = 3
HEIGHT = 28


@register.filter
def sparkbars(values, label: str = "") -> str:
    """Draw counts as small bars, the last one darker (the current period); empty for none."""
    try:
        counts = [max(int(v), 0) for v in values or []]
    except (TypeError, ValueError):
        return ""
    if not counts:
        return ""
    top = max(counts) or 1
    width = len(counts) * (BAR_WIDTH + GAP) - GAP
    bars = []
    for i, count in enumerate(counts):
        height = max(round(HEIGHT * count / top), 1 if count else 0)
        colour = "#c62828" if i == len(counts) - 1 else "#e8a19c"
        bars.append((i * (BAR_WIDTH + GAP), HEIGHT - height, BAR_WIDTH, height, colour, count))
    label = label or _("Counts")
    description = f"{label}{pgettext('label separator', ': ')}{', '.join(map(str, counts))}"
    return format_html(
        '<svg class="sparkbars" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{d}"><title>{d}</title>'
        '<line x1="0" y1="{h}" x2="{w}" y2="{h}" stroke="#ccc"/>{bars}</svg>',
        w=width,
        h=HEIGHT,
        d=description,
        bars=format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
            bars,
        ),
    )

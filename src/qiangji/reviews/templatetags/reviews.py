"""Template tags other apps may use: ``{% load reviews %}{% open_suggestions plan %}``."""

from __future__ import annotations

from django import template

from qiangji.reviews.interface import open_suggestions as _open_suggestions

register = template.Library()


@register.inclusion_tag("reviews/_open_suggestions.html")
def open_suggestions(plan):
    """Render the list of suggestions the plan's community still has to answer."""
    return {"plan": plan, "open": _open_suggestions(plan)}

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def phase_bar(programme) -> list[dict]:
    """Return each phase of the programme marked done, current or to come."""
    current = programme.current_phase()
    steps, seen_current = [], False
    for phase in programme.phases.all():
        is_current = current is not None and phase.pk == current.pk
        seen_current = seen_current or is_current
        steps.append({"phase": phase, "current": is_current, "done": not seen_current})
    return steps

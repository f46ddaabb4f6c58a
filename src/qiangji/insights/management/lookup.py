"""Find a programme by name or id for the insights commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from qiangji.programmes.models import Programme


def find_programme(name: str) -> Programme:
    """Return the programme of that name (or id); CommandError when none or several match."""
    programmes = list(Programme.objects.filter(name=name).select_related("subdistrict"))
    if not programmes and name.isdigit():
        programmes = list(Programme.objects.filter(pk=int(name)).select_related("subdistrict"))
    if not programmes:
        raise CommandError(f"No programme named {name!r}.")
    if len(programmes) > 1:
        raise CommandError(f"Several programmes are named {name!r}; give its id instead.")
    return programmes[0]

"""Links shown only where the person may follow them: one gate per URL name, declared by apps.

A page must not show a link that answers 403 or 404 to the person reading it. Each app that
owns a page not everyone may open declares, in its `links.py`, the rule for it:

    GATES = {"territories:detail": lambda access, territory: access.can_view_territory(territory)}

A gate receives the person's `Access` and the objects the template passes (positional: the
URL's arguments; keyword: its query string) and returns whether the person may open the page;
it is the same rule the view applies (the view calls it too, or both call one function).
Templates link through `{% load links %}`:

    {% link "territories:detail" community %}{{ community.name }}{% endlink %}
    {% allowed_url "reviews:plan" plan as reviews_url %}{% if reviews_url %}…{% endif %}

`{% link %}` renders its content inside `<a href>` when the gate opens, as plain text when not;
`{% allowed_url %}` gives the URL or "". A URL of an app that is not installed gives "" (the
page leaves the link out); a URL name with no gate raises, so every use is deliberate.
`core/tests/test_links_lead_somewhere.py` follows every link of every page per persona.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from qiangji.accounts.permissions import access_for
from qiangji.core.plugins import app_modules

Gate = Callable[..., bool]


@cache
def gates() -> dict[str, Gate]:
    """Return every app's GATES merged (a URL name declared twice raises)."""
    merged: dict[str, Gate] = {}
    for module in app_modules("links", include_core=False):
        for name, gate in getattr(module, "GATES", {}).items():
            if name in merged:
                raise ImproperlyConfigured(f"two apps declare a link gate for {name!r}")
            merged[name] = gate
    return merged


def _arg(value):
    return getattr(value, "pk", value)


def allowed_url(user, name: str, *args, **query) -> str:
    """Return the URL of page `name` for these objects if `user` may open it, else ""."""
    namespace = name.partition(":")[0]
    if not any(config.label == namespace for config in apps.get_app_configs()):
        return ""  # the capability is not installed: no page, no link
    gate = gates().get(name)
    if gate is None:
        raise ImproperlyConfigured(f"no app declares a link gate for {name!r} in its links.py")
    if any(value is None for value in args):
        return ""
    url = reverse(name, args=[_arg(value) for value in args])
    if not gate(access_for(user), *args, **query):
        return ""
    present = {key: _arg(value) for key, value in query.items() if value is not None}
    return f"{url}?{urlencode(present)}" if present else url

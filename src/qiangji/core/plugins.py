"""How capability apps plug into the shared machinery: by declaring a module, not by import.

Shared code (the menu, the workbench, the schedule, the demo, the generator, search) never
imports a capability app. Instead each app may define a module of a known name, and the shared
code finds it here:

| module        | what it declares                                   | read by                 |
| ------------- | -------------------------------------------------- | ----------------------- |
| `nav.py`      | `items(request, access)`, `public_links(community)` | `core.navigation`       |
| `jobs.py`     | `JOBS: tuple[core.schedule.Job, ...]`              | `core.schedule`         |
| `demo.py`     | `load(world)`                                      | `core.demo`             |
| `workbench.py`| `todos(request, access)`, `figures(request, access)` | `core.workbench`      |
| `interface.py`| `concern_progress(concern_ids)` (optional)          | the concerns pages      |
| `generate.py` | `generate(ctx) -> dict[str, int]` (rows made)      | `core.generate`         |
| `finder.py`   | `find(request, access, query, limit) -> list[Found]` | `core.finder` (search) |
| `links.py`    | `GATES: {url_name: gate(access, *objs, **query)}`  | `core.links` (`{% link %}`) |
| `recovery.py` | `RECOVERABLE: tuple[core.recovery.Recoverable, ...]` | `core.recovery` (worker start, scheduler) |
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps


def app_modules(name: str, *, include_core: bool = True) -> Iterator[ModuleType]:
    """Yield each project app's module `name` (e.g. "nav"), in INSTALLED_APPS order.

    An app without such a module is skipped; an import error inside the module is raised.
    """
    for config in apps.get_app_configs():
        if not config.name.startswith("qiangji."):
            continue
        if not include_core and config.label == "core":
            continue
        dotted = f"{config.name}.{name}"
        try:
            yield importlib.import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise

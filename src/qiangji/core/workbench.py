"""The workbench (工作台): each person's to-dos and figures, gathered from every app.

An app contributes by defining `workbench.py` with any of
- `todos(request, access) -> list[Todo]`: what this person must do, each a link to where it is
  done, with an exact count and the date of the oldest item (the page sorts oldest first);
- `figures(request, access) -> list[Figure]`: the few figures most useful to this person,
  each with its definition (shown on hover) and the time it was computed;
- `first_steps(request, access) -> list[Step]`: for a subdistrict that is just starting, what
  to do first (import territories, enrol communities, schedule the first activity) and
  whether it is done; the page shows them while any is not done.
Each function must run a constant number of queries whatever the size of the data.
Shared code never imports a capability app: `core.plugins.app_modules` finds these modules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qiangji.core.plugins import app_modules


@dataclass(frozen=True)
class Todo:
    label: str  # what to do, e.g. "工单待签收"
    url: str  # where it is done
    count: int  # how many items, exact
    oldest: dt.datetime | dt.date | None = None  # the oldest item's date (due or raised)
    community: str = ""  # the community's name when a person works in several
    kind: str = ""  # a stable key, e.g. "concerns.tickets_to_sign", for tests and styling
    urgent: bool = False  # overdue or due today


@dataclass(frozen=True)
class Figure:
    label: str
    value: str  # already formatted for display ("87%", "3.6 / 5", "—")
    definition: str  # how it is computed, shown on hover
    computed_at: dt.datetime | None = None  # None: live
    url: str = ""  # where the figure comes from
    kind: str = ""


@dataclass(frozen=True)
class Step:
    label: str  # what to do, e.g. "导入辖区"
    url: str  # where it is done
    help: str  # one sentence: why and how
    done: bool = False
    order: int = 50


def todos(request, access) -> list[Todo]:
    """Return every app's to-dos for this person, oldest first (undated last)."""
    found: list[Todo] = []
    for module in app_modules("workbench", include_core=False):
        if hasattr(module, "todos"):
            found.extend(todo for todo in module.todos(request, access) if todo.count)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)

    def key(todo: Todo):
        oldest = todo.oldest
        if isinstance(oldest, dt.date) and not isinstance(oldest, dt.datetime):
            oldest = dt.datetime.combine(oldest, dt.time.min, tzinfo=dt.UTC)
        return (not todo.urgent, oldest or far, todo.label)

    return sorted(found, key=key)


def figures(request, access) -> list[Figure]:
    """Return every app's figures for this person, in INSTALLED_APPS order."""
    found: list[Figure] = []
    for module in app_modules("workbench", include_core=False):
        if hasattr(module, "figures"):
            found.extend(module.figures(request, access))
    return found


def first_steps(request, access) -> list[Step]:
    """Return every app's first steps for this person, in order; [] when all are done."""
    found: list[Step] = []
    for module in app_modules("workbench", include_core=False):
        if hasattr(module, "first_steps"):
            found.extend(module.first_steps(request, access))
    if all(step.done for step in found):
        return []
    return sorted(found, key=lambda step: step.order)


def by_community(items: list[Todo]) -> list[tuple[str, list[Todo]]]:
    """Return to-dos grouped by community (the person's own first), each group oldest first."""
    groups: dict[str, list[Todo]] = {}
    for todo in items:
        groups.setdefault(todo.community, []).append(todo)
    return sorted(groups.items(), key=lambda pair: (pair[0] != "", pair[0]))

"""Import and export of a territory tree as CSV or XLSX, with a dry run and a row report.

Columns (Chinese or English headers): 层级/kind, 名称/name, 上级路径/parent_path,
区划代码/code, 人口/population, 户数/households, 排序/order. `上级路径` is the full path of
names from the top, separated by "/" (e.g. 黄石市/下陆区/团城山街道); a "/" or "\\" inside a
name is written "\\/" or "\\\\" (`join_path`/`split_path`). A row whose territory
exists (same parent, same name) updates it; otherwise it creates one. Rows are applied in
file order, so a parent may be created by an earlier row of the same file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qiangji.lib.tabular import Table
from qiangji.territories.models import Kind, Territory

COLUMNS = ["层级", "名称", "上级路径", "区划代码", "人口", "户数", "排序"]
ALIASES = {
    "kind": "层级",
    "level": "层级",
    "name": "名称",
    "parent_path": "上级路径",
    "parent": "上级路径",
    "上级": "上级路径",
    "code": "区划代码",
    "population": "人口",
    "households": "户数",
    "order": "排序",
}
KIND_BY_LABEL = {
    "省": Kind.PROVINCE,
    "市": Kind.CITY,
    "区": Kind.DISTRICT,
    "县": Kind.DISTRICT,
    "街道": Kind.SUBDISTRICT,
    "乡镇": Kind.SUBDISTRICT,
    "镇": Kind.SUBDISTRICT,
    "社区": Kind.COMMUNITY,
    "村": Kind.COMMUNITY,
    "小区": Kind.COMPOUND,
    "网格": Kind.GRID,
    **{k.value: k for k in Kind},
}
REQUIRED = ["层级", "名称", "上级路径"]


@dataclass
class RowResult:
    line: int
    values: dict[str, str]
    status: str = "error"  # create | update | unchanged | error
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowResult]
    missing_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("create", "update", "unchanged", "error")}

    @property
    def ok(self) -> bool:
        return not self.missing_columns and not any(r.status == "error" for r in self.rows)

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "error"]


def canonical_headers(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """Map each file header to its canonical Chinese column; return the map and unknowns."""
    mapping, unknown = {}, []
    for header in headers:
        key = header.strip()
        canonical = key if key in COLUMNS else ALIASES.get(key.lower())
        if canonical:
            mapping[header] = canonical
        else:
            unknown.append(header)
    return mapping, unknown


def join_path(names: list[str] | tuple[str, ...]) -> str:
    """Return names joined by "/", with "/" and "\\" inside a name escaped by a backslash."""
    return "/".join(name.replace("\\", "\\\\").replace("/", "\\/") for name in names)


def split_path(text: str) -> list[str]:
    """Return the names of a path written by `join_path` (empty parts, e.g. a leading "/", dropped)."""
    names, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "/":
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    return [name.strip() for name in names if name.strip()]


def names_of(territory: Territory, names_by_id: dict[int, str]) -> tuple[str, ...]:
    """Return the names from the top down to territory (the key rows are matched on)."""
    ids = [int(p) for p in territory.path.strip("/").split("/") if p]
    return tuple(names_by_id[i] for i in ids)


def _int_or_none(raw: str, label: str, errors: list[str]) -> int | None:
    if raw == "":
        return None
    try:
        value = int(float(raw))
    except ValueError:
        errors.append(
            _("%(column)s must be a whole number; got “%(value)s”.")
            % {"column": label, "value": raw}
        )
        return None
    if value < 0:
        errors.append(_("%(column)s cannot be negative.") % {"column": label})
        return None
    return value


def run_import(table: Table, *, root: Territory, can_edit, apply: bool) -> ImportReport:
    """Validate (and, with apply, write) every row; rejected rows never stop valid ones.

    All writes happen in one transaction: with apply False it is rolled back, so the dry
    run exercises exactly the same checks, database constraints included.
    """
    mapping, unknown = canonical_headers(table.headers)
    missing = [c for c in REQUIRED if c not in mapping.values()]
    report = ImportReport(rows=[], missing_columns=missing, unknown_columns=unknown)
    if missing:
        return report
    # Keyed on the tuple of names, not on the text: a name may itself contain "/".
    by_path: dict[tuple[str, ...], Territory] = {}
    names_by_id = dict(Territory.objects.within(root).values_list("pk", "name"))
    for ancestor in root.ancestors():
        names_by_id[ancestor.pk] = ancestor.name
    for territory in Territory.objects.within(root):
        by_path[names_of(territory, names_by_id)] = territory
    for ancestor in root.ancestors():
        by_path.setdefault(names_of(ancestor, names_by_id), ancestor)
    root_path = names_of(root, names_by_id)
    with transaction.atomic():
        seen: set[tuple[str, ...]] = set()
        for index, raw in enumerate(table.rows):
            values = {mapping[h]: v for h, v in raw.items() if h in mapping}
            result = RowResult(
                line=table.line_numbers[index] if table.line_numbers else index + 2, values=values
            )
            report.rows.append(result)
            _import_row(
                result, values, by_path, seen, root=root, root_path=root_path, can_edit=can_edit
            )
        if not apply:
            transaction.set_rollback(True)
    return report


def _import_row(result: RowResult, values, by_path, seen, *, root, root_path, can_edit) -> None:
    errors = result.errors
    kind = KIND_BY_LABEL.get(values.get("层级", "").strip())
    if kind is None:
        errors.append(_("Unknown level “%(value)s”.") % {"value": values.get("层级", "")})
    name = values.get("名称", "").strip()
    if not name:
        errors.append(_("The name is empty."))
    elif len(name) > 100:
        errors.append(_("The name is longer than 100 characters."))
    parent_names = tuple(split_path(values.get("上级路径", "")))
    parent_path = join_path(parent_names)
    parent = by_path.get(parent_names)
    if parent is None:
        errors.append(
            _("The parent “%(path)s” does not exist (or was rejected above).")
            % {"path": parent_path}
        )
    elif (*parent_names, name) == root_path:
        # The root itself: its own fields may change when the importer may edit it.
        if not can_edit(root):
            errors.append(_("You may not change this territory."))
    elif not parent.is_within(root):
        errors.append(
            _("The parent “%(path)s” is outside %(root)s.") % {"path": parent_path, "root": root}
        )
    elif not can_edit(parent):
        errors.append(_("You may not add territories under “%(path)s”.") % {"path": parent_path})
    population = _int_or_none(values.get("人口", ""), "人口", errors)
    households = _int_or_none(values.get("户数", ""), "户数", errors)
    order = _int_or_none(values.get("排序", ""), "排序", errors) or 0
    full_path = (*parent_names, name)
    if full_path in seen:
        errors.append(_("This territory appears twice in the file."))
    if errors:
        return
    seen.add(full_path)
    territory = by_path.get(full_path)
    if territory is not None and territory.kind != kind:
        errors.append(
            _("“%(path)s” exists as a %(kind)s.")
            % {"path": join_path(full_path), "kind": territory.get_kind_display()}
        )
        return
    status = "update"
    if territory is None:
        territory = Territory(parent=parent, name=name, kind=kind)
        status = "create"
    before = (territory.code, territory.population, territory.households, territory.order)
    territory.code = values.get("区划代码", territory.code or "").strip()
    territory.population = population if population is not None else territory.population
    territory.households = households if households is not None else territory.households
    territory.order = order
    if status == "update" and before == (
        territory.code,
        territory.population,
        territory.households,
        territory.order,
    ):
        result.status = "unchanged"
        return
    try:
        territory.full_clean(exclude=["path", "depth"])
        with transaction.atomic():
            territory.save()
    except ValidationError as exc:
        errors.extend(exc.messages)
        return
    except IntegrityError:
        errors.append(_("This name or division code is already used."))
        return
    by_path[full_path] = territory
    result.status = status


def export_rows(root: Territory) -> list[list]:
    """Return the rows of root's subtree in the import format, parents before children."""
    territories = list(Territory.objects.within(root).order_by("depth", "order", "name"))
    names_by_id = {t.pk: t.name for t in territories}
    for ancestor in root.ancestors():
        names_by_id[ancestor.pk] = ancestor.name
    rows = []
    for territory in territories:
        parent_path = join_path(names_of(territory, names_by_id)[:-1])
        rows.append(
            [
                territory.get_kind_display_zh(),
                territory.name,
                parent_path,
                territory.code,
                territory.population if territory.population is not None else "",
                territory.households if territory.households is not None else "",
                territory.order,
            ]
        )
    return rows


def rejected_rows(report: ImportReport) -> tuple[list[str], list[list]]:
    """Return the header and rows of a downloadable report of the rejected rows."""
    headers = ["行号", *COLUMNS, "错误"]
    rows = [
        [r.line, *[r.values.get(c, "") for c in COLUMNS], "；".join(r.errors)]
        for r in report.rejected
    ]
    return headers, rows

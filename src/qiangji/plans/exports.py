"""Exports of a plan (Word in the GB/T 9704 layout, XLSX task table, printable view) and the
import of a task table back from XLSX/CSV with a dry run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiangji.lib.officialdoc import OfficialDocument, cn_date, heading_label
from qiangji.lib.tabular import TableError, read_table, xlsx_bytes
from qiangji.plans import actions
from qiangji.plans.models import (
    MAX_BUDGET,
    NodeKind,
    Plan,
    PlanNode,
    PlanVersion,
    build_tree,
    flatten,
)

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000

#: Sections of the document: (field, heading), in order.
SECTIONS = [
    ("concept", "品牌理念"),
    ("goals", "工作目标"),
    ("concerns", "回应的居民诉求"),
    ("positioning", "品牌定位"),
    ("actors", "参与主体及分工"),
    ("cases", "借鉴案例"),
    ("budget_note", "经费预算"),
    ("timeline", "时间安排"),
]

TASK_COLUMNS = [
    "编号",
    "主线",
    "项目/站点",
    "任务",
    "负责人",
    "截止日期",
    "预算（元）",
    "指标",
    "目标值",
    "里程碑",
]


@dataclass
class DocNode:
    depth: int
    label: str
    node: object


@dataclass
class PlanDocument:
    """A plan (draft or version) laid out for reading: title, sections, tree, task rows."""

    title: str
    subtitle: str
    fields: dict[str, str]
    sections: list[tuple[str, str]]
    nodes: list[DocNode]
    tasks: list[list[object]] = field(default_factory=list)

    def outline(self) -> dict[str, object]:
        """Return the level-1 heading labels as the document numbers them (一、品牌概况 first)."""
        labels = iter(heading_label(1, n) for n in range(1, 100))
        out: dict[str, object] = {"overview": next(labels)}
        out["sections"] = [(next(labels), heading, text) for heading, text in self.sections]
        out["tree"] = next(labels) if self.nodes else ""
        out["tasks"] = next(labels) if self.tasks else ""
        return out


def plan_document(plan: Plan, version: PlanVersion | None = None) -> PlanDocument:
    """Return the plan's content (the draft, or a frozen version) ready for a document."""
    if version is None:
        fields = plan.text_fields()
        nodes = list(plan.nodes.all())
        tree = build_tree(nodes, key=lambda n: n.pk, parent=lambda n: n.parent_id)
        subtitle = f"（{plan.round_name}轮草稿）"
    else:
        fields = dict(version.fields)
        tree = version.tree()
        subtitle = f"（第{version.number}版·{version.round_name}）"
    brand = fields.get("brand_name") or ""
    title = f"{plan.community.name}{'“' + brand + '”' if brand else ''}品牌创建工作方案"
    sections = [
        (heading, fields.get(name, ""))
        for name, heading in SECTIONS
        if (fields.get(name) or "").strip()
    ]
    doc_nodes: list[DocNode] = []
    tasks: list[list[object]] = []
    line_title = project_title = ""
    for item in flatten(tree):
        node = item.node
        doc_nodes.append(DocNode(depth=item.depth, label=item.label, node=node))
        if node.kind == NodeKind.LINE:
            line_title, project_title = node.title, ""
        elif node.kind == NodeKind.PROJECT:
            project_title = node.title
        else:
            tasks.append(
                [
                    str(node.key),
                    line_title,
                    project_title,
                    node.title,
                    node.owner,
                    node.deadline.isoformat() if node.deadline else "",
                    float(node.budget) if node.budget is not None else "",
                    node.indicator,
                    node.target,
                    node.milestone,
                ]
            )
    return PlanDocument(
        title=title,
        subtitle=subtitle,
        fields=fields,
        sections=sections,
        nodes=doc_nodes,
        tasks=tasks,
    )


def _node_details(node) -> list[str]:
    parts = []
    if node.description:
        parts.append(node.description)
    if node.kind == NodeKind.PROJECT:
        for label, value in (
            ("参与主体", node.actors),
            ("资源", node.resources),
            ("场地", node.venues),
            ("回应诉求", node.concerns),
        ):
            if value.strip():
                parts.append(
                    f"{label}：{'、'.join(v.strip() for v in value.splitlines() if v.strip())}"
                )
    if node.kind == NodeKind.TASK:
        facts = []
        if node.owner:
            facts.append(f"负责人：{node.owner}")
        if node.deadline:
            facts.append(f"完成时限：{cn_date(node.deadline)}")
        if node.budget is not None:
            facts.append(f"预算：{node.budget:,.2f}元")
        if node.indicator:
            facts.append(
                f"指标：{node.indicator}" + (f"（目标{node.target}）" if node.target else "")
            )
        if node.milestone:
            facts.append(f"里程碑：{node.milestone}")
        if facts:
            parts.append("；".join(facts) + "。")
    return parts


def plan_docx(plan: Plan, version: PlanVersion | None = None, *, fonts=None) -> bytes:
    """Return the plan as a .docx in the official-document layout."""
    content = plan_document(plan, version)
    doc = OfficialDocument(title=content.title, subtitle=content.subtitle, fonts=fonts)
    doc.heading(1, "品牌概况")
    for label, name in (("品牌名称", "brand_name"), ("品牌口号", "slogan")):
        if content.fields.get(name):
            doc.labelled(label, content.fields[name])
    for heading, text in content.sections:
        doc.heading(1, heading)
        doc.paragraph(text)
    if content.nodes:
        doc.heading(1, "主线、项目与任务")
        for item in content.nodes:
            # Lines are （一）, projects 1., tasks （1） — levels 2, 3, 4 of the document.
            doc.heading(item.depth + 2, item.node.title)
            for paragraph in _node_details(item.node):
                doc.paragraph(paragraph)
    if content.tasks:
        doc.heading(1, "任务清单")
        doc.table(
            ["序号", "项目/站点", "任务", "负责人", "完成时限", "预算（元）", "指标/目标"],
            [
                [
                    i,
                    row[2],
                    row[3],
                    row[4],
                    cn_date(dt.date.fromisoformat(row[5])) if row[5] else "",
                    f"{row[6]:,.0f}" if row[6] != "" else "",
                    f"{row[7]} {row[8]}".strip(),
                ]
                for i, row in enumerate(content.tasks, start=1)
            ],
            # 完成时限 holds "2026年12月31日" on one line at 小四 (about 34 mm with the cell margins).
            widths_mm=[10, 24, 30, 14, 34, 18, 26],
        )
    stamp = version.frozen_at if version else timezone.now()
    doc.closing(org=plan.community.name, date=timezone.localtime(stamp).date())
    return doc.to_bytes()


def tasks_xlsx(plan: Plan, version: PlanVersion | None = None) -> bytes:
    """Return the task table as an XLSX workbook (the 编号 column lets it be imported back)."""
    content = plan_document(plan, version)
    return xlsx_bytes(TASK_COLUMNS, content.tasks, title="任务清单")


# --------------------------------------------------------------------------- import


@dataclass
class ImportRow:
    line: int
    action: str  # create, update, unchanged, error
    title: str
    changes: dict[str, tuple[object, object]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    error: str = ""
    applied: bool = False
    dry_run: bool = True

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ("create", "update", "unchanged", "error")}

    @property
    def has_errors(self) -> bool:
        return bool(self.error) or any(r.action == "error" for r in self.rows)


def _parse_date(value: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    value = (
        value.replace("年", "-")
        .replace("月", "-")
        .replace("日", "")
        .replace("/", "-")
        .replace(".", "-")
    )
    value = value.split(" ")[0].split("T")[0]
    return dt.date.fromisoformat("-".join(part.zfill(2) for part in value.split("-")))


def _parse_budget(value: str) -> Decimal | None:
    value = (value or "").replace(",", "").replace("，", "").replace("元", "").strip()
    if not value:
        return None
    amount = Decimal(value)
    if not amount.is_finite():
        raise InvalidOperation
    return amount.quantize(Decimal("0.01"))


def _row_values(row: dict[str, str], programme) -> tuple[dict, list[str]]:
    errors: list[str] = []
    values = {
        "title": row.get("任务", "").strip()[:200],
        "owner": row.get("负责人", "").strip()[:80],
        "indicator": row.get("指标", "").strip()[:200],
        "target": row.get("目标值", "").strip()[:80],
        "milestone": row.get("里程碑", "").strip()[:200],
    }
    if not values["title"]:
        errors.append(_("The task has no title."))
    try:
        deadline = _parse_date(row.get("截止日期", ""))
    except ValueError:
        errors.append(
            _("“%(value)s” is not a date (use 2026-05-01).") % {"value": row.get("截止日期")}
        )
        deadline = None
    if deadline and not (programme.starts_on <= deadline <= programme.ends_on):
        errors.append(
            _("The deadline %(date)s is outside the programme (%(start)s – %(end)s).")
            % {"date": deadline, "start": programme.starts_on, "end": programme.ends_on}
        )
    values["deadline"] = deadline
    try:
        budget = _parse_budget(row.get("预算（元）", ""))
    except (InvalidOperation, ValueError):
        errors.append(
            _("“%(value)s” is not an amount of money.") % {"value": row.get("预算（元）")}
        )
        budget = None
    if budget is not None and not (0 <= budget <= MAX_BUDGET):
        errors.append(_("The budget must be between 0 and 100,000,000 yuan."))
    values["budget"] = budget
    return values, errors


def import_tasks(*, plan: Plan, data: bytes, filename: str, dry_run: bool, by) -> ImportReport:
    """Compare a task table with the draft; unless dry_run (or any row is wrong), apply it.

    Rows whose 编号 is a task of this plan update it; rows without 编号 add a task under the
    project named in 项目/站点 of the line in 主线 (both created when missing).
    """
    report = ImportReport(dry_run=dry_run)
    try:
        table = read_table(data, filename, max_bytes=MAX_IMPORT_BYTES)
    except TableError as exc:
        report.error = str(exc)
        return report
    missing = [c for c in ("任务",) if c not in table.headers]
    if missing:
        report.error = _("The table needs the column(s): %(columns)s.") % {
            "columns": "、".join(missing)
        }
        return report
    if len(table.rows) > MAX_IMPORT_ROWS:
        report.error = _("The table has more than %(n)d rows.") % {"n": MAX_IMPORT_ROWS}
        return report
    nodes = list(plan.nodes.all())
    tasks = {str(n.key): n for n in nodes if n.kind == NodeKind.TASK}
    planned: list[tuple[ImportRow, dict, PlanNode | None, str, str]] = []
    for line, row in zip(table.line_numbers, table.rows, strict=True):
        values, errors = _row_values(row, plan.programme)
        key = row.get("编号", "").strip()
        target = tasks.get(key) if key else None
        item = ImportRow(line=line, action="create", title=values["title"], errors=errors)
        if key and target is None:
            item.errors.append(
                _("No task of this plan has the number %(key)s.") % {"key": key[:40]}
            )
        if target is not None:
            current = target.content()
            proposed = PlanNode(**values).content()
            item.changes = {
                k: (current[k], v) for k, v in proposed.items() if k in values and current[k] != v
            }
            item.action = "update" if item.changes else "unchanged"
        elif not (row.get("主线", "").strip() and row.get("项目/站点", "").strip()):
            item.errors.append(_("A new task needs its 主线 and 项目/站点."))
        if item.errors:
            item.action = "error"
        report.rows.append(item)
        planned.append(
            (item, values, target, row.get("主线", "").strip(), row.get("项目/站点", "").strip())
        )
    if dry_run or report.has_errors:
        return report
    with transaction.atomic():
        lines = {n.title: n for n in nodes if n.kind == NodeKind.LINE}
        projects = {(n.parent_id, n.title): n for n in nodes if n.kind == NodeKind.PROJECT}
        for item, values, target, line_title, project_title in planned:
            if item.action == "update":
                actions.do_save_node(
                    node=target,
                    values=values,
                    base_revision=target.revision,
                    round_number=None,
                    by=by,
                )
            elif item.action == "create":
                line = lines.get(line_title) or actions.do_add_node(
                    plan=plan, kind=NodeKind.LINE, parent=None, title=line_title, by=by
                )
                lines[line_title] = line
                project = projects.get((line.pk, project_title)) or actions.do_add_node(
                    plan=plan, kind=NodeKind.PROJECT, parent=line, title=project_title, by=by
                )
                projects[(line.pk, project_title)] = project
                content = {k: v for k, v in values.items() if k != "title"}
                actions.do_add_node(
                    plan=plan,
                    kind=NodeKind.TASK,
                    parent=project,
                    title=values["title"],
                    by=by,
                    **content,
                )
    report.applied = True
    return report

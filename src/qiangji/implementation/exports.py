"""Exports (XLSX/CSV through qiangji.lib.tabular), the progress import, the Word report.

The import reads 编号 (the item reference), and any of 进度, 状态, 实际值, 说明. It is
all-or-nothing: every row is checked first (a dry run lists each row as changed, unchanged
or an error); nothing is applied while any row is wrong, and applying runs in one
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qiangji.implementation.models import Delivery, Item, Meaning, Status
from qiangji.lib import tabular

MAX_IMPORT_BYTES = tabular.MAX_UPLOAD_BYTES
HEADERS = [
    "编号", "社区", "层级", "序号", "名称", "负责人", "截止日期", "状态", "进度",
    "预算（元）", "已支出（元）", "指标", "目标值", "实际值", "权重", "逾期",
]  # fmt: skip
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KIND_NAMES = {"line": "主线", "project": "项目/站点", "task": "任务"}


def item_rows(deliveries: list[Delivery]) -> list[list]:
    today = timezone.localdate()
    items = Item.objects.filter(delivery__in=deliveries).select_related("status", "community")
    return [
        [
            i.reference,
            i.community.name,
            KIND_NAMES.get(i.kind, i.kind),
            i.label,
            i.title,
            i.owner,
            i.deadline.isoformat() if i.deadline else "",
            i.status.name,
            float(i.progress),
            float(i.budget) if i.budget is not None else "",
            float(i.spent),
            i.indicator,
            i.target,
            i.actual,
            float(i.weight),
            "是" if i.is_overdue(today) else "",
        ]
        for i in items.order_by("community__order", "delivery_id", "sort_index")
    ]


def items_response(deliveries: list[Delivery], *, fmt: str, name: str) -> HttpResponse:
    """Return every item of the deliveries with its progress, as XLSX or CSV (lib.tabular)."""
    rows = item_rows(deliveries)
    filename = f"{name}-落实进度-{timezone.localdate().isoformat()}"
    if fmt == "csv":
        return tabular.csv_response(f"{filename}.csv", HEADERS, rows)
    return tabular.xlsx_response(
        f"{filename}.xlsx", tabular.xlsx_bytes(HEADERS, rows, title="落实进度")
    )


# --------------------------------------------------------------------------- import


@dataclass
class RowReport:
    line: int
    reference: str
    title: str = ""
    changes: dict = field(default_factory=dict)
    error: str = ""


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)
    file_error: str = ""
    applied: bool = False

    @property
    def errors(self) -> list[RowReport]:
        return [r for r in self.rows if r.error] + (
            [RowReport(0, "", error=self.file_error)] if self.file_error else []
        )

    @property
    def changed(self) -> int:
        return sum(1 for r in self.rows if r.changes and not r.error)


def import_progress(
    *, delivery: Delivery, data: bytes, filename: str, by, apply: bool
) -> ImportReport:
    """Check every row, and apply all of them (one transaction) only when none is wrong."""
    from qiangji.implementation.actions import DeliveryError, do_update_item

    report = ImportReport()
    try:
        table = tabular.read_table(data, filename, max_bytes=MAX_IMPORT_BYTES)
    except tabular.TableError as error:
        report.file_error = str(error)
        return report
    if "编号" not in table.headers:
        report.file_error = _("The file has no column “编号” (the item reference).")
        return report
    references = [row.get("编号", "").strip().upper() for row in table.rows]
    items = {
        i.reference: i
        for i in Item.objects.filter(reference__in=references).select_related("status", "delivery")
    }
    statuses = {s.name: s for s in Status.objects.filter(programme_id=delivery.programme_id)}
    parents = set(
        Item.objects.filter(delivery=delivery, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
    )
    planned = []
    seen = set()
    for index, row in enumerate(table.rows):
        line = table.line_numbers[index] if index < len(table.line_numbers) else index + 2
        reference = references[index]
        entry = RowReport(line=line, reference=reference)
        report.rows.append(entry)
        item = items.get(reference)
        if not reference:
            entry.error = _("The reference (编号) is empty.")
            continue
        if item is None:
            entry.error = _("No item has this reference.")
            continue
        entry.title = item.title
        if item.delivery_id != delivery.pk:
            entry.error = _("This item belongs to another community's plan.")
            continue
        if reference in seen:
            entry.error = _("This item appears twice in the file.")
            continue
        seen.add(reference)
        values: dict = {}
        raw_progress = row.get("进度", "").strip().rstrip("%")
        if raw_progress:
            try:
                progress = Decimal(raw_progress)
                if not progress.is_finite():
                    raise ValueError
            except (ArithmeticError, ValueError):
                entry.error = _("Progress “%(v)s” is not a number.") % {"v": raw_progress[:20]}
                continue
            if progress < 0 or progress > 100:
                entry.error = _("Progress must be from 0 to 100.")
                continue
            if progress != item.progress:
                if item.pk in parents:
                    entry.error = _("The progress of a line or project is computed from its parts.")
                    continue
                values["progress"] = progress
        status_name = row.get("状态", "").strip()
        if status_name:
            status = statuses.get(status_name)
            if status is None:
                entry.error = _("Unknown status “%(s)s”.") % {"s": status_name[:20]}
                continue
            if status.pk != item.status_id:
                if status.meaning == Meaning.CANCELLED:
                    entry.error = _("Cancel an item on its page, with a reason.")
                    continue
                values["status"] = status
        if item.status.meaning == Meaning.CANCELLED and "progress" in values:
            entry.error = _("This item is cancelled; its progress cannot change.")
            continue
        actual = row.get("实际值", "").strip()[:80]
        if "实际值" in row and actual != item.actual:
            values["actual"] = actual
        note = row.get("说明", "").strip()[:2000]
        entry.changes = {
            key: (str(value.name) if isinstance(value, Status) else str(value))
            for key, value in values.items()
        }
        if values:
            planned.append((item, values, note))
    if report.errors or not apply:
        return report
    try:
        with transaction.atomic():
            for item, values, note in planned:
                do_update_item(
                    item=item,
                    by=by,
                    progress=values.get("progress"),
                    status=values.get("status"),
                    actual=values.get("actual"),
                    note=note,
                )
    except DeliveryError as error:
        report.file_error = str(error)
        return report
    report.applied = True
    return report


# --------------------------------------------------------------------------- Word report


def report_document(deliveries: list[Delivery], *, title: str, programme=None) -> bytes:
    """Return a progress report in the GB/T 9704 layout (one section per community)."""
    from qiangji.implementation.interface import delivery_by_community
    from qiangji.lib.officialdoc import OfficialDocument, cn_date

    figures = delivery_by_community([d.community_id for d in deliveries], programme=programme)
    today = timezone.localdate()
    doc = OfficialDocument(
        title=f"{title}社区品牌创建落实进展情况报告",
        subtitle=f"（截至{cn_date(today)}）",
    )
    if len(deliveries) > 1:
        done = sum(f["done"] for f in figures.values())
        items = sum(f["items"] for f in figures.values())
        overdue = sum(f["overdue"] for f in figures.values())
        doc.paragraph(
            f"共{len(deliveries)}个社区的品牌创建工作方案已立项，纳入跟踪事项{items}项，"
            f"已完成{done}项，逾期未完成{overdue}项。"
        )
    for delivery in deliveries:
        f = figures[delivery.community_id]
        doc.heading(1, f"{delivery.community.name}：{delivery.brand_name or '品牌创建'}")
        progress = "—" if f["progress"] is None else f"{f['progress']:.0f}%"
        doc.paragraph(
            f"总体进度{progress}；跟踪事项{f['items']}项，已完成{f['done']}项，"
            f"逾期{f['overdue']}项，取消{f['cancelled']}项；计划预算{f['budget_planned']:.2f}元，"
            f"已支出{f['budget_spent']:.2f}元。"
        )
        items = list(delivery.items.select_related("status").order_by("sort_index"))
        table_rows = [
            [
                i.label,
                i.title,
                i.owner,
                cn_date(i.deadline),
                i.status.name,
                f"{i.progress:.0f}%",
                f"{i.actual} / {i.target}" if i.target else i.actual,
            ]
            for i in items
        ]
        if table_rows:
            doc.table(
                ["序号", "事项", "负责人", "截止日期", "状态", "进度", "实际/目标"],
                table_rows,
                widths_mm=[12, 34, 16, 34, 16, 14, 30],
            )
        overdue_items = [i for i in items if i.is_overdue(today)]
        if overdue_items:
            doc.heading(2, "逾期事项")
            for i in overdue_items:
                doc.paragraph(
                    f"{i.label}{i.title}（截止{cn_date(i.deadline)}，进度{i.progress:.0f}%）"
                )
    doc.closing(org=title, date=today)
    return doc.to_bytes()


def report_response(deliveries: list[Delivery], *, title: str, programme=None) -> HttpResponse:
    data = report_document(deliveries, title=title, programme=programme)
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    filename = f"{title}-落实进展报告-{timezone.localdate().isoformat()}.docx"
    response["Content-Disposition"] = tabular.attachment_header(filename)
    return response

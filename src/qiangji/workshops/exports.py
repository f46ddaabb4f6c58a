"""Files made from an activity: the .ics event, the attendance workbook, the briefing .docx."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

from qiangji.lib.officialdoc import FontSet, OfficialDocument
from qiangji.lib.privacy import mask_phone
from qiangji.lib.tabular import Sheet, write_xlsx
from qiangji.workshops.models import Activity, Briefing


def _ics_escape(text: str) -> str:
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > (75 if not out else 74):
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def activity_ics(activity: Activity, *, host: str, url: str) -> str:
    """Return an iCalendar file with one VEVENT for the activity."""
    fmt = "%Y%m%dT%H%M%SZ"
    utc = dt.UTC
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//qiangji//workshops//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:activity-{activity.pk}@{host}",
        f"DTSTAMP:{timezone.now().astimezone(utc).strftime(fmt)}",
        f"DTSTART:{activity.starts_at.astimezone(utc).strftime(fmt)}",
        f"DTEND:{activity.ends_at.astimezone(utc).strftime(fmt)}",
        f"SUMMARY:{_ics_escape(f'{activity.get_kind_display()}：{activity.title}')}",
        f"LOCATION:{_ics_escape(activity.venue)}",
        f"DESCRIPTION:{_ics_escape(activity.organiser + chr(10) + activity.summary)}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    folded: list[str] = []
    for line in lines:
        folded.extend(_fold(line))
    return "\r\n".join(folded) + "\r\n"


def attendance_xlsx(activity: Activity) -> bytes:
    """Return the attendance list as an XLSX workbook, mobile numbers masked."""
    start = timezone.localtime(activity.starts_at)
    headers = ["序号", "姓名", "职务", "手机（已隐藏）", "签到时间", "方式", "迟到"]
    rows = activity.attendances.select_related("person").order_by("signed_at", "pk")
    body = [
        [
            n,
            str(row.person),
            getattr(row.person, "title", ""),
            mask_phone(getattr(row.person, "mobile", "") or ""),
            timezone.localtime(row.signed_at).strftime("%Y-%m-%d %H:%M:%S"),
            row.get_method_display(),
            "是" if row.late else "",
        ]
        for n, row in enumerate(rows, start=1)
    ]
    return write_xlsx(
        [
            Sheet(
                title="签到",
                before=[[activity.title], [f"{start:%Y-%m-%d %H:%M} · {activity.venue}"]],
                title_size=14,
                headers=headers,
                rows=body,
                widths=[6, 18, 28, 16, 20, 14, 6],
            )
        ]
    )


def briefing_docx(
    briefing: Briefing, *, fonts: FontSet | None = None, with_photos: bool = True
) -> bytes:
    """Return the briefing as a GB/T 9704-2012 Word document, photos with their captions."""
    activity = briefing.activity
    subtitle = "　".join(part for part in (briefing.issue_number, briefing.issuer) if part)
    doc = OfficialDocument(title=briefing.title, subtitle=subtitle, fonts=fonts)
    for paragraph in briefing.paragraphs():
        doc.paragraph(paragraph)
    photos = list(activity.photos.all()) if with_photos else []
    if photos:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        for photo in photos[:6]:
            try:
                with photo.image.open("rb") as handle:
                    data = io.BytesIO(handle.read())
            except OSError:
                continue
            width = 120 if photo.width >= photo.height else 80
            doc.document.add_picture(data, width=Mm(width))
            doc.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption = photo.caption + (f"。{photo.credit}" if photo.credit else "")
            doc.paragraph(caption, indent=False)
            doc.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.closing(org=briefing.issuer, date=timezone.localtime(activity.ends_at).date())
    return doc.to_bytes()

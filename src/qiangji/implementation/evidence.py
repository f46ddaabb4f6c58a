"""Evidence files checked by what they contain, not by their name or declared type.

Photos go through ``qiangji.lib.images.check_image`` (decoded by Pillow, re-encoded without
EXIF/GPS, thumbnailed) — the same check as the workshops' activity photos. Documents must
be a PDF (``%PDF-`` header and ``%%EOF`` trailer), or an Office Open XML file (a ZIP holding
``[Content_Types].xml`` and ``word/``, ``xl/`` or ``ppt/``) without macros, within 10 MB.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qiangji.lib.images import ImageRejected, check_image, make_thumbnail
from qiangji.lib.tabular import XLSX_CONTENT_TYPE

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
OOXML = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", XLSX_CONTENT_TYPE),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}


class EvidenceRejected(ValidationError):
    """An upload that is not what it claims; the message says why."""


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # "photo" or "document"
    data: bytes
    extension: str
    content_type: str
    name: str = ""
    width: int = 0
    height: int = 0
    thumbnail: bytes = b""


def check_photo(upload) -> CheckedFile:
    """Return the photo re-encoded without metadata, or raise EvidenceRejected."""
    name = getattr(upload, "name", "") or ""
    try:
        checked = check_image(upload)
    except ImageRejected as error:
        raise EvidenceRejected(error.messages[0], code=error.code) from None
    return CheckedFile(
        kind="photo",
        data=checked.data,
        extension=checked.extension,
        content_type=checked.content_type,
        name=name[-120:],
        width=checked.width,
        height=checked.height,
        thumbnail=make_thumbnail(checked.data),
    )


def check_document(upload) -> CheckedFile:
    """Return a PDF or Office document whose content matches, or raise EvidenceRejected."""
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise _too_big()
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_DOCUMENT_BYTES + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _too_big()
    if not data:
        raise EvidenceRejected(_("The file is empty."), code="empty")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise EvidenceRejected(_("This PDF is incomplete or damaged."), code="invalid")
        return CheckedFile("document", data, "pdf", "application/pdf", name[-120:])
    if data.startswith(b"PK\x03\x04"):
        extension, content_type = _office_kind(data)
        return CheckedFile("document", data, extension, content_type, name[-120:])
    raise EvidenceRejected(
        _("Documents must be PDF, Word (.docx), Excel (.xlsx) or PowerPoint (.pptx) files."),
        code="format",
    )


def _office_kind(data: bytes) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS or (
                sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES
            ):
                raise EvidenceRejected(_("The document unpacks to too much data."), code="bomb")
            names = {m.filename for m in members}
    except zipfile.BadZipFile:
        raise EvidenceRejected(_("The document is damaged."), code="invalid") from None
    if "[Content_Types].xml" not in names:
        raise EvidenceRejected(_("This archive is not an Office document."), code="format")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise EvidenceRejected(_("Documents with macros are not accepted."), code="macro")
    for prefix, kind in OOXML.items():
        if any(n.startswith(prefix) for n in names):
            return kind
    raise EvidenceRejected(_("This archive is not an Office document."), code="format")


def _too_big() -> EvidenceRejected:
    return EvidenceRejected(
        _("The file is larger than %(mb)d MB.") % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
        code="too_big",
    )

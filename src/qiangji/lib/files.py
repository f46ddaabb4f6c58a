"""Uploaded files: random storage names, and serving them only behind a permission check.

Nothing under MEDIA_ROOT has a public URL. Each app serves its uploads through its own view,
which loads the object with its permission helper and then calls `file_response`: Django
streams the file itself (`MEDIA_SERVING=django`, the default, fine for one machine), or hands
the transfer to the reverse proxy after the check (`x-accel-redirect` for nginx with an
`internal` location at `MEDIA_ACCEL_PREFIX`, `x-sendfile` for Apache/lighttpd); see
docs/deploy.md. A concern's photo once lived at /media/concerns/2026/11/concern.png for
anyone who guessed it.
"""

from __future__ import annotations

import mimetypes
import secrets
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible

SERVING_MODES = ("django", "x-accel-redirect", "x-sendfile")
# Shown in the page; anything else (SVG, HTML, PDF, Word) is downloaded, never rendered.
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


@deconstructible
class RandomName:
    """An `upload_to` giving `<prefix>/<yyyy>/<mm>/<32 random hex><.suffix>` (nothing guessable)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()[:6]
        if not suffix[1:].isalnum():
            suffix = ""
        return f"{self.prefix}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


def serving_mode() -> str:
    """Return how files leave the server (settings.MEDIA_SERVING), refusing unknown modes."""
    mode = getattr(settings, "MEDIA_SERVING", "django")
    if mode not in SERVING_MODES:
        raise ImproperlyConfigured(f"MEDIA_SERVING must be one of {SERVING_MODES}; got {mode!r}")
    return mode


def file_response(
    field_file: FieldFile,
    *,
    public: bool = False,
    filename: str = "",
    content_type: str = "",
) -> HttpResponse:
    """Return the response sending an upload the caller has already allowed (404 if missing).

    public: the file may sit in shared caches (a public concern's photo); otherwise only the
    person's own browser keeps it.
    """
    if not field_file or not field_file.name:
        raise Http404
    name = field_file.name
    if ".." in PurePosixPath(name).parts or name.startswith("/"):
        raise Http404
    storage = field_file.storage
    if not storage.exists(name):
        raise Http404
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    download = filename or PurePosixPath(name).name
    mode = serving_mode()
    if mode == "django":
        response: HttpResponse = FileResponse(
            storage.open(name, "rb"),
            content_type=content_type,
            as_attachment=not inline,
            filename=download,
        )
    else:
        response = HttpResponse(content_type=content_type)
        if mode == "x-accel-redirect":
            prefix = getattr(settings, "MEDIA_ACCEL_PREFIX", "/protected-media/").rstrip("/")
            response["X-Accel-Redirect"] = quote(f"{prefix}/{name}")
        else:
            response["X-Sendfile"] = storage.path(name)
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(download)}"
    response["Cache-Control"] = "public, max-age=600" if public else "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    # A file is never a page: no script, no frame, even if a browser sniffs it as one.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response

"""Uploaded pictures checked by their content, cleaned of metadata, and thumbnailed.

A file's name and declared content type are not trusted: Pillow decodes the bytes, and
only JPEG, PNG, WebP and GIF pictures within the size and dimension limits pass. The
stored copy is re-encoded from the pixels, so EXIF (GPS position, camera serials, the
photographer's name), XMP and comments are dropped; the orientation tag is applied to the
pixels first so the picture still stands the right way up.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 12_000
MIN_SIDE = 16
MAX_PIXELS = 40_000_000
THUMBNAIL_SIZE = (480, 480)


class ImageRejected(ValidationError):
    """An upload that is not an acceptable picture; its message says why, for the uploader."""


@dataclass(frozen=True)
class CheckedImage:
    """A picture that passed the checks, re-encoded without metadata."""

    data: bytes
    format: str
    extension: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return f"image/{'jpeg' if self.format == 'JPEG' else self.format.lower()}"


def _read(upload: IO[bytes] | bytes, max_bytes: int) -> bytes:
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > max_bytes:
            raise _too_big(max_bytes)
        if hasattr(upload, "seek"):
            upload.seek(0)
        # Read one byte more than allowed: enough to know the file is too big.
        data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    if not data:
        raise ImageRejected(_("The file is empty."), code="empty")
    return data


def _too_big(max_bytes: int) -> ImageRejected:
    return ImageRejected(
        _("The picture is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)},
        code="too_big",
    )


def check_image(
    upload: IO[bytes] | bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_side: int = MAX_SIDE,
    min_side: int = MIN_SIDE,
    max_pixels: int = MAX_PIXELS,
) -> CheckedImage:
    """Return the upload re-encoded without metadata, or raise ImageRejected saying why."""
    data = _read(upload, max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
                if image_format not in ALLOWED_FORMATS:
                    raise ImageRejected(
                        _("Only JPEG, PNG, WebP or GIF pictures can be uploaded."),
                        code="format",
                    )
                if width * height > max_pixels or max(width, height) > max_side:
                    raise ImageRejected(
                        _("The picture is too large: at most %(side)d pixels on a side.")
                        % {"side": max_side},
                        code="dimensions",
                    )
                if min(width, height) < min_side:
                    raise ImageRejected(
                        _("The picture is too small: at least %(side)d pixels on a side.")
                        % {"side": min_side},
                        code="dimensions",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                cleaned = _reencode(image, image_format)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_("The picture has too many pixels."), code="dimensions") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected(
            _("This file is not a picture that can be read (JPEG, PNG, WebP or GIF)."),
            code="invalid",
        ) from None
    with Image.open(io.BytesIO(cleaned)) as result:
        width, height = result.size
    return CheckedImage(
        data=cleaned,
        format=image_format,
        extension=ALLOWED_FORMATS[image_format],
        width=width,
        height=height,
    )


def _reencode(image: Image.Image, image_format: str) -> bytes:
    """Return the pixels of image written afresh, with no metadata at all."""
    if image_format == "GIF":
        # Keep the first frame only: animations are not needed for activity photos.
        image.seek(0)
    upright = ImageOps.exif_transpose(image) or image
    out = io.BytesIO()
    if image_format == "JPEG":
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=88, optimize=True, exif=b"", icc_profile=None)
    elif image_format == "PNG":
        clean = upright.copy()
        clean.info = {}  # PNG text chunks and eXIf travel in info; start from none
        clean.save(out, "PNG", optimize=True)
    elif image_format == "WEBP":
        if upright.mode not in ("RGB", "RGBA"):
            upright = upright.convert("RGBA")
        upright.save(out, "WEBP", quality=85, exif=b"", xmp=b"")
    else:
        frame = upright.convert("RGBA").convert("P", palette=Image.Palette.ADAPTIVE)
        frame.save(out, "GIF")
    return out.getvalue()


def make_thumbnail(data: bytes, size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes:
    """Return a JPEG thumbnail no larger than size, keeping the picture's proportions."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image) or image
        thumb = upright.convert("RGB")
        thumb.thumbnail(size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        thumb.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    """Return True when the picture's EXIF carries a GPS block (used to prove stripping)."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return bool(exif.get_ifd(0x8825)) or 0x8825 in exif

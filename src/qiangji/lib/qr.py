"""QR codes as SVG (for pages and print) or PNG (for downloads), made with `qrcode`."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _code(data: str, border: int) -> qrcode.QRCode:
    if not data:
        raise ValueError("a QR code needs some data")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data: str, *, border: int = 2, title: str = "") -> str:
    """Return an inline <svg> element (no XML declaration) that scales to its container."""
    code = _code(data, border)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2 :].lstrip()
    # Drop the fixed millimetre size so CSS decides how big the code is drawn.
    head_end = svg.index(">")
    head = svg[:head_end]
    for attribute in ("width", "height"):
        start = head.find(f' {attribute}="')
        if start != -1:
            end = head.index('"', start + len(attribute) + 3)
            head = head[:start] + head[end + 1 :]
    head += ' role="img" class="qr-code"'
    body = svg[head_end:]
    if title:
        from django.utils.html import escape

        body = f"><title>{escape(title)}</title>" + body[1:]
    return head + body


def qr_png(data: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """Return a PNG picture of the QR code."""
    code = _code(data, border)
    code.box_size = box_size
    image = code.make_image(fill_color="black", back_color="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def qr_png_data_uri(data: str, **kwargs) -> str:
    """Return the PNG as a data: URI (allowed by the CSP's img-src) for documents."""
    return "data:image/png;base64," + base64.b64encode(qr_png(data, **kwargs)).decode()

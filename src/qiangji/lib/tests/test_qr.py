"""QR codes as SVG and PNG."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from qiangji.lib.qr import qr_png, qr_png_data_uri, qr_svg


def test_the_svg_scales_to_its_container_and_escapes_its_title():
    svg = qr_svg("https://example.org/workshops/sign/abc", title="签到 <b>")
    assert svg.startswith("<svg")
    assert 'viewBox="0 0 ' in svg
    assert ' width="' not in svg.split(">", 1)[0]
    assert "<title>签到 &lt;b&gt;</title>" in svg
    assert svg.rstrip().endswith("</svg>")


def test_longer_data_makes_a_bigger_code():
    small = qr_svg("a")
    big = qr_svg("https://example.org/" + "x" * 300)
    size = lambda svg: int(svg.split('viewBox="0 0 ')[1].split()[0])  # noqa: E731
    assert size(big) > size(small)


def test_the_png_is_a_square_black_and_white_picture():
    data = qr_png("hello", box_size=4, border=4)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.width == image.height
        assert image.width == (21 + 8) * 4
    assert qr_png_data_uri("hello").startswith("data:image/png;base64,")


def test_empty_data_is_an_error():
    with pytest.raises(ValueError):
        qr_svg("")

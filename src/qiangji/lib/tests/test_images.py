"""Uploaded pictures: checked by content, stripped of EXIF and GPS, thumbnailed."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from qiangji.lib.images import ImageRejected, check_image, has_gps, make_thumbnail


def _jpeg_with_gps(size=(64, 48), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x013B] = "Photographer Name"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (30.0, 35.0, 0.0)
    gps[3] = "E"
    gps[4] = (114.0, 18.0, 0.0)
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _png(size=(40, 30), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def test_a_jpeg_with_gps_passes_and_loses_its_exif():
    original = _jpeg_with_gps()
    assert has_gps(original)
    checked = check_image(original)
    assert checked.format == "JPEG"
    assert (checked.width, checked.height) == (64, 48)
    assert not has_gps(checked.data)
    with Image.open(io.BytesIO(checked.data)) as image:
        assert len(image.getexif()) == 0
    assert b"Photographer Name" not in checked.data


def test_the_orientation_tag_is_applied_to_the_pixels_before_stripping():
    rotated = _jpeg_with_gps(size=(64, 48), orientation=6)  # "rotate 90° clockwise"
    checked = check_image(rotated)
    assert (checked.width, checked.height) == (48, 64)


def test_a_png_passes_with_its_size_and_a_content_type():
    checked = check_image(_png())
    assert checked.extension == "png"
    assert checked.content_type == "image/png"


def test_a_text_file_named_like_a_photo_is_refused():
    with pytest.raises(ImageRejected) as error:
        check_image(b"<script>alert(1)</script> not a picture at all")
    assert error.value.code == "invalid"


def test_an_empty_file_is_refused():
    with pytest.raises(ImageRejected) as error:
        check_image(b"")
    assert error.value.code == "empty"


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all():
    class Big(io.BytesIO):
        size = 50 * 1024 * 1024

    with pytest.raises(ImageRejected) as error:
        check_image(Big(b"\xff\xd8" + b"0" * 100))
    assert error.value.code == "too_big"
    with pytest.raises(ImageRejected):
        check_image(_png(), max_bytes=10)


def test_a_picture_too_large_or_too_small_in_pixels_is_refused():
    with pytest.raises(ImageRejected) as error:
        check_image(_png(size=(300, 20)), max_side=200)
    assert error.value.code == "dimensions"
    with pytest.raises(ImageRejected) as error:
        check_image(_png(size=(8, 8)))
    assert error.value.code == "dimensions"


def test_a_format_outside_the_list_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (32, 32)).save(out, "BMP")
    with pytest.raises(ImageRejected) as error:
        check_image(out.getvalue())
    assert error.value.code == "format"


def test_a_truncated_jpeg_is_refused_not_crashing():
    data = _jpeg_with_gps(size=(300, 300))
    with pytest.raises(ImageRejected):
        check_image(data[: len(data) // 3])


def test_the_thumbnail_keeps_proportions_within_the_box():
    out = io.BytesIO()
    Image.new("RGB", (1600, 800), (0, 90, 0)).save(out, "JPEG")
    thumb = make_thumbnail(out.getvalue(), size=(400, 400))
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.format == "JPEG"
        assert image.size == (400, 200)

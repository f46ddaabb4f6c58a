"""Server-drawn charts for documents (Pillow; no browser, no matplotlib): radar small multiples."""

from __future__ import annotations

import io
import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2: Simplified Chinese
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)
RED = (143, 29, 23)
GREY = (107, 114, 128)
GRID = (209, 213, 219)


@lru_cache(maxsize=8)
def _font(size: int):
    for path, index in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size, index=index)
        except OSError:
            continue
    return ImageFont.load_default()


def _polygon(
    cx: float, cy: float, radius: float, values: list[float | None]
) -> list[tuple[float, float]]:
    n = len(values)
    points = []
    for i, value in enumerate(values):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * max(0.0, min(100.0, value or 0.0)) / 100.0
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def radar_grid(
    axes: list[str],
    panels: list[tuple[str, list[float | None]]],
    median: list[float | None],
    *,
    columns: int = 3,
) -> bytes:
    """Return a PNG with one radar per community (red) over the subdistrict median (grey, dashed).

    A missing trait is drawn at the centre and its axis label is marked with “?”.
    """
    columns = max(1, min(columns, len(panels) or 1))
    cell_w, cell_h = 420, 400
    rows = max(1, math.ceil(len(panels) / columns))
    image = Image.new("RGB", (columns * cell_w, rows * cell_h + 50), "white")
    draw = ImageDraw.Draw(image)
    title_font, label_font, small = _font(26), _font(18), _font(16)
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    fill = ImageDraw.Draw(overlay)
    outlines = []
    draw.text((16, 12), "红色：本社区　灰色：街道中位数　“?”：数据不足", fill=GREY, font=small)
    for index, (name, values) in enumerate(panels):
        ox, oy = (index % columns) * cell_w, (index // columns) * cell_h + 50
        cx, cy, radius = ox + cell_w / 2, oy + cell_h / 2 + 18, 120
        draw.text((ox + 16, oy + 6), name, fill=(17, 24, 39), font=title_font)
        for level in (20, 40, 60, 80, 100):
            ring = _polygon(cx, cy, radius, [level] * len(axes))
            draw.polygon(ring, outline=GRID)
        for i, axis in enumerate(axes):
            end = _polygon(cx, cy, radius, [100 if j == i else 0 for j in range(len(axes))])[i]
            draw.line([(cx, cy), end], fill=GRID)
            angle = -math.pi / 2 + 2 * math.pi * i / len(axes)
            lx, ly = cx + (radius + 28) * math.cos(angle), cy + (radius + 22) * math.sin(angle)
            label = axis + ("?" if values[i] is None else "")
            box = draw.textbbox((0, 0), label, font=label_font)
            draw.text(
                (lx - (box[2] - box[0]) / 2, ly - (box[3] - box[1]) / 2),
                label,
                fill=(55, 65, 81),
                font=label_font,
            )
        med = _polygon(cx, cy, radius, median)
        for a, b in zip(med, med[1:] + med[:1], strict=True):
            _dashed(draw, a, b)
        own = _polygon(cx, cy, radius, values)
        fill.polygon(own, fill=(*RED, 60))
        outlines.append(own)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    for own in outlines:
        draw.polygon(own, outline=RED, width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _dashed(draw, a, b, dash: float = 6.0) -> None:
    length = math.dist(a, b)
    steps = max(1, int(length // dash))
    for s in range(0, steps, 2):
        t0, t1 = s / steps, min(1.0, (s + 1) / steps)
        draw.line(
            [(a[0] + (b[0] - a[0]) * t0, a[1] + (b[1] - a[1]) * t0), (a[0] + (b[0] - a[0]) * t1, a[1] + (b[1] - a[1]) * t1)],
            fill=GREY, width=2,
        )  # fmt: skip

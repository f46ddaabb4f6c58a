"""Reading JSON-lines corpora (message-board exports, labelled sets) for the command line."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.management.base import CommandError

BOARD_TZ = ZoneInfo("Asia/Shanghai")
_TIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d",
)


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict]]:
    """Yield (line number, object) for each non-blank line; CommandError on malformed JSON."""
    try:
        handle = Path(path).open(encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise CommandError(f"{path}:{number}: each line must be a JSON object")
            yield number, row


def parse_board_time(value: object) -> dt.datetime | None:
    """Return an aware datetime from a board's time text (Asia/Shanghai), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = re.sub(r"\s+", " ", value.strip())
    for fmt in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=BOARD_TZ)
        except ValueError:
            continue
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BOARD_TZ)


@dataclass
class Message:
    """One raw message from a board export."""

    id: str
    text: str
    time: dt.datetime | None
    likes: int
    user: str


def message_from_row(row: dict) -> Message:
    """Return a Message from an export row (`id`, `title`, `detail`, optional `time`, `likes`, `user`)."""
    title = str(row.get("title") or "").strip()
    detail = str(row.get("detail") or "").strip()
    text = f"{title}。{detail}" if title and detail else title or detail
    try:
        likes = max(int(row.get("likes") or 0), 0)
    except (TypeError, ValueError):
        likes = 0
    return Message(
        id=str(row.get("id", "")),
        text=text,
        time=parse_board_time(row.get("time")),
        likes=likes,
        user=str(row.get("user") or ""),
    )

"""Masking of residents' personal data for roles that do not need to see it."""

from __future__ import annotations

import re

PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3}-?)(\d{3,4})(\d{4})(?!\d)")


def mask_phone(phone: str) -> str:
    """Return a mobile number as 138****1234; other strings keep only their last 4 chars."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    match = PHONE_RE.fullmatch(phone)
    if match:
        return f"{match.group(1)}****{match.group(3)}"
    if len(phone) <= 4:
        return "*" * len(phone)
    return "*" * (len(phone) - 4) + phone[-4:]


def mask_name(name: str) -> str:
    """Return a Chinese name with all but its first character masked: 张** ."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phones_in_text(text: str) -> str:
    """Return text with every mobile or landline number in it masked."""
    text = PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text or "")
    return LANDLINE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)

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


# Personal data residents write into their own text: the concern is shown to neighbours, the
# matter must stay readable (the building, the lift), the person must not.
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
NAME_AFTER_RE = re.compile(
    r"(我叫|我是|本人|姓名|名字|联系人|户主|业主)([:：\s]?)([\u4e00-\u9fff]{2,3})(?=[，,。；;、\s（(]|$|[0-9])"
)
NAME_BEFORE_RE = re.compile(
    r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff])(先生|女士|小姐|阿姨|大爷|大妈|奶奶|爷爷|师傅|老师)"
)
# 8-2-1203 (building-unit-door): the building stays, the unit and door go.
DOOR_TRIPLE_RE = re.compile(r"(?<!\d)(\d{1,3})-(\d{1,2})-(\d{3,4})(?!\d)")
# 501室 / 1203号 / 501房: a door number.
DOOR_RE = re.compile(r"(?<![\d-])(\d{3,4})(室|号房|房|户)")
UNIT_RE = re.compile(r"(?<!\d)(\d{1,2})(单元)")


def mask_personal_text(text: str) -> str:
    """Return text fit for residents' eyes: phones, ID numbers, names and door numbers masked.

    Best effort on free text (names are found by the phrases residents write them in: 我叫…,
    联系人：…, 王阿姨); the concerns shown anonymously are also only those the community
    chose to make public.
    """
    text = mask_phones_in_text(text or "")
    text = ID_NUMBER_RE.sub(lambda m: f"{m.group(1)}********{'*' * 3}{m.group(2)[-1]}", text)
    text = NAME_AFTER_RE.sub(lambda m: m.group(1) + m.group(2) + mask_name(m.group(3)), text)
    text = NAME_BEFORE_RE.sub(lambda m: "*" + m.group(2), text)
    text = DOOR_TRIPLE_RE.sub(lambda m: f"{m.group(1)}-*-{'*' * len(m.group(3))}", text)
    text = UNIT_RE.sub(lambda m: "*" + m.group(2), text)
    return DOOR_RE.sub(lambda m: "*" * len(m.group(1)) + m.group(2), text)

"""Every translation catalogue is complete and its compiled .mo matches the .po."""

import gettext
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_there_is_a_foundation_catalogue():
    assert PACKAGE / "locale/zh_Hans/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_message_is_translated_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy[:10]}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run `make messages`"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        e.msgid
        for e in po.translated_entries()
        if not e.msgid_plural
        and (compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid))
        != e.msgstr
    ]
    assert not stale, f"{mo_path} is older than its .po: run `make messages` ({stale[:5]})"


def test_no_message_is_translated_two_ways_in_two_catalogues_without_a_context():
    # Django merges every catalogue into one: a msgid translated differently by two apps
    # shows one app's words in the other's pages ("Open" read 未办结 on the plan list).
    # Short words with two meanings need a context (pgettext) instead.
    seen: dict[str, dict[str, str]] = {}
    for po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)).translated_entries():
            if entry.msgctxt or entry.msgid_plural:
                continue
            seen.setdefault(entry.msgid, {})[str(po_path.relative_to(PACKAGE))] = entry.msgstr
    clashes = {msgid: by for msgid, by in seen.items() if len(set(by.values())) > 1}
    assert not clashes, f"translated differently, give them a context: {clashes}"

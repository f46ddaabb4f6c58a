"""Chinese-aware text diffs, rendered as escaped ``<ins>``/``<del>`` HTML.

Chinese has no spaces, so a line or whitespace diff is useless and a character diff is
noisy. The diff works in two steps:

1. split both texts into paragraphs (line breaks) and sentences (ending on 。！？； and their
   ASCII forms, closing quotes kept with the sentence), and align the sentences with
   :class:`difflib.SequenceMatcher`;
2. inside each run of changed sentences, diff words (segmented by rjieba) — or characters,
   with ``granularity="char"``.

``difflib`` must run with ``autojunk=False``: with the default heuristic, any token that is
more than 1 % of a long text ("的", "，") is treated as junk and the alignment falls apart.

Usage::

    from qiangji.lib.cndiff import diff_html, diff_segments

    html = diff_html(old, new)                    # str, already escaped: mark_safe() it
    html = diff_html(old, new, granularity="char")
    for op, text in diff_segments(old, new): ...  # op in {"equal", "insert", "delete"}
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import rjieba

__all__ = [
    "DiffStats",
    "Segment",
    "diff_html",
    "diff_segments",
    "diff_stats",
    "split_sentences",
    "tokenize",
]

Op = Literal["equal", "insert", "delete"]
Granularity = Literal["word", "char"]
Segment = tuple[Op, str]

# A sentence ends on a terminator (possibly repeated, e.g. "！！" or "……"), followed by any
# closing quotes or brackets.
_SENTENCE_RE = re.compile(r"[^。！？；!?;…\n]*(?:[。！？；!?;…]+[”’」』）)\]】]*|\n|$)")
# Below this similarity two blocks of changed sentences are shown as a whole deletion and a
# whole insertion: a word diff of unrelated sentences is confetti.
_MIN_RATIO_FOR_WORD_DIFF = 0.25
# SequenceMatcher's time grows with the product of the two lengths (worse on repetitive text):
# past this many token pairs a block is shown coarser (whole sentences, then paragraphs, then
# the whole text replaced) instead of making a page wait seconds. Text limits keep normal
# fields far below it.
PAIR_BUDGET = 1_000_000


def split_sentences(text: str) -> list[str]:
    """Return text cut into sentences; a line break is its own item, so joining restores text."""
    return [part for part in _SENTENCE_RE.findall(text or "") if part]


def tokenize(text: str, granularity: Granularity = "word") -> list[str]:
    """Return text as words (rjieba) or characters; joining the tokens restores the text."""
    if granularity == "char":
        return list(text)
    return rjieba.cut(text)


def _matcher(a: Sequence[str], b: Sequence[str]) -> difflib.SequenceMatcher:
    return difflib.SequenceMatcher(None, a, b, autojunk=False)


def _append(out: list[Segment], op: Op, text: str) -> None:
    if not text:
        return
    if out and out[-1][0] == op:
        out[-1] = (op, out[-1][1] + text)
    else:
        out.append((op, text))


def _diff_tokens(old: str, new: str, granularity: Granularity, out: list[Segment]) -> None:
    a, b = tokenize(old, granularity), tokenize(new, granularity)
    if len(a) * len(b) > PAIR_BUDGET:
        _append(out, "delete", old)  # the coarser fallback: whole sentences
        _append(out, "insert", new)
        return
    matcher = _matcher(a, b)
    if granularity == "word" and matcher.ratio() < _MIN_RATIO_FOR_WORD_DIFF:
        # Words may hide a shared character or two; only call them unrelated if
        # characters agree.
        if _matcher(list(old), list(new)).ratio() < _MIN_RATIO_FOR_WORD_DIFF:
            _append(out, "delete", old)
            _append(out, "insert", new)
            return
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(out, "equal", "".join(a[i1:i2]))
        else:
            _append(out, "delete", "".join(a[i1:i2]))
            _append(out, "insert", "".join(b[j1:j2]))


def diff_segments(old: str, new: str, *, granularity: Granularity = "word") -> list[Segment]:
    """Return the diff as (op, text) segments; equal+delete rebuild old, equal+insert new."""
    old, new = old or "", new or ""
    out: list[Segment] = []
    if old == new:
        _append(out, "equal", old)
        return out
    sa, sb = split_sentences(old), split_sentences(new)
    if len(sa) * len(sb) > PAIR_BUDGET:
        sa, sb = old.splitlines(keepends=True), new.splitlines(keepends=True)  # paragraphs
        if len(sa) * len(sb) > PAIR_BUDGET:
            _append(out, "delete", old)
            _append(out, "insert", new)
            return out
    for tag, i1, i2, j1, j2 in _matcher(sa, sb).get_opcodes():
        if tag == "equal":
            _append(out, "equal", "".join(sa[i1:i2]))
        elif tag == "delete":
            _append(out, "delete", "".join(sa[i1:i2]))
        elif tag == "insert":
            _append(out, "insert", "".join(sb[j1:j2]))
        else:
            _diff_tokens("".join(sa[i1:i2]), "".join(sb[j1:j2]), granularity, out)
    return out


def _render(op: Op, text: str) -> str:
    escaped = html.escape(text)
    if op == "equal":
        return escaped
    tag = "ins" if op == "insert" else "del"
    return f"<{tag}>{escaped}</{tag}>"


def diff_html(old: str, new: str, *, granularity: Granularity = "word") -> str:
    """Return the diff as HTML with every text escaped, changes wrapped in <ins>/<del>."""
    return "".join(
        _render(op, text) for op, text in diff_segments(old, new, granularity=granularity)
    )


@dataclass(frozen=True)
class DiffStats:
    """How many characters a diff inserts and deletes."""

    inserted: int
    deleted: int

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.deleted)


def diff_stats(segments: Sequence[Segment]) -> DiffStats:
    """Return the number of inserted and deleted characters of a diff."""
    inserted = sum(len(text) for op, text in segments if op == "insert")
    deleted = sum(len(text) for op, text in segments if op == "delete")
    return DiffStats(inserted=inserted, deleted=deleted)

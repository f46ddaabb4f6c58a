"""What a plan may cite, read from the sibling capabilities when they are installed.

* the community's hot topics and most pressing open concerns (``concerns`` app), for the
  plan's "concerns answered";
* the case library of the programme's subdistrict (``workshops`` app), for "cases cited".

Read-only, through their models' public fields, and never fatal: when an app is absent or
its schema differs, the editor simply offers nothing.

**Citations are links.** Each chip carries a reference token after its text —
``〔诉求#12〕`` (concern), ``〔主题#3〕`` (topic), ``〔热点#7〕`` (hot issue), ``〔案例#5〕``
(case) — which the secretary may also type. ``do_close_round`` reads the tokens of the
plan's "concerns answered" and "cases cited" and of every node's "concerns answered"
(``parse_citations``) and stores them as ``PlanCitation`` rows of the frozen version, so an
implementation item can be followed back to the residents' words (``version_citations``)
and a case to the plans that learned from it (``plans_citing``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import DatabaseError

from qiangji.lib.privacy import mask_phones_in_text

log = logging.getLogger(__name__)

#: The word of each citation kind in the reference token 〔诉求#12〕.
TOKEN_WORDS = {"concern": "诉求", "topic": "主题", "hot_issue": "热点", "case": "案例"}
_KIND_OF_WORD = {word: kind for kind, word in TOKEN_WORDS.items()}
TOKEN_RE = re.compile(r"[〔［\[]\s*(诉求|主题|热点|案例)\s*[#＃]\s*(\d{1,12})\s*[〕］\]]")


def token(kind: str, target_id: int) -> str:
    """Return the reference token of a citation, e.g. "〔诉求#12〕"."""
    return f"〔{TOKEN_WORDS[kind]}#{target_id}〕"


@dataclass(frozen=True)
class Cited:
    kind: str
    target_id: int
    text: str  # the line without its token


def parse_citations(text: str) -> list[Cited]:
    """Return the citations (by reference token) of a one-per-line text, in order, once each."""
    found: list[Cited] = []
    seen: set[tuple[str, int]] = set()
    for line in (text or "").splitlines():
        tokens = list(TOKEN_RE.finditer(line))
        if not tokens:
            continue
        bare = TOKEN_RE.sub("", line).strip(" \t-·•")[:200]
        for match in tokens:
            key = (_KIND_OF_WORD[match.group(1)], int(match.group(2)))
            if key not in seen:
                seen.add(key)
                found.append(Cited(kind=key[0], target_id=key[1], text=bare))
    return found


def strip_tokens(text: str) -> str:
    """Return a text without its reference tokens (for documents read by people)."""
    return TOKEN_RE.sub("", text or "")


def citation_rows(version, plan_fields: dict, nodes) -> list:
    """Return the PlanCitation rows (unsaved) of a version being frozen."""
    from qiangji.plans.models import PlanCitation

    rows = []
    for name in ("concerns", "cases"):
        for cited in parse_citations(plan_fields.get(name, "")):
            rows.append(
                PlanCitation(
                    version=version,
                    node_key=None,
                    kind=cited.kind,
                    target_id=cited.target_id,
                    text=cited.text,
                )
            )
    for node in nodes:
        for cited in parse_citations(node.concerns):
            rows.append(
                PlanCitation(
                    version=version,
                    node_key=node.key,
                    kind=cited.kind,
                    target_id=cited.target_id,
                    text=cited.text,
                )
            )
    return rows


def version_citations(version) -> list:
    """Return the citations of a frozen version (plan-level first, then by node)."""
    return list(version.citations.all())


def plans_citing(kind: str, target_id: int):
    """Return the versions citing a concern/topic/hot issue/case, newest first (a QuerySet)."""
    from qiangji.plans.models import PlanVersion

    return (
        PlanVersion.objects.filter(citations__kind=kind, citations__target_id=target_id)
        .select_related("plan__community")
        .order_by("-frozen_at")
        .distinct()
    )


def _model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def concern_suggestions(community, *, limit: int = 8) -> list[str]:
    """Return the community's hot topics and most pressing open concerns (masked), best first."""
    out: list[str] = []
    topic_model, concern_model = _model("concerns", "Topic"), _model("concerns", "Concern")
    try:
        if topic_model is not None:
            out += [
                f"{label}{token('topic', pk)}"
                for pk, label in topic_model.objects.filter(territory=community)
                .order_by("-score")
                .values_list("pk", "label")[:limit]
                if label
            ]
        if concern_model is not None:
            rows = (
                concern_model.objects.filter(
                    community=community, closed_at__isnull=True, duplicate_of__isnull=True
                )
                .order_by("-priority_score")
                .values_list("pk", "title", "text")[:limit]
            )
            for pk, title, text in rows:
                summary = (title or text or "").strip().replace("\n", " ")
                summary = mask_phones_in_text(summary[:40])
                if summary:
                    out.append(f"{summary}{token('concern', pk)}")
    except (FieldError, DatabaseError, ValueError):
        log.warning("concerns are not readable for plan citations", exc_info=True)
        return []
    return out[: limit * 2]


def case_suggestions(programme, *, limit: int = 12) -> list[str]:
    """Return "title（source community，city）" of the cases of the programme's subdistrict."""
    case_model = _model("workshops", "Case")
    if case_model is None:
        return []
    try:
        rows = (
            case_model.objects.filter(subdistrict=programme.subdistrict)
            .order_by("title")
            .values_list("pk", "title", "source_community", "city")[:limit]
        )
        return [
            (f"{title}（{source}，{city}）" if source else title) + token("case", pk)
            for pk, title, source, city in rows
        ]
    except (FieldError, DatabaseError, ValueError):
        log.warning("cases are not readable for plan citations", exc_info=True)
        return []

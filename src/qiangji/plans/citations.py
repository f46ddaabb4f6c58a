"""What a plan may cite, read from the sibling capabilities when they are installed.

* the community's hot topics and most pressing open concerns (``concerns`` app), for the
  plan's "concerns answered";
* the case library of the programme's subdistrict (``workshops`` app), for "cases cited".

Read-only, through their models' public fields, and never fatal: when an app is absent or
its schema differs, the editor simply offers nothing.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import DatabaseError

from qiangji.lib.privacy import mask_phones_in_text

log = logging.getLogger(__name__)


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
                label
                for label in topic_model.objects.filter(territory=community)
                .order_by("-score")
                .values_list("label", flat=True)[:limit]
                if label
            ]
        if concern_model is not None:
            rows = (
                concern_model.objects.filter(
                    community=community, closed_at__isnull=True, duplicate_of__isnull=True
                )
                .order_by("-priority_score")
                .values_list("title", "text")[:limit]
            )
            for title, text in rows:
                summary = (title or text or "").strip().replace("\n", " ")
                summary = mask_phones_in_text(summary[:40])
                if summary and summary not in out:
                    out.append(summary)
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
            .values_list("title", "source_community", "city")[:limit]
        )
        return [f"{title}（{source}，{city}）" if source else title for title, source, city in rows]
    except (FieldError, DatabaseError, ValueError):
        log.warning("cases are not readable for plan citations", exc_info=True)
        return []

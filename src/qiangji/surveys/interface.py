"""What other apps may use from surveys (the brand index, dashboards, the landing page).

``results_by_community(community_ids, *, programme=None, since=None) -> dict[int, dict]``
    Residents' figures per community, aggregated in SQL in three queries whatever the number of
    communities or responses. Only counted responses (not excluded by an organiser) count.
    For each community id asked (always present, even without any response)::

        {
          "responses": int,               # counted responses of the latest round
          "survey_id": int | None,        # the latest round's survey
          # 获得感/幸福感/安全感 combined: share of respondents whose mean over the three is ≥ 4
          "satisfied_share": float | None, "ci_low": float | None, "ci_high": float | None,
          "n": int, "insufficient": bool,  # insufficient: n < 30, then share and CI are None
          "senses": {"gain" | "happiness" | "security":
                     {"share", "ci_low", "ci_high", "n", "insufficient"}},  # each, share 4–5
          "awareness_share", "awareness_ci_low", "awareness_ci_high", "awareness_n",
          "awareness_insufficient",        # knew the community's brand project
          "participation_share", "participation_ci_low", "participation_ci_high",
          "participation_n", "participation_insufficient",  # took part in the last 6 months
          "rounds": [ {survey_id, title, series, round, opens_at (ISO text), responses,
                       satisfied_share, ci_low, ci_high, n, insufficient,
                       awareness_*, participation_*}, ... ],   # oldest first: the trend
        }

    The top-level figures are those of the latest round (the survey that opened last) in
    which the community has responses; ``programme`` keeps surveys of that programme only;
    ``since`` (a date or an aware datetime) keeps responses submitted since then. Shares are
    fractions (0–1) rounded to 4 places; intervals are Wilson 95 %.

``public_links(community)`` (in ``surveys/nav.py``)
    The open surveys of a community for the landing page.

``wilson_interval`` lives in ``qiangji.lib.stats``; the threshold is ``THRESHOLD`` (30).
"""

from __future__ import annotations

import datetime as dt

from qiangji.surveys.models import THRESHOLD
from qiangji.surveys.results import by_community

__all__ = ["THRESHOLD", "results_by_community"]


def results_by_community(
    community_ids: list[int], *, programme=None, since: dt.date | dt.datetime | None = None
) -> dict[int, dict]:
    """Return the residents' survey figures of each community (see the module docstring)."""
    return by_community(community_ids, programme=programme, since=since)

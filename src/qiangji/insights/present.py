"""Turn a computed index (the snapshot's JSON) into rows ready to print, with their links.

Formatting happens here, not in templates (400 rows × 20 cells render fast that way), and
every figure carries the URL of where it comes from.
"""

from __future__ import annotations

import statistics
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .spec import INDICATOR_LABELS, TRAIT_KEYS, TRAIT_LABELS, TRAIT_ZH

INSUFFICIENT = "数据不足"

REASONS = {
    "no_plan": gettext_lazy("no plan in this programme"),
    "no_tasks": gettext_lazy("the plan has no tasks yet"),
    "no_lines": gettext_lazy("the plan has no main lines"),
    "empty_tree": gettext_lazy("the plan tree is empty"),
    "too_little_text": gettext_lazy("too little plan text to compare"),
    "no_population": gettext_lazy("the community's population is not recorded"),
    "too_few": gettext_lazy("too few observations"),
    "no_source": gettext_lazy("this source is not available yet"),
    "no_survey": gettext_lazy("no survey of this community yet"),
    "no_items": gettext_lazy("no implementation items yet"),
    "not_a_number": gettext_lazy("the value is not a number"),
}


SOURCES = {
    "plans": gettext_lazy("plan"),
    "workshops": gettext_lazy("activities"),
    "concerns": gettext_lazy("concerns"),
    "reviews": gettext_lazy("reviews"),
    "implementation": gettext_lazy("implementation"),
    "surveys": gettext_lazy("surveys"),
    "insights": gettext_lazy("media reports"),
}


def reason_text(code: str) -> str:
    return str(REASONS.get(code, code or _("missing")))


def _url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def fmt_score(value) -> str:
    return INSUFFICIENT if value is None else f"{value:.0f}"


def fmt_pct(value) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def fmt_value(value, unit: str) -> str:
    if value is None:
        return INSUFFICIENT
    if unit == "share":
        return f"{100 * value:.1f}%"
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.2f}"


def score_class(value) -> str:
    if value is None:
        return "s-na"
    return f"s{min(4, int(value // 20))}"


def source_url(source: str, *, community_id: int, programme_id: int, extras: dict) -> str:
    """Return the page a figure of `source` comes from, for one community."""
    if source == "plans" and extras.get("plan_id"):
        return _url("plans:detail", pk=extras["plan_id"])
    if source == "reviews" and extras.get("plan_id"):
        return _url("reviews:plan", pk=extras["plan_id"])
    if source == "concerns":
        base = _url("concerns:stats")
        return f"{base}?{urlencode({'territory': community_id})}" if base else ""
    if source == "workshops":
        base = _url("workshops:index")
        return (
            f"{base}?{urlencode({'programme': programme_id, 'community': community_id})}"
            if base
            else ""
        )
    if source == "insights":
        return f"{_url('insights:media', pk=programme_id)}?{urlencode({'community': community_id})}"
    if source in ("implementation", "surveys"):
        base = _url(f"{source}:index")
        return f"{base}?{urlencode({'community': community_id})}" if base else ""
    return ""


def trait_cells(row: dict, programme_id: int) -> list[dict]:
    return [
        {
            "key": key,
            "label": TRAIT_LABELS[key],
            "zh": TRAIT_ZH[key],
            "score": row["traits"][key]["score"],
            "text": fmt_score(row["traits"][key]["score"]),
            "css": score_class(row["traits"][key]["score"]),
            "url": _url("insights:evidence", pk=programme_id, community_id=row["id"], trait=key),
            "mentor": row["traits"][key].get("mentor"),
        }
        for key in TRAIT_KEYS
    ]


def rank_text(row: dict) -> str:
    if not row.get("rank_band"):
        return INSUFFICIENT
    low, high = row["rank_band"]
    return f"{row['rank_median']:g}（{low}–{high}）"


def index_rows(result: dict, programme_id: int, *, only: set[int] | None = None) -> list[dict]:
    """Return the communities ordered by median rank (unranked last), each ready to print."""
    n = max(1, len(result.get("communities", [])))
    rows = []
    for row in result.get("communities", []):
        if only is not None and row["id"] not in only:
            continue
        band = row.get("rank_band")
        rows.append(
            {
                "id": row["id"],
                "name": row["name"],
                "url": _url("insights:community", pk=programme_id, community_id=row["id"]),
                "traits": trait_cells(row, programme_id),
                "composite": fmt_score(row.get("composite")),
                "rank": rank_text(row),
                "rank_median": row.get("rank_median"),
                "band": row.get("band"),
                "band_class": "band-even" if (row.get("band") or 0) % 2 == 0 else "band-odd",
                "bar_left": round((band[0] - 1) * 100 / n, 1) if band else 0,
                "bar_width": round((band[1] - band[0] + 1) * 100 / n, 1) if band else 0,
                "extras": row.get("extras", {}),
                "raw": row,
            }
        )
    rows.sort(key=lambda r: (r["rank_median"] is None, r["rank_median"] or 0, r["name"]))
    previous = None
    for r in rows:
        r["band_start"] = r["band"] is not None and r["band"] != previous
        previous = r["band"] if r["band"] is not None else previous
    return rows


def radar_data(result: dict, rows: list[dict], *, with_median: bool = True) -> dict:
    """Return the data of a radar chart: six axes 0–100, one series per community (+ median)."""
    series = [
        {"name": row["name"], "values": [row["traits"][k]["score"] for k in TRAIT_KEYS]}
        for row in rows
    ]
    if with_median:
        series.append(
            {
                "name": _("Subdistrict median"),
                "values": [result["median"].get(k) for k in TRAIT_KEYS],
                "median": True,
            }
        )
    return {"axes": [TRAIT_ZH[k] for k in TRAIT_KEYS], "series": series}


def evidence_rows(row: dict, trait: str, programme_id: int) -> list[dict]:
    """Return the indicators of one trait of one community with their sources."""
    out = []
    extras = row.get("extras", {})
    for key, indicator in row["traits"][trait]["indicators"].items():
        out.append(
            {
                "key": key,
                "label": INDICATOR_LABELS.get(key, key),
                "value": fmt_value(indicator["value"], indicator["unit"]),
                "score": fmt_score(indicator["score"]),
                "css": score_class(indicator["score"]),
                "low": fmt_value(indicator["low"], indicator["unit"]),
                "high": fmt_value(indicator["high"], indicator["unit"]),
                "direction": "↑" if indicator["direction"] > 0 else "↓",
                "n": indicator.get("n"),
                "ci": (
                    f"{fmt_value(indicator['ci'][0], indicator['unit'])}–{fmt_value(indicator['ci'][1], indicator['unit'])}"
                    if indicator.get("ci")
                    else ""
                ),  # fmt: skip
                "missing": indicator["status"] != "ok",
                "reason": reason_text(indicator["reason"]) if indicator["status"] != "ok" else "",
                "source": str(SOURCES.get(indicator["source"], indicator["source"])),
                "url": source_url(
                    indicator["source"],
                    community_id=row["id"],
                    programme_id=programme_id,
                    extras=extras,
                ),
                # pairs, not a dict: a key such as "items" would shadow dict.items in templates
                "detail": [
                    (k, v) for k, v in (indicator.get("detail") or {}).items() if k != "nearest"
                ],
            }
        )
    return out


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

"""XLSX score sheets of a round: summary with statistics, per plan, per mentor."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qiangji.lib.tabular import Sheet, write_xlsx
from qiangji.plans.models import Plan
from qiangji.programmes.models import Programme
from qiangji.reviews.models import Review, Score
from qiangji.reviews.statistics import cached_round_statistics

HEADER_FILL = "F3E3E2"


def _sheet(title: str, headers: list[str], rows: list[list], *, after=None) -> Sheet:
    return Sheet(
        title=title,
        headers=headers,
        rows=[[_rounded(v) for v in row] for row in rows],
        after=after or [],
        widths=[max(10, min(40, len(str(h)) * 2 + 4)) for h in headers],
        header_fill=HEADER_FILL,
        freeze_header=True,
    )


def _rounded(value):
    return round(value, 2) if isinstance(value, float) else value


def score_workbook(programme: Programme, round_number: int) -> bytes:
    """Return the XLSX bytes of a round's score sheets."""
    rubric_criteria: list[str] = []
    reviews = list(
        Review.objects.filter(
            status=Review.Status.SUBMITTED,
            plan_version__plan__programme=programme,
            plan_version__number=round_number,
        )
        .select_related("plan_version__plan__community", "reviewer", "rubric")
        .order_by("plan_version__plan__community__order", "reviewer__username")
    )
    scores: dict[int, dict[str, Score]] = {}
    for score in Score.objects.filter(review__in=reviews).select_related("criterion"):
        scores.setdefault(score.review_id, {})[score.criterion.name] = score
        if score.criterion.name not in rubric_criteria:
            rubric_criteria.append(score.criterion.name)
    stats = cached_round_statistics(programme.pk, round_number, rubric_criteria)
    plans = {p.pk: p for p in Plan.objects.filter(programme=programme).select_related("community")}

    def cell(score: Score | None):
        if score is None:
            return None
        return _("N/A") if score.not_applicable else score.value

    summary_rows = []
    for row in stats.rows:
        plan = plans.get(row.plan)
        r = row.ranked
        summary_rows.append(
            [
                plan.community.name if plan else row.plan,
                plan.brand_name if plan else "",
                row.summary.n,
                row.summary.mean,
                row.summary.median,
                row.summary.trimmed_mean,
                row.summary.sd,
                row.calibrated,
                r.rank if r else None,
                f"{r.rank_low}–{r.rank_high}" if r else "",
                r.band if r else None,
            ]
        )
    after = [[], [_("Agreement (Krippendorff's alpha, interval)")]]
    for name, result in [(_("Total"), stats.alpha_total), *stats.alpha_by_criterion.items()]:
        after.append(
            [name, round(result.alpha, 3) if result.alpha is not None else _("not enough data")]
        )
    after += [[], [_("Scores are on a 0–100 scale; the rubric's lowest score is 0.")]]
    summary = _sheet(
        _("Summary"),
        [
            _("Community"),
            _("Brand"),
            _("Reviews"),
            _("Mean"),
            _("Median"),
            _("Trimmed mean"),
            _("SD"),
            _("Calibrated"),
            _("Rank"),
            # xgettext:no-python-format
            _("95% rank interval"),
            _("Tied band"),
        ],
        summary_rows,
        after=after,
    )

    per_plan_rows = []
    for review in reviews:
        plan = review.plan_version.plan
        per_plan_rows.append(
            [
                plan.community.name,
                f"v{review.plan_version.number}",
                str(review.reviewer),
                *[cell(scores.get(review.pk, {}).get(name)) for name in rubric_criteria],
                review.total,
                review.get_confidence_display(),
                review.opinion,
            ]
        )
    tail = [_("Total (0–100)"), _("Confidence"), _("Overall opinion")]
    by_plan = _sheet(
        _("By plan"),
        [_("Community"), _("Version"), _("Mentor"), *rubric_criteria, *tail],
        per_plan_rows,
    )
    per_mentor = sorted(per_plan_rows, key=lambda r: (r[2], r[0]))
    by_mentor = _sheet(
        _("By mentor"),
        [_("Mentor"), _("Community"), _("Version"), *rubric_criteria, *tail],
        [[r[2], r[0], r[1], *r[3:]] for r in per_mentor],
    )
    return write_xlsx([summary, by_plan, by_mentor])

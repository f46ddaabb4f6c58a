"""Exports: responses (streamed, chunk by chunk), aggregates with intervals, a Word summary.

Every spreadsheet goes through `qiangji.lib.tabular` (formulas neutralised). Responses are
read in primary-key chunks of `CHUNK` with one query for their answers per chunk, so
100,000 responses export with bounded memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from qiangji.lib.officialdoc import OfficialDocument
from qiangji.surveys.models import THRESHOLD, Answer, Kind, Question, Response, Survey
from qiangji.surveys.results import SurveyResults

CHUNK = 2000


def response_headers(questions: list[Question]) -> list[str]:
    return [
        _("Response"),
        _("Community"),
        _("Submitted at"),
        _("Flag"),
        _("Counted"),
        _("Exclusion reason"),
        *[f"{i}. {q.text}" for i, q in enumerate(questions, start=1)],
    ]


def _cell(question: Question, values: list) -> str | int:
    if not values:
        return ""
    if question.kind == Kind.TEXT:
        return values[0]
    if question.kind == Kind.MULTIPLE:
        return "；".join(question.choice_label(v) for v in sorted(values))
    if question.kind == Kind.SINGLE:
        return question.choice_label(values[0])
    return values[0]


def response_rows(survey: Survey, questions: list[Question]) -> Iterator[list]:
    """Yield one row per response, oldest first, reading CHUNK responses at a time."""
    names = dict(survey.communities().values_list("pk", "name")) | {
        survey.territory_id: survey.territory.name
    }
    last = 0
    while True:
        chunk = list(
            Response.objects.filter(survey=survey, pk__gt=last)
            .order_by("pk")
            .values_list(
                "pk", "community_id", "submitted_at", "flag", "counted", "exclusion_reason"
            )[:CHUNK]
        )
        if not chunk:
            return
        answers: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        for response_id, question_id, value, text in Answer.objects.filter(
            response_id__gte=chunk[0][0], response_id__lte=chunk[-1][0], survey=survey
        ).values_list("response_id", "question_id", "value", "text"):
            answers[response_id][question_id].append(text if value is None else value)
        for pk, community_id, submitted_at, flag, counted, reason in chunk:
            given = answers.get(pk, {})
            yield [
                pk,
                names.get(community_id, community_id),
                timezone.localtime(submitted_at).strftime("%Y-%m-%d %H:%M"),
                flag,
                _("yes") if counted else _("no"),
                reason,
                *[_cell(q, given.get(q.pk, [])) for q in questions],
            ]
        last = chunk[-1][0]


def _pct(value: float | None) -> str | float:
    return "" if value is None else round(value * 100, 1)


AGGREGATE_HEADERS = [
    "question",
    "kind",
    "community",
    "n",
    "mean",
    "satisfied_share_pct",
    "ci_low_pct",
    "ci_high_pct",
    "insufficient",
    "distribution",
]


def aggregate_rows(results: SurveyResults) -> list[list]:
    """One row per question overall and per community, with the Wilson interval columns."""
    names = {c.pk: c.name for c in results.communities}
    rows = []
    for qr in results.questions:
        q = qr.question
        distribution = "；".join(f"{d['label']}:{d['count']}" for d in qr.distribution())
        r = qr.satisfied
        rows.append(
            [
                q.text,
                q.get_kind_display(),
                _("All"),
                qr.n,
                "" if qr.insufficient or qr.mean is None else qr.mean,
                _pct(r.share) if r else "",
                _pct(r.ci_low) if r else "",
                _pct(r.ci_high) if r else "",
                _("yes") if qr.insufficient else _("no"),
                "" if qr.insufficient or q.kind == Kind.TEXT else distribution,
            ]
        )
        for community_id, entry in sorted(
            qr.by_community.items(), key=lambda i: names.get(i[0], "")
        ):
            r = entry["rate"]
            small = entry["n"] < THRESHOLD
            rows.append(
                [
                    q.text,
                    q.get_kind_display(),
                    names.get(community_id, community_id),
                    entry["n"],
                    "" if small or entry["mean"] is None else entry["mean"],
                    _pct(r.share) if r else "",
                    _pct(r.ci_low) if r else "",
                    _pct(r.ci_high) if r else "",
                    _("yes") if small else _("no"),
                    "",
                ]
            )
    return rows


def summary_docx(results: SurveyResults) -> bytes:
    """Return a GB/T 9704 Word summary: response counts, each question, communities, trend."""
    survey = results.survey
    doc = OfficialDocument(title=f"{survey.title}结果摘要")
    doc.heading(1, "基本情况")
    doc.paragraph(
        f"本次测评（第{survey.round}轮）面向{survey.territory.name}"
        f"{'各社区' if survey.covers_subdistrict else ''}居民，"
        f"{timezone.localtime(survey.opens_at):%Y年%m月%d日}至{timezone.localtime(survey.closes_at):%Y年%m月%d日}开放，"
        f"共收到有效答卷{results.counted}份"
        + (f"，另有{results.excluded}份经审核排除（理由已记录）" if results.excluded else "")
        + "。比例均附95%置信区间（Wilson法）；样本少于30份的数字不予公布，记为“样本不足”。"
    )
    doc.heading(1, "各题结果")
    for qr in results.questions:
        q = qr.question
        if q.kind == Kind.TEXT:
            doc.paragraph(f"{q.text}：收到文字意见{qr.n}条，已按主题归并供社区研究办理。")
            continue
        if qr.insufficient:
            doc.paragraph(f"{q.text}：样本不足（n={qr.n}）。")
            continue
        parts = [f"{q.text}：n={qr.n}"]
        if qr.mean is not None:
            parts.append(f"平均{qr.mean}")
        if qr.satisfied is not None and qr.satisfied.share is not None:
            label = "满意（4—5分）" if q.kind == Kind.SCALE else "肯定回答"
            parts.append(
                f"{label}比例{qr.satisfied.share * 100:.1f}%"
                f"（95%置信区间{qr.satisfied.ci_low * 100:.1f}%—{qr.satisfied.ci_high * 100:.1f}%）"
            )
        doc.paragraph("，".join(parts) + "。")
    scale = [qr for qr in results.questions if qr.question.kind == Kind.SCALE]
    if len(results.communities) > 1 and scale:
        doc.heading(1, "各社区比较")
        names = {c.pk: c.name for c in results.communities}
        first = scale[0]
        rows = []
        for community in results.communities:
            entry = first.by_community.get(community.pk, {"n": 0, "rate": None})
            r = entry["rate"]
            if r is None or r.share is None:
                rows.append([names[community.pk], entry["n"], "样本不足", ""])
            else:
                rows.append(
                    [
                        names[community.pk],
                        entry["n"],
                        f"{r.share * 100:.1f}%",
                        f"{r.ci_low * 100:.1f}%—{r.ci_high * 100:.1f}%",
                    ]
                )
        doc.paragraph(f"以“{first.question.text}”为例：", indent=True)
        doc.table(["社区", "样本量", "满意比例", "95%置信区间"], rows, widths_mm=[56, 25, 35, 40])
    if len(results.trend) > 1:
        doc.heading(1, "各轮趋势")
        rows = []
        for t in results.trend:
            r = t["rate"]
            rows.append(
                [
                    f"第{t['round']}轮",
                    t["responses"],
                    "样本不足" if r.share is None else f"{r.share * 100:.1f}%",
                    "" if r.share is None else f"{r.ci_low * 100:.1f}%—{r.ci_high * 100:.1f}%",
                ]
            )
        doc.paragraph("获得感、幸福感、安全感综合满意比例（三项平均4分及以上的居民所占比例）：")
        doc.table(["轮次", "答卷", "综合满意比例", "95%置信区间"], rows, widths_mm=[30, 30, 46, 50])
    doc.closing(org=survey.territory.name, date=timezone.localdate())
    return doc.to_bytes()

"""Open data: the index aggregates as CSV and JSON, with a README defining every column.

No personal data: communities' figures only (counts, rates and scores), never a resident.
"""

from __future__ import annotations

from django.utils.translation import get_language

from .spec import INDICATORS, TRAIT_KEYS, TRAIT_ZH

FILES = {
    "traits": "各社区品牌六性得分与秩次 / the six trait scores and ranks of each community",
    "indicators": "各社区各指标原值与标准化得分 / every indicator of each community, raw and normalised",
    "concerns": "各社区诉求与工单汇总 / concern and ticket figures of each community",
}


def file_title(name: str) -> str:
    """Return what a file holds in the reader's language (FILES says it in both, for README)."""
    chinese, _sep, english = FILES[name].partition(" / ")
    return chinese if (get_language() or "zh").startswith("zh") else english


COLUMNS = {
    "traits": [
        ("programme", "工程名称 / programme name"),
        ("version", "品牌指数版本号（计算所用的权重版本）/ index version that made the scores"),
        ("computed_at", "计算时间（ISO 8601，带时区）/ when the figures were computed"),
        ("community", "社区名称 / community"),
        (
            "community_code",
            "12位统计用区划代码（未登记为空）/ statistical division code, empty if unknown",
        ),
        ("population", "常住人口（未登记为空）/ population, empty if unknown"),
        *[
            (
                f"{TRAIT_ZH[k]}",
                f"{TRAIT_ZH[k]}得分 0–100，数据不足为空 / {k} score 0–100, empty when insufficient",
            )
            for k in TRAIT_KEYS
        ],
        (
            "composite",
            "综合指数 0–100（已评分特性的加权合成），不足三项特性为空 / composite of the scored traits",
        ),
        (
            "rank_median",
            "不确定性分析（蒙特卡洛）中的秩次中位数，1 为最好 / median rank in the Monte Carlo, 1 is best",
        ),
        ("rank_low", "秩次 5% 分位 / 5th percentile of the rank"),
        ("rank_high", "秩次 95% 分位 / 95th percentile of the rank"),
        (
            "band",
            "并列档次：同档社区之间的先后没有意义 / tied band: order within a band is not meaningful",
        ),
    ],
    "indicators": [
        ("programme", "工程名称 / programme name"),
        ("version", "品牌指数版本号 / index version"),
        ("computed_at", "计算时间 / when computed"),
        ("community", "社区名称 / community"),
        ("trait", "所属特性 / trait"),
        ("indicator", "指标代码，定义见 docs/brand-index.md / indicator key"),
        ("value", "原始值（比例为 0–1），缺失为空 / raw value (shares 0–1), empty when missing"),
        ("score", "按固定阈值标准化后的得分 0–100 / score after the fixed goalposts"),
        ("low", "下阈值 / low goalpost"),
        ("high", "上阈值 / high goalpost"),
        ("direction", "1 越大越好，-1 越小越好 / 1 more is better, -1 less is better"),
        ("n", "观测数（若有）/ number of observations when there is one"),
        (
            "missing_reason",
            "缺失原因代码（no_plan, too_few, no_source …）/ why the value is missing",
        ),
    ],
    "concerns": [
        ("programme", "工程名称 / programme name"),
        ("computed_at", "计算时间 / when computed"),
        ("community", "社区名称 / community"),
        ("concerns", "诉求条数（含重复反映）/ concerns reported, duplicates included"),
        ("tickets", "工单数 / tickets"),
        ("response_rate", "响应率：已签收及以后 / 全部工单（0–1）/ response rate"),
        ("solve_rate", "解决率：已反馈或已回访 / 全部工单（0–1）/ solve rate"),
        ("satisfaction_rate", "满意率：满意＋基本满意 / 已回访（0–1）/ satisfaction at follow-up"),
        ("followed_up", "已回访工单数 / tickets followed up"),
        ("open", "未办结工单数 / open tickets"),
        ("overdue", "逾期未办结工单数 / overdue open tickets"),
    ],
}


def readme(name: str) -> str:
    lines = [
        f"# {name}",
        "",
        FILES[name],
        "",
        "无个人信息：只有社区层面的计数、比例和得分。",
        "",
        "| 列 column | 含义 definition |",
        "|---|---|",
    ]
    lines += [f"| `{column}` | {definition} |" for column, definition in COLUMNS[name]]
    lines += ["", "CSV: UTF-8 带 BOM，逗号分隔 / UTF-8 with BOM. JSON: 同名字段 / the same fields."]
    return "\n".join(lines) + "\n"


def table(name: str, snapshot) -> tuple[list[str], list[list]]:
    result = snapshot.result
    programme = snapshot.programme.name
    computed_at = snapshot.computed_at.isoformat()
    headers = [column for column, _definition in COLUMNS[name]]
    rows: list[list] = []
    for row in result.get("communities", []):
        if name == "traits":
            band = row.get("rank_band") or [None, None]
            rows.append(
                [
                    programme,
                    result.get("version"),
                    computed_at,
                    row["name"],
                    row.get("code") or "",
                    row.get("population"),
                ]
                + [row["traits"][k]["score"] for k in TRAIT_KEYS]
                + [row.get("composite"), row.get("rank_median"), band[0], band[1], row.get("band")]
            )
        elif name == "indicators":
            for indicator in INDICATORS:
                data = row["traits"][indicator.trait]["indicators"].get(indicator.key)
                if data is None:
                    continue
                rows.append(
                    [programme, result.get("version"), computed_at, row["name"], TRAIT_ZH[indicator.trait],
                     indicator.key, data["value"], data["score"], data["low"], data["high"], data["direction"],
                     data.get("n"), data.get("reason") or ""]
                )  # fmt: skip
        else:
            e = row.get("extras", {})
            rows.append(
                [programme, computed_at, row["name"], e.get("concerns"), e.get("tickets"), e.get("response_rate"),
                 e.get("solve_rate"), e.get("satisfaction_rate"), e.get("followed_up"), e.get("open"), e.get("overdue")]
            )  # fmt: skip
    return headers, rows

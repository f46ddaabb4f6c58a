"""The programme report (培育强基工程工作总结): a GB/T 9704 Word document written from the records."""

from __future__ import annotations

from django.utils import timezone

from qiangji.lib.officialdoc import OfficialDocument, cn_date
from qiangji.programmes.models import Programme

from . import present
from .charts import radar_grid
from .spec import TRAIT_KEYS, TRAIT_ZH


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def programme_report(programme: Programme, result: dict) -> bytes:
    """Return the .docx of the programme's summary, ready for a leader to edit."""
    from qiangji.workshops.interface import activities_of_programme

    subdistrict = programme.subdistrict
    rows = result.get("communities", [])
    doc = OfficialDocument(title=f"{programme.name}工作总结", subtitle=f"（{subdistrict.name}）")
    n = len(rows)
    doc.paragraph(
        f"{cn_date(programme.starts_on)}至{cn_date(programme.ends_on)}，{subdistrict.name}"
        f"组织辖区{n}个社区开展“{programme.name}”。现将工作情况总结如下。"
    )

    doc.heading(1, "开展的活动")
    activities = activities_of_programme(programme.pk)
    if activities:
        kinds: dict[str, int] = {}
        for activity in activities:
            kinds[activity["kind_label"]] = kinds.get(activity["kind_label"], 0) + 1
        doc.paragraph(
            f"共开展活动{len(activities)}场，其中"
            + "、".join(f"{k}{v}场" for k, v in kinds.items())
            + "。"
        )
        doc.table(
            ["日期", "活动", "形式", "参与社区", "签到人次"],
            [
                [
                    cn_date(timezone.localtime(a["starts_at"]).date(), year=False),
                    a["title"],
                    a["kind_label"],
                    a["communities"],
                    a["signed"],
                ]
                for a in activities
            ],  # fmt: skip
            widths_mm=[22, 62, 30, 22, 20],
        )
        for activity in activities:
            if activity["summary"]:
                doc.paragraph(f"{activity['title']}：{activity['summary']}")
    else:
        doc.paragraph("本工程尚未登记活动。")

    doc.heading(1, "品牌方案与修改轮次")
    planned = [r for r in rows if r.get("extras", {}).get("plan_id")]
    doc.paragraph(
        f"{len(planned)}个社区形成了社区品牌创建工作方案，{n - len(planned)}个社区尚无方案。"
        "方案经“提出—讨论—优化—细化—修改”逐轮完善，每轮定稿为不可更改的版本。"
    )
    doc.table(
        ["社区", "品牌名称", "当前轮次", "已定稿版本"],
        [
            [
                r["name"],
                r["extras"].get("brand_name") or "—",
                r["extras"].get("plan_round") or "—",
                r["extras"].get("plan_versions") or 0,
            ]
            for r in rows
        ],  # fmt: skip
        widths_mm=[36, 70, 25, 25],
    )

    doc.heading(1, "导师评审结果")
    reviewed = [r for r in rows if r.get("extras", {}).get("review_mean") is not None]
    if reviewed:
        doc.paragraph(
            "导师从可行性、实用性、创新性、合理性、持续性五个方面评审各社区方案（百分制）。"
            "档次由自助法重抽样得出，同档社区之间的先后没有统计意义。"
        )
        doc.table(
            ["社区", "评审轮次", "评审人数", "平均分", "档次"],
            [
                [
                    r["name"],
                    r["extras"].get("review_round"),
                    r["extras"].get("review_n"),
                    f"{r['extras']['review_mean']:.1f}",
                    r.get("review_band") or "—",
                ]
                for r in sorted(reviewed, key=lambda r: -r["extras"]["review_mean"])
            ],  # fmt: skip
            widths_mm=[40, 25, 25, 30, 36],
        )
    else:
        doc.paragraph("尚无提交的导师评审。")

    doc.heading(1, "落实情况")
    delivered = [r for r in rows if r.get("extras", {}).get("items")]
    if delivered:
        doc.table(
            ["社区", "事项数", "进度", "逾期"],
            [
                [
                    r["name"],
                    r["extras"]["items"],
                    _pct(r["extras"].get("progress")),
                    r["extras"].get("items_overdue") or 0,
                ]
                for r in delivered
            ],  # fmt: skip
            widths_mm=[46, 35, 35, 40],
        )
    else:
        doc.paragraph("落实事项数据不足（尚无登记的落实事项）。")

    doc.heading(1, "居民满意度")
    survey_rows = []
    for r in rows:
        indicator = r["traits"]["satisfaction"]["indicators"].get("survey_satisfied_share") or {}
        tickets = r.get("extras", {})
        survey_rows.append(
            [r["name"],
             present.fmt_value(indicator.get("value"), "share") if indicator.get("value") is not None else "数据不足",
             f"{present.fmt_value(indicator['ci'][0], 'share')}–{present.fmt_value(indicator['ci'][1], 'share')}"
             if indicator.get("ci") else "—",
             _pct(tickets.get("satisfaction_rate")), tickets.get("followed_up") or 0]
        )  # fmt: skip
    doc.paragraph(
        "满意度测评结果附95%置信区间；样本不足30份的不报告比例。工单满意率为回访中满意和基本满意的占比。"
    )
    doc.table(
        ["社区", "测评满意率", "95%区间", "回访满意率", "回访件数"],
        survey_rows,
        widths_mm=[36, 30, 36, 30, 24],
    )

    doc.heading(1, "品牌六性")
    doc.paragraph(
        f"品牌指数第{result.get('version')}版按固定阈值把各项指标换算为0–100分，"
        "同一特性内取已有指标的加权平均；缺少过半指标的特性记为“数据不足”，不按零分计。"
        f"秩次来自{result.get('draws', 0)}次蒙特卡洛模拟（权重、标准化方法、合成方法和测评区间同时变动），"
        "报告中位数和5%–95%区间。"
    )
    heads = [TRAIT_ZH[k] for k in TRAIT_KEYS]
    doc.table(
        ["社区", *heads, "秩次"],
        [
            [
                r["name"],
                *[present.fmt_score(r["traits"][k]["score"]) for k in TRAIT_KEYS],
                present.rank_text(r),
            ]
            for r in sorted(
                rows, key=lambda r: (r.get("rank_median") is None, r.get("rank_median") or 0)
            )
        ],  # fmt: skip
        widths_mm=[30, 16, 16, 16, 16, 16, 16, 30],
        font_pt=10.5,
    )
    median = [result.get("median", {}).get(k) for k in TRAIT_KEYS]
    image = radar_grid(
        heads, [(r["name"], [r["traits"][k]["score"] for k in TRAIT_KEYS]) for r in rows], median
    )
    doc.picture(image, width_mm=156, caption="图：各社区品牌六性雷达图（灰色虚线为街道中位数）")

    doc.heading(1, "存在的不足和下一步工作")
    weak_lines = []
    for r in rows:
        weak = [TRAIT_ZH[k] for k in TRAIT_KEYS if r["traits"][k]["score"] is not None
                and result.get("median", {}).get(k) is not None and r["traits"][k]["score"] < result["median"][k]]  # fmt: skip
        missing = [TRAIT_ZH[k] for k in TRAIT_KEYS if r["traits"][k]["score"] is None]
        if weak or missing:
            parts = []
            if weak:
                parts.append("低于街道中位数：" + "、".join(weak))
            if missing:
                parts.append("数据不足：" + "、".join(missing))
            weak_lines.append(f"{r['name']}——" + "；".join(parts) + "。")
    doc.paragraph("\n".join(weak_lines) or "各社区六性均不低于街道中位数。")
    doc.paragraph(
        "下一步，要对照短板逐项补齐，把居民最关切、最紧迫的事项办实办细，持续跟踪落实，定期开展满意度测评。"
    )
    doc.closing(org=subdistrict.name, date=timezone.localdate())
    return doc.to_bytes()

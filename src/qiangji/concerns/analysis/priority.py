"""Priority = how many care × how urgent. The formula, in words and in code.

care     = log2(1 + residents + me_too + 0.25 × likes) × recency
recency  = 0.5 + 0.5 × 0.5^(age_days / 14)          (a fortnight halves the fresh half;
                                                     an unresolved matter never drops below half)
urgency  = 1 + Σ weights of the factors present, at most 5
           safety 安全 1.0 · health 健康 0.6 · elderly and children 老幼 0.5 ·
           utilities 水电气暖 0.8 · deadline within 24 h 0.5 (overdue 1.0) · staff flag 督办 1.0
priority = care × urgency, rounded to two decimals

Residents are counted once each (a person who reports the same matter twice is one
resident); me-too is a supporter who did not file a report; likes come from imported boards.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from qiangji.lib.text import normalise

RECENCY_HALF_LIFE_DAYS = 14.0
LIKE_WEIGHT = 0.25
URGENCY_CAP = 5.0

# factor: (weight, Chinese label, words that signal it in the normalised text)
URGENCY_FACTORS: dict[str, tuple[float, str, tuple[str, ...]]] = {
    "safety": (1.0, "安全", ("安全隐患", "隐患", "危险", "倒塌", "坍塌", "漏电", "触电", "起火", "火灾", "失火",
                              "消防", "燃气泄漏", "煤气", "坠落", "高空抛物", "脱落", "裂缝", "塌陷", "困人", "被困",
                              "溺水", "井盖", "砸伤", "打架", "斗殴", "盗窃", "诈骗")),
    "health": (0.6, "健康", ("污染", "异味", "臭味", "恶臭", "污水", "化粪池", "蚊虫", "老鼠", "传染", "疫情", "发烧",
                              "中毒", "粉尘", "噪音", "扰民", "失眠", "医疗", "就医", "看病")),
    "vulnerable": (0.5, "老幼", ("老人", "老年人", "独居", "空巢", "高龄", "残疾", "轮椅", "孕妇", "儿童", "小孩",
                                  "孩子", "学生", "婴儿", "幼儿")),
    "utilities": (0.8, "水电气暖", ("停水", "停电", "断水", "断电", "没水", "没电", "水压", "供水", "供电", "燃气",
                                     "天然气", "暖气", "供暖", "供热", "电梯", "水管", "爆管", "跳闸")),
}  # fmt: skip
DEADLINE_SOON_WEIGHT = 0.5
DEADLINE_OVERDUE_WEIGHT = 1.0
STAFF_FLAG_WEIGHT = 1.0

_FACTOR_RES = {
    key: re.compile("|".join(map(re.escape, words)))
    for key, (_, _, words) in URGENCY_FACTORS.items()
}


def urgency_factors(text: str) -> list[str]:
    """Return the urgency factors (keys of URGENCY_FACTORS) whose words appear in text."""
    norm = normalise(text)
    return [key for key, pattern in _FACTOR_RES.items() if pattern.search(norm)]


def recency(age_days: float) -> float:
    """Return the recency weight, 1.0 for a new concern falling towards 0.5."""
    age_days = max(age_days, 0.0)
    return 0.5 + 0.5 * 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)


@dataclass(frozen=True)
class Priority:
    """The priority of a concern with every term of the formula, for display on hover."""

    residents: int
    me_too: int
    likes: int
    age_days: float
    factors: tuple[str, ...]
    deadline: str  # "", "soon" or "overdue"
    staff_flag: bool
    care: float = field(init=False)
    urgency: float = field(init=False)
    score: float = field(init=False)

    def __post_init__(self) -> None:
        supporters = max(self.residents, 0) + max(self.me_too, 0) + LIKE_WEIGHT * max(self.likes, 0)
        care = math.log2(1 + supporters) * recency(self.age_days)
        bonus = sum(URGENCY_FACTORS[f][0] for f in self.factors)
        if self.deadline == "soon":
            bonus += DEADLINE_SOON_WEIGHT
        elif self.deadline == "overdue":
            bonus += DEADLINE_OVERDUE_WEIGHT
        if self.staff_flag:
            bonus += STAFF_FLAG_WEIGHT
        urgency = min(1.0 + bonus, URGENCY_CAP)
        object.__setattr__(self, "care", round(care, 3))
        object.__setattr__(self, "urgency", round(urgency, 2))
        object.__setattr__(self, "score", round(care * urgency, 2))

    def explain(self) -> str:
        """Return the formula with this concern's numbers, in Chinese, for a tooltip."""
        factor_text = "、".join(URGENCY_FACTORS[f][1] for f in self.factors) or "无"
        extra = []
        if self.deadline == "soon":
            extra.append("临近时限+0.5")
        elif self.deadline == "overdue":
            extra.append("已超时+1.0")
        if self.staff_flag:
            extra.append("督办+1.0")
        return (
            f"优先级 {self.score} = 关切度 {self.care} × 紧迫度 {self.urgency}；"
            f"关切度 = log2(1 + {self.residents}位居民 + {self.me_too}人我也关心 + 0.25×{self.likes}赞)"
            f" × 时效 {recency(self.age_days):.2f}（{self.age_days:.0f}天前）；"
            f"紧迫度 = 1 + 因素（{factor_text}）{'，' + '，'.join(extra) if extra else ''}，上限5"
        )


def priority(
    *,
    text: str = "",
    residents: int = 1,
    me_too: int = 0,
    likes: int = 0,
    age_days: float = 0.0,
    deadline: str = "",
    staff_flag: bool = False,
    factors: tuple[str, ...] | None = None,
) -> Priority:
    """Return the Priority of a concern from its counts, age, text and flags."""
    found = tuple(urgency_factors(text)) if factors is None else tuple(factors)
    return Priority(
        residents=residents,
        me_too=me_too,
        likes=likes,
        age_days=age_days,
        factors=found,
        deadline=deadline,
        staff_flag=staff_flag,
    )

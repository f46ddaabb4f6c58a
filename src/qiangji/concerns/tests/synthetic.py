"""Synthetic concern texts for tests: made up here, never taken from a real data set."""

from __future__ import annotations

import random

COMPOUNDS = ["石榴园小区", "K23幸福家园", "柯尔山小区", "杭州西路小区", "广州路小区", "团城花园"]

PHRASES: dict[str, list[str]] = {
    "电梯": [
        "电梯又坏了",
        "电梯经常停运",
        "电梯困人",
        "电梯门关不上",
        "电梯维保不到位",
        "电梯异响很吓人",
    ],
    "停车": [
        "车位太少停车难",
        "乱停车堵住通道",
        "外来车辆占用车位",
        "停车费涨价不合理",
        "电动车乱停乱放",
        "路边停车没人管",
    ],
    "环境卫生": [
        "垃圾桶满了没人清运",
        "楼道堆满杂物",
        "垃圾分类没人指导",
        "绿化带里全是垃圾",
        "下水道堵塞发臭",
        "小广告贴满墙",
    ],
    "噪音扰民": [
        "晚上广场舞声音太大",
        "装修噪音从早到晚",
        "楼下烧烤店吵到半夜",
        "工地夜间施工噪音",
        "狗叫声整夜不停",
        "KTV音响扰民",
    ],
    "养老服务": [
        "独居老人没人照看",
        "老年食堂饭菜太贵",
        "希望增加助餐点",
        "高龄老人需要上门服务",
        "日间照料中心没开门",
        "老人体检排队太久",
    ],
}
OPENERS = ["", "您好，", "反映一下，", "我是业主，", "请社区帮忙，", "急！"]
CLOSERS = ["", "希望尽快处理。", "谢谢！", "已经好几天了。", "请领导重视。", "大家都很着急。"]


def concern_text(category: str, rng: random.Random) -> str:
    """Return one made-up concern of a category."""
    phrases = rng.sample(PHRASES[category], 2)
    return f"{rng.choice(OPENERS)}{rng.choice(COMPOUNDS)}{rng.randint(1, 30)}栋{phrases[0]}，{phrases[1]}，{rng.choice(CLOSERS)}"


def labelled_set(n_per_category: int, *, seed: int = 0) -> tuple[list[str], list[str]]:
    """Return (texts, labels) with n made-up texts per category, shuffled."""
    rng = random.Random(seed)
    pairs = [(concern_text(c, rng), c) for c in PHRASES for _ in range(n_per_category)]
    rng.shuffle(pairs)
    return [p[0] for p in pairs], [p[1] for p in pairs]

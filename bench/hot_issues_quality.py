"""Hot issues on the 4,254 board messages, hand-checked: precision and recall of the top 10.

    PYTHONPATH=src .venv/bin/python bench/hot_issues_quality.py

How the check was made (28 Nov, by the hot-issue engineer): `qiangji hot-issues --input
messages.jsonl --top 20` was run and every group of the top 10 read message by message.
`MATTERS` below records, for each of them, the matter in our own words, the members judged
*not* about it (by message id) and the search we ran to find every message about the matter in
the file (keywords that must all appear, any of the alternatives); the search results were
read by title and kept when they are about the matter. No message text is stored here.

Precision of a group = members about its matter / members. Recall = the matter's messages
(our search) that the group holds / the matter's messages. The baseline, measured in the same
run on the same matters: the present hot topics (`qiangji topics`, `analysis/hot.py`): for each
matter the topic holding most of its messages, with that topic's precision for the matter.
The data is read from ../shared/data/liuyan/ (QJ_LIUYAN_DIR), never copied.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _concerns_common import read_jsonl, require_data, setup_django, write_result  # noqa: E402

# (our description, place word the group is labelled by, off-matter member ids judged by hand,
#  search: every tuple is "all of these", alternatives are tried in turn)
MATTERS = [
    ("丽发新城旁建混凝土搅拌站：噪音、粉尘、污染", "丽发", [], [("丽发", "搅拌")]),
    ("“58车贷”（展星投资）集资诈骗案的立案与追赃", "车贷", [], [("58车贷",), ("展星",)]),
    ("月亮岛路沿线架设110kV高压线", "高压", [], [("月亮岛路", "高压")]),
    (
        "星湖湾二期洋房质量、价格与强制交房",
        "星湖湾",
        ["210030", "249870", "286910"],
        [("星湖湾", "洋房"), ("星湖湾", "交房"), ("星湖湾", "二期")],
    ),
    ("诺亚山林小区门口设立（眼科）医院", "诺亚山林", ["193788"], [("诺亚山林", "医院")]),
    ("经开区泉星公园项目规划与效果图", "泉星公园", [], [("泉星公园",)]),
    (
        "荣盛花语城旁星沙联络线噪音",
        "花语城",
        ["273103"],
        [("花语城", "噪"), ("联络线", "噪")],
    ),
    ("晟福兴汝金城二期虚假宣传与质量", "兴汝金城", [], [("兴汝金城",)]),
    ("聚利网（聚利人普惠）平台不能提现、涉嫌诈骗", "聚利", [], [("聚利",)]),
    ("“食在我家”饭店油烟扰民", "食在我家", [], [("食在我家",)]),
]


def _matches(text: str, search) -> bool:
    return any(all(word in text for word in alternative) for alternative in search)


def main() -> None:
    require_data("messages.jsonl")
    setup_django()
    from qiangji.concerns.analysis.corpus import message_from_row
    from qiangji.concerns.analysis.hot import Item, rank_topics
    from qiangji.concerns.analysis.hotissues import Doc, find_hot_issues

    messages = [message_from_row(row) for row in read_jsonl("messages.jsonl")]
    messages = [m for m in messages if m.text]
    docs = [Doc(m.id, m.text, m.time, m.likes, m.user) for m in messages]
    issues = find_hot_issues(docs).issues[:10]
    topics = rank_topics([Item(m.id, m.text, m.time, m.likes, m.user) for m in messages], top=100)
    rows = []
    for description, word, off, search in MATTERS:
        truth = {m.id for m in messages if _matches(m.text, search)}
        group = next((h for h in issues if any(word in docs[i].text for i in h.members)), None)
        members = {docs[i].id for i in group.members} if group else set()
        precision = (len(members) - len(set(off) & members)) / len(members) if members else 0.0
        recall = len(members & truth) / len(truth) if truth else 0.0
        best = max(topics, key=lambda t: len(set(t.ids) & truth))
        overlap = len(set(best.ids) & truth)
        rows.append(
            {
                "matter": description,
                "label": group.label if group else None,
                "size": len(members),
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "matter_messages": len(truth),
                "topic_label": best.label,
                "topic_size": len(best.ids),
                "topic_precision": round(overlap / len(best.ids), 3),
                "topic_recall": round(overlap / len(truth), 3) if truth else 0.0,
            }
        )
    mean = lambda key: round(sum(r[key] for r in rows) / len(rows), 3)  # noqa: E731
    summary = {
        "hot_issues_precision": mean("precision"),
        "hot_issues_recall": mean("recall"),
        "topics_precision": mean("topic_precision"),
        "topics_recall": mean("topic_recall"),
        "targets": "precision ≥ 0.9, recall ≥ 0.8 (top 10)",
    }
    for r in rows:
        print(
            f"{r['label'] or '—':<28} P={r['precision']:.2f} R={r['recall']:.2f} "
            f"({r['size']} / {r['matter_messages']})   topic {r['topic_label']}: "
            f"P={r['topic_precision']:.2f} R={r['topic_recall']:.2f}"
        )
    print(
        f"top 10: hot issues precision {summary['hot_issues_precision']}, recall "
        f"{summary['hot_issues_recall']}; present topics on the same matters: precision "
        f"{summary['topics_precision']}, recall {summary['topics_recall']}"
    )
    write_result("hot_issues_quality", {"matters": rows, **summary})


if __name__ == "__main__":
    main()

"""Hot topics ranked by priority: topics fitted on messages, each scored by its concerns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from qiangji.concerns.analysis.dedup import group_near_duplicates
from qiangji.concerns.analysis.priority import priority
from qiangji.concerns.analysis.topics import TopicModel


@dataclass
class RankedTopic:
    """A topic with its label, size, score (sum of its matters' priorities) and member ids."""

    label: str
    size: int
    score: float
    ids: list[str]

    def as_dict(self) -> dict:
        return {"label": self.label, "size": self.size, "score": self.score, "ids": self.ids}


@dataclass
class Item:
    """What ranking needs of one message or concern."""

    id: str
    text: str
    time: dt.datetime | None = None
    likes: int = 0
    user: str = ""


def rank_topics(
    items: Sequence[Item], *, n_topics: int | None = None, top: int = 10
) -> list[RankedTopic]:
    """Return the top topics of items by priority, highest first.

    Near-duplicates form one matter: its residents are the distinct users who reported it,
    its likes are summed, its age is that of its latest report. A topic's score is the sum of
    the priorities of its matters, so a topic many distinct residents care about, recently
    and urgently, outranks a long list of one-off messages.
    """
    if not items:
        return []
    texts = [it.text for it in items]
    model = TopicModel(n_topics).fit(texts)
    groups = group_near_duplicates(texts)
    times = [it.time for it in items if it.time is not None]
    now = max(times) if times else None

    matters: dict[int, list[int]] = {}
    for index, group in enumerate(groups):
        matters.setdefault(group, []).append(index)
    topic_score = [0.0] * len(model.topics)
    for members in matters.values():
        users = {items[i].user or f"#{i}" for i in members}
        latest = max((items[i].time for i in members if items[i].time), default=None)
        age = (now - latest).total_seconds() / 86400 if now and latest else 0.0
        score = priority(
            text=items[members[0]].text,
            residents=len(users),
            likes=sum(items[i].likes for i in members),
            age_days=age,
        ).score
        # A matter belongs to the topic most of its reports fall in.
        topic_votes = [int(model.labels_[i]) for i in members]
        topic_score[max(set(topic_votes), key=topic_votes.count)] += score

    ranked = [
        RankedTopic(
            label=t.label,
            size=len(t.members),
            score=round(topic_score[t.number], 2),
            ids=[items[i].id for i in t.members],
        )
        for t in model.topics
        if t.members
    ]
    ranked.sort(key=lambda r: (-r.score, -r.size, r.label))
    return ranked[:top]

"""Free-text answers grouped with the concerns app's text pipeline (one small door to it).

Near-duplicates (the same remark reworded, TF-IDF over character n-grams) are grouped first;
with enough answers the groups are then gathered into themes by the concerns topic model.
Nothing is copied here: this module only calls `concerns.analysis`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_TEXTS = 500  # the newest answers grouped on a page (the pipeline is quadratic in blocks)
MIN_FOR_THEMES = 12


@dataclass
class TextGroup:
    """Answers that say the same thing; `items` are (answer id, text) pairs, first is shown."""

    items: list[tuple[int, str]]

    @property
    def size(self) -> int:
        return len(self.items)


@dataclass
class Theme:
    label: str
    groups: list[TextGroup] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(g.size for g in self.groups)


def group_texts(items: list[tuple[int, str]]) -> list[Theme]:
    """Return themes of near-duplicate groups, the largest first (one theme for few answers)."""
    if not items:
        return []
    from qiangji.concerns.analysis.dedup import group_near_duplicates

    texts = [text for _pk, text in items]
    labels = group_near_duplicates(texts)
    groups: dict[int, TextGroup] = {}
    for item, label in zip(items, labels, strict=True):
        groups.setdefault(label, TextGroup([])).items.append(item)
    ordered = sorted(groups.values(), key=lambda g: -g.size)
    if len(ordered) < MIN_FOR_THEMES:
        return [Theme("", ordered)]
    from qiangji.concerns.analysis.topics import TopicModel

    heads = [g.items[0][1] for g in ordered]
    try:
        model = TopicModel().fit(heads)
    except ValueError:
        return [Theme("", ordered)]
    themes: dict[int, Theme] = {}
    for topic in model.topics:
        theme = Theme(topic.label)
        for member in topic.members:
            theme.groups.append(ordered[member])
        if theme.groups:
            themes[topic.number] = theme
    found = sorted(themes.values(), key=lambda t: -t.size)
    return found or [Theme("", ordered)]

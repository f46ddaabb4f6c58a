"""Near-duplicates: the same matter reported again, by others or by the same person.

Two texts are compared by the cosine of their TF-IDF vectors over character 2–3-grams of the
normalised text (so traditional/simplified, width and spacing do not matter). For one new
text against a community's open concerns, `similar` ranks candidates; for a batch,
`group_near_duplicates` links every pair above the threshold (sparse matrix products in
blocks, so memory stays bounded) and returns connected components.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from qiangji.lib.text import normalise

# Above this cosine two reports are treated as the same matter. Chosen on synthetic pairs
# (a sentence reworded, padded with greetings, or in traditional characters scores 0.5–0.9;
# two different matters in the same compound score below 0.35).
DUPLICATE_THRESHOLD = 0.5
# Above this cosine an open concern is offered to a resident as "maybe the same as yours".
SIMILAR_THRESHOLD = 0.25


def _compact(text: str) -> str:
    return "".join(ch for ch in normalise(text).lower() if ch.isalnum())


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, dtype=np.float32)


@dataclass(frozen=True)
class Match:
    """A candidate's position in the list given to `similar` and its similarity (0–1)."""

    index: int
    score: float


def similar(
    text: str, candidates: Sequence[str], *, limit: int = 5, threshold: float = SIMILAR_THRESHOLD
) -> list[Match]:
    """Return the candidates most like text, best first, above the threshold."""
    query = _compact(text)
    if not query or not candidates:
        return []
    docs = [_compact(c) for c in candidates]
    vectorizer = _vectorizer()
    try:
        matrix = vectorizer.fit_transform([query, *docs])
    except ValueError:  # every document empty or one character long
        return []
    sims = (matrix[1:] @ matrix[0].T).toarray().ravel()
    order = np.argsort(-sims, kind="stable")[:limit]
    return [Match(int(i), round(float(sims[i]), 4)) for i in order if sims[i] >= threshold]


def group_near_duplicates(
    texts: Sequence[str], *, threshold: float = DUPLICATE_THRESHOLD, block: int = 2000
) -> list[int]:
    """Return a group number per text; texts in one group are near-duplicates (transitively)."""
    n = len(texts)
    if n == 0:
        return []
    docs = [_compact(t) for t in texts]
    try:
        matrix = _vectorizer().fit_transform(docs).tocsr()
    except ValueError:
        return list(range(n))
    return group_rows(matrix, threshold=threshold, block=block)


def group_rows(matrix, *, threshold: float = DUPLICATE_THRESHOLD, block: int = 2000) -> list[int]:
    """Return a group number per row of an L2-normalised sparse matrix (cosine ≥ threshold).

    Union-find over the pairs above the threshold; the products run block by block and skip
    the columns before the block (only pairs row < col are needed), so memory stays bounded.
    """
    n = matrix.shape[0]
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    transposed = matrix.T.tocsc()
    for start in range(0, n, block):
        sims = (matrix[start : start + block] @ transposed[:, start:]).tocoo()
        keep = (sims.data >= threshold) & (sims.row < sims.col)
        for row, col in zip(sims.row[keep] + start, sims.col[keep] + start, strict=True):
            a, b = find(int(row)), find(int(col))
            if a != b:
                parent[max(a, b)] = min(a, b)
    roots: dict[int, int] = {}
    return [roots.setdefault(find(i), len(roots)) for i in range(n)]

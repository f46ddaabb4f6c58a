"""Hot topics: concerns clustered by what they are about, labelled by their key terms.

Pipeline (the same for the platform, `qiangji topics` and the benchmark):

1. Topic words of each text: nouns, verbs and names from rjieba's tagger (territory names in
   the user dictionary are nouns), stopwords dropped.
2. TF-IDF with sublinear term frequency; words in fewer than 3 texts (noise, typos) and in
   more than 5 % of texts (words every concern uses, 小区, 业主) are dropped.
3. Latent semantic analysis: a truncated SVD to 20 dimensions, rows scaled to unit length,
   so that texts sharing no exact word but related words still meet.
4. k-means in that space (mini-batch beyond 20,000 texts). A topic's label is the three words
   with the highest mean TF-IDF among its texts, generic words such as 小区 left out.

New concerns join the nearest topic (`TopicModel.assign`) without refitting; a full refit
runs in the background.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import joblib
import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from qiangji.lib.text import default_segmenter

LSA_DIMENSIONS = 20
MIN_DOCUMENT_FREQUENCY = 3
MAX_DOCUMENT_SHARE = 0.05
MINI_BATCH_FROM = 20_000
# Words that help to separate topics but say nothing as a label ("小区·电梯·物业" → "电梯·物业").
GENERIC_LABEL_WORDS = frozenset(
    {"小区", "社区", "居民", "业主", "回家", "生活", "情况", "工作", "没有", "现在"}
)
# A new text joins a topic only when it is at least this close (cosine in LSA space).
ASSIGN_THRESHOLD = 0.3


def topic_terms(text: str) -> list[str]:
    """Return the words of text that say what it is about (nouns, verbs, names)."""
    return default_segmenter().topic_terms(text)


def default_topic_count(n_texts: int) -> int:
    """Return a number of topics for a corpus of that size: about √(n/2), from 2 to 50."""
    return max(2, min(50, round(math.sqrt(max(n_texts, 1) / 2))))


@dataclass
class Topic:
    """One topic: its label words and the positions of its texts in the fitted corpus."""

    number: int
    label: str
    terms: list[str]
    members: list[int]


class TopicModel:
    """Fit topics on a corpus, then assign new texts to them."""

    def __init__(self, n_topics: int | None = None, *, random_state: int = 0) -> None:
        self.n_topics = n_topics
        self.random_state = random_state
        self.vectorizer: TfidfVectorizer | None = None
        self.svd: TruncatedSVD | None = None
        self.centroids: np.ndarray | None = None
        self.topics: list[Topic] = []
        self.labels_: np.ndarray = np.array([], dtype=int)

    def _vectorizer(self, n: int) -> TfidfVectorizer:
        # Small corpora (a new community) keep every word; the frequency cut-offs are for
        # corpora large enough for them to mean something.
        min_df = MIN_DOCUMENT_FREQUENCY if n >= 200 else 1
        max_df = MAX_DOCUMENT_SHARE if n >= 1000 else 1.0
        return TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, min_df=min_df, max_df=max_df, dtype=np.float32
        )

    def fit(self, texts: Sequence[str], *, terms: Sequence[list[str]] | None = None) -> TopicModel:
        """Return self with topics fitted on texts (pass pre-computed `terms` to save time)."""
        n = len(texts) if terms is None else len(terms)
        self.labels_ = np.zeros(n, dtype=int)
        self.topics = []
        if n == 0:
            return self
        docs = list(terms) if terms is not None else [topic_terms(t) for t in texts]
        k = min(self.n_topics or default_topic_count(n), n)
        self.vectorizer = self._vectorizer(n)
        try:
            tfidf = self.vectorizer.fit_transform(docs)
        except ValueError:  # no usable word at all
            self.vectorizer = None
            self.topics = [Topic(0, "其他", [], list(range(n)))]
            return self
        dims = max(1, min(LSA_DIMENSIONS, tfidf.shape[1] - 1, n - 1))
        if tfidf.shape[1] > 1 and n > 2:
            self.svd = TruncatedSVD(dims, random_state=self.random_state)
            space = normalize(self.svd.fit_transform(tfidf))
        else:
            self.svd = None
            space = normalize(tfidf.toarray())
        if k <= 1:
            labels = np.zeros(n, dtype=int)
            self.centroids = normalize(space.mean(axis=0, keepdims=True))
        else:
            if n >= MINI_BATCH_FROM:
                clusterer = MiniBatchKMeans(
                    k, random_state=self.random_state, n_init=3, batch_size=4096
                )
            else:
                clusterer = KMeans(k, random_state=self.random_state, n_init=10)
            labels = clusterer.fit_predict(space)
            self.centroids = normalize(clusterer.cluster_centers_)
        self.labels_ = labels
        vocabulary = self.vectorizer.get_feature_names_out()
        self.topics = []
        for number in range(self.centroids.shape[0]):
            members = np.flatnonzero(labels == number)
            if len(members) == 0:
                terms_ = []
            else:
                weights = np.asarray(tfidf[members].mean(axis=0)).ravel()
                top = np.argsort(-weights, kind="stable")[:12]
                terms_ = [
                    str(vocabulary[i])
                    for i in top
                    if weights[i] > 0 and vocabulary[i] not in GENERIC_LABEL_WORDS
                ][:3]
            self.topics.append(Topic(number, "·".join(terms_) or "其他", terms_, members.tolist()))
        return self

    def _space(self, texts: Sequence[str]) -> np.ndarray:
        tfidf = self.vectorizer.transform([topic_terms(t) for t in texts])
        if self.svd is not None:
            return normalize(self.svd.transform(tfidf))
        return normalize(tfidf.toarray())

    def assign(self, texts: Sequence[str]) -> list[tuple[int | None, float]]:
        """Return (topic number or None, similarity) per new text, without refitting."""
        if not texts:
            return []
        if self.vectorizer is None or self.centroids is None:
            return [(None, 0.0)] * len(texts)
        sims = self._space(texts) @ self.centroids.T
        best = sims.argmax(axis=1)
        out = []
        for i, b in enumerate(best):
            score = float(sims[i, b])
            out.append(
                (int(b), round(score, 4)) if score >= ASSIGN_THRESHOLD else (None, round(score, 4))
            )
        return out

    def to_bytes(self) -> bytes:
        """Return the fitted model serialised, to store in the database."""
        buffer = io.BytesIO()
        joblib.dump(self, buffer, compress=3)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TopicModel:
        """Return a model serialised by `to_bytes` (only ever bytes this platform wrote)."""
        model = joblib.load(io.BytesIO(data))
        if not isinstance(model, cls):
            raise TypeError("stored topic model has an unexpected type")
        return model


def _identity(terms: list[str]) -> list[str]:
    return terms

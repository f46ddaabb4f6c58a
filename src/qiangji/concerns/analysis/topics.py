"""Hot topics: concerns clustered by what they are about, labelled by their key terms.

Pipeline (the same for the platform, `qiangji topics` and the benchmark):

1. Topic words of each text: nouns, verbs and names from rjieba's tagger (territory names in
   the user dictionary are nouns), stopwords dropped.
2. TF-IDF with sublinear term frequency; words in fewer than 3 texts (noise, typos) and in
   more than half of the texts are dropped. For the clustering space, words in more than 5 %
   of texts (words every concern uses, 小区, 业主) are dropped too (rows re-normalised).
3. Latent semantic analysis: a truncated SVD to 20 dimensions, rows scaled to unit length,
   so that texts sharing no exact word but related words still meet.
4. k-means in that space (mini-batch beyond 20,000 texts).
5. Self-training refinement (unsupervised: it sees only the text and its own clusters): a
   linear SVM learns the current clusters from the full TF-IDF (common words included) and
   each text moves to the topic the SVM predicts for it out-of-fold (3 folds; beyond 20,000
   texts, trained on a sample); eight rounds. k-means in 20 dimensions draws boundaries with
   few words; the SVM sees thousands, which sharpens the topics (mean NMI +0.04 on the
   labelled benchmark, see docs/concerns.md). A topic's label is the three words with the highest mean TF-IDF among
   its texts, generic words such as 小区 left out; its centroid is the mean of its texts in
   the LSA space.

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
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from qiangji.lib.text import default_segmenter

LSA_DIMENSIONS = 20
MIN_DOCUMENT_FREQUENCY = 3
MAX_DOCUMENT_SHARE = 0.05
# The refinement's features keep words up to this share of texts.
REFINE_MAX_DOCUMENT_SHARE = 0.5
REFINE_ROUNDS = 8
REFINE_C = 0.5
# Below this many texts, or fewer than this many per topic, k-means alone decides.
REFINE_MIN_TEXTS = 100
REFINE_MIN_PER_TOPIC = 6
# Beyond this many texts, each round trains on a random sample of this size.
REFINE_SAMPLE = 20_000
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
        # Columns of the vectorizer's output that the LSA space uses (None: all of them).
        self.space_columns: np.ndarray | None = None

    def _vectorizer(self, n: int) -> TfidfVectorizer:
        # Small corpora (a new community) keep every word; the frequency cut-offs are for
        # corpora large enough for them to mean something.
        min_df = MIN_DOCUMENT_FREQUENCY if n >= 200 else 1
        max_df = REFINE_MAX_DOCUMENT_SHARE if n >= 1000 else 1.0
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
            full = self.vectorizer.fit_transform(docs)
        except ValueError:  # no usable word at all
            self.vectorizer = None
            self.topics = [Topic(0, "其他", [], list(range(n)))]
            return self
        self.space_columns = None
        tfidf = full
        if n >= 1000:
            # The clustering space leaves out words in more than 5 % of texts; the
            # refinement below sees them all.
            frequency = np.bincount(full.indices, minlength=full.shape[1])
            keep = np.flatnonzero(frequency <= MAX_DOCUMENT_SHARE * n)
            if 1 < len(keep) < full.shape[1]:
                self.space_columns = keep
                tfidf = normalize(full[:, keep])
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
            refined = self._refine(full, labels, k)
            if refined is not None:
                labels = refined
                for number in range(self.centroids.shape[0]):
                    members = labels == number
                    if members.any():
                        self.centroids[number] = normalize(
                            space[members].mean(axis=0, keepdims=True)
                        )[0]
        self.labels_ = labels
        vocabulary = self.vectorizer.get_feature_names_out()
        if self.space_columns is not None:
            vocabulary = vocabulary[self.space_columns]  # the columns of `tfidf`
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

    def _refine(self, features, labels: np.ndarray, k: int) -> np.ndarray | None:
        """Return labels after self-training rounds, or None when the corpus is too small."""
        n = features.shape[0]
        if n < REFINE_MIN_TEXTS or n < REFINE_MIN_PER_TOPIC * k or features.shape[1] < 2:
            return None
        rng = np.random.default_rng(self.random_state)
        labels = labels.copy()
        for _ in range(REFINE_ROUNDS):
            counts = np.bincount(labels, minlength=k)
            if np.count_nonzero(counts) < 2:
                break
            if n > REFINE_SAMPLE:
                sample = rng.choice(n, REFINE_SAMPLE, replace=False)
                if len(np.unique(labels[sample])) < 2:
                    break
                svm = LinearSVC(C=REFINE_C).fit(features[sample], labels[sample])
                new = svm.predict(features)
                new[sample] = labels[sample]  # a sampled text keeps its topic this round
            else:
                present = counts[counts > 0]
                folds = int(min(3, present.min()))
                if folds < 2:
                    # A topic of one text: predict it in-sample, it cannot be held out.
                    new = LinearSVC(C=REFINE_C).fit(features, labels).predict(features)
                else:
                    new = labels.copy()
                    splitter = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
                    for train, test in splitter.split(np.zeros(n), labels):
                        if len(np.unique(labels[train])) < 2:
                            continue
                        svm = LinearSVC(C=REFINE_C).fit(features[train], labels[train])
                        new[test] = svm.predict(features[test])
            labels = np.asarray(new, dtype=int)
        return labels

    def _space(self, texts: Sequence[str]) -> np.ndarray:
        tfidf = self.vectorizer.transform([topic_terms(t) for t in texts])
        columns = getattr(self, "space_columns", None)  # models stored before it existed
        if columns is not None:
            tfidf = normalize(tfidf[:, columns])
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

"""Hot topics: concerns clustered by what they are about, labelled by their key terms.

Pipeline (the same for the platform, `qiangji topics` and the benchmark):

1. Two views of each text: its characters and their pairs (character 1–2-grams of the
   normalised text, punctuation and spaces left out), and its topic words (nouns, verbs and
   names from rjieba's tagger; territory names in the user dictionary are nouns; stopwords
   dropped).
2. TF-IDF with sublinear term frequency for both. Character n-grams in fewer than 5 texts and
   words in fewer than 3 (noise, typos) are dropped, and so is anything in more than half of
   the texts. Character n-grams do not depend on the segmentation getting a word right
   (错别字, names, words the dictionary does not know), which is why they cluster better.
3. Latent semantic analysis of the character TF-IDF: a truncated SVD to 50 dimensions, rows
   scaled to unit length, so that texts sharing no exact n-gram but related ones still meet.
4. k-means in that space, the lowest-inertia of several starts.
5. Self-training refinement (unsupervised: it sees only the text and its own clusters): a
   linear SVM learns the current clusters from both TF-IDF views (thousands of n-grams and
   words, where k-means saw 50 dimensions) and each text moves to the topic the SVM predicts
   for it out-of-fold (3 folds, 2 beyond 10,000 texts); eight rounds.
6. Beyond 20,000 texts, steps 2–5 run on a random sample of 20,000 and every other text goes
   to the topic the final SVM predicts for it (in chunks, so memory stays bounded).

A topic's label is the three words with the highest mean TF-IDF among its texts (words in more
than 5 % of the texts and generic words such as 小区 left out); its centroid is the mean of its
texts in the LSA space. The figures behind these choices are in docs/concerns.md.

New concerns join the nearest topic (`TopicModel.assign`) without refitting; a full refit
runs in the background.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from qiangji.lib.text import default_segmenter, to_half_width, to_simplified

LSA_DIMENSIONS = 50
CHAR_NGRAMS = (1, 2)
CHAR_MIN_DOCUMENT_FREQUENCY = 5
MIN_DOCUMENT_FREQUENCY = 3
MAX_DOCUMENT_SHARE = 0.5
# Label words leave out words in more than this share of texts (小区, 业主, 问题).
LABEL_MAX_DOCUMENT_SHARE = 0.05
KMEANS_STARTS = 10
REFINE_ROUNDS = 8
REFINE_C = 0.5
REFINE_FOLDS = 3
# Beyond this many fitted texts the rounds use 2 folds: half the training per round (at 20,000
# texts and 50 topics, 3 folds take 70 s, 2 folds 31 s on the shared 2-core machine).
REFINE_FOLDS_LARGE_FROM = 10_000
# Below this many texts, or fewer than this many per topic, k-means alone decides.
REFINE_MIN_TEXTS = 100
REFINE_MIN_PER_TOPIC = 6
# Beyond this many texts the topics are fitted on a random sample of this size.
FIT_SAMPLE = 20_000
PREDICT_CHUNK = 50_000
# Words that help to separate topics but say nothing as a label ("小区·电梯·物业" → "电梯·物业").
GENERIC_LABEL_WORDS = frozenset(
    {"小区", "社区", "居民", "业主", "回家", "生活", "情况", "工作", "没有", "现在"}
)
# A new text joins a topic only when it is at least this close (cosine in LSA space).
ASSIGN_THRESHOLD = 0.3

_NOT_WORDISH_RE = re.compile(r"[\W_]+")


def topic_terms(text: str) -> list[str]:
    """Return the words of text that say what it is about (nouns, verbs, names)."""
    return default_segmenter().topic_terms(text)


def topic_characters(text: str) -> str:
    """Return text as the character view sees it: simplified, half-width, lower-case, and
    without punctuation, spaces or symbols (so n-grams never span a punctuation mark's
    place with it)."""
    return _NOT_WORDISH_RE.sub("", to_simplified(to_half_width(text or "")).lower())


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
        self.char_vectorizer: TfidfVectorizer | None = None
        self.vectorizer: TfidfVectorizer | None = None  # the words (labels, refinement)
        self.svd: TruncatedSVD | None = None
        self.centroids: np.ndarray | None = None
        self.topics: list[Topic] = []
        self.labels_: np.ndarray = np.array([], dtype=int)
        # Models stored before the character view used these (see `_space`).
        self.space_columns: np.ndarray | None = None

    @staticmethod
    def _char_vectorizer(n: int) -> TfidfVectorizer:
        # Small corpora (a new community) keep nearly every n-gram; the frequency cut-offs
        # are for corpora large enough for them to mean something.
        min_df = CHAR_MIN_DOCUMENT_FREQUENCY if n >= 1000 else 2 if n >= 200 else 1
        return TfidfVectorizer(
            analyzer="char",
            ngram_range=CHAR_NGRAMS,
            preprocessor=topic_characters,
            sublinear_tf=True,
            min_df=min_df,
            max_df=MAX_DOCUMENT_SHARE if n >= 1000 else 1.0,
            dtype=np.float32,
        )

    @staticmethod
    def _word_vectorizer(n: int) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer=_identity,
            sublinear_tf=True,
            min_df=MIN_DOCUMENT_FREQUENCY if n >= 200 else 1,
            max_df=MAX_DOCUMENT_SHARE if n >= 1000 else 1.0,
            dtype=np.float32,
        )

    def fit(self, texts: Sequence[str], *, terms: Sequence[list[str]] | None = None) -> TopicModel:
        """Return self with topics fitted on texts (pass pre-computed `terms` to save time)."""
        texts = list(texts)
        n = len(texts)
        self.labels_ = np.zeros(n, dtype=int)
        self.topics = []
        self.space_columns = None
        self.char_vectorizer = self.vectorizer = self.svd = self.centroids = None
        if n == 0:
            return self
        rng = np.random.default_rng(self.random_state)
        fitted = np.arange(n)
        if n > FIT_SAMPLE:
            fitted = np.sort(rng.choice(n, FIT_SAMPLE, replace=False))
        fit_texts = [texts[i] for i in fitted]
        if terms is None:
            fit_terms = [topic_terms(t) for t in fit_texts]
        else:
            fit_terms = [terms[i] for i in fitted]
        m = len(fitted)
        k = min(self.n_topics or default_topic_count(n), m)

        self.char_vectorizer = self._char_vectorizer(m)
        try:
            chars = self.char_vectorizer.fit_transform(fit_texts)
        except ValueError:  # no letter, digit or Chinese character anywhere
            self.char_vectorizer = None
            self.topics = [Topic(0, "其他", [], list(range(n)))]
            return self
        self.vectorizer = self._word_vectorizer(m)
        try:
            words = self.vectorizer.fit_transform(fit_terms)
            features = sp.hstack([chars, words], format="csr")
        except ValueError:  # no topic word anywhere: the characters alone
            self.vectorizer = None
            words = None
            features = chars

        dims = max(1, min(LSA_DIMENSIONS, chars.shape[1] - 1, m - 1))
        if chars.shape[1] > 1 and m > 2:
            self.svd = TruncatedSVD(dims, random_state=self.random_state)
            space = normalize(self.svd.fit_transform(chars))
        else:
            space = normalize(chars.toarray())
        if k <= 1:
            labels = np.zeros(m, dtype=int)
        else:
            labels = KMeans(k, random_state=self.random_state, n_init=KMEANS_STARTS).fit_predict(
                space
            )
            refined = self._refine(features, labels, k)
            if refined is not None:
                labels = refined

        if m < n:
            all_labels, space_sums = self._extend(texts, terms, fitted, labels, features, k)
        else:
            all_labels = labels
            space_sums = np.zeros((k, space.shape[1]))
            np.add.at(space_sums, labels, space)
        self.centroids = normalize(space_sums)
        self.labels_ = all_labels
        self.topics = self._label_topics(all_labels, fitted, labels, words, k)
        return self

    def _extend(self, texts, terms, fitted, labels, features, k):
        """Return the labels of all texts and the sums of their LSA vectors per topic, when the
        topics were fitted on a sample: the final SVM places every other text."""
        n = len(texts)
        all_labels = np.empty(n, dtype=int)
        all_labels[fitted] = labels
        rest = np.ones(n, dtype=bool)
        rest[fitted] = False
        svm = None
        if len(np.unique(labels)) > 1:
            svm = LinearSVC(C=REFINE_C).fit(features, labels)
        dims = self.svd.n_components if self.svd is not None else None
        space_sums = np.zeros((k, dims or len(self.char_vectorizer.vocabulary_)))
        order = np.arange(n)
        for start in range(0, n, PREDICT_CHUNK):
            chunk = order[start : start + PREDICT_CHUNK]
            chunk_texts = [texts[i] for i in chunk]
            chars = self.char_vectorizer.transform(chunk_texts)
            todo = rest[chunk]
            if todo.any():
                if svm is None:
                    all_labels[chunk[todo]] = labels[0]
                else:
                    if self.vectorizer is not None:
                        chunk_terms = [
                            terms[i] if terms is not None else topic_terms(texts[i])
                            for i in chunk[todo]
                        ]
                        x = sp.hstack(
                            [chars[todo], self.vectorizer.transform(chunk_terms)], format="csr"
                        )
                    else:
                        x = chars[todo]
                    all_labels[chunk[todo]] = svm.predict(x)
            space = self.svd.transform(chars) if self.svd is not None else chars.toarray()
            np.add.at(space_sums, all_labels[chunk], normalize(space))
        return all_labels, space_sums

    def _label_topics(self, all_labels, fitted, labels, words, k) -> list[Topic]:
        """Return the topics with their label words (from the texts the model was fitted on)."""
        vocabulary = None
        if words is not None:
            vocabulary = self.vectorizer.get_feature_names_out()
            frequency = np.bincount(words.indices, minlength=words.shape[1])
            if len(labels) >= 1000:
                keep = np.flatnonzero(frequency <= LABEL_MAX_DOCUMENT_SHARE * len(labels))
                if len(keep) > 1:
                    words = words[:, keep]
                    vocabulary = vocabulary[keep]
        topics = []
        for number in range(k):
            members = np.flatnonzero(all_labels == number)
            terms_: list[str] = []
            sample_members = np.flatnonzero(labels == number)
            if vocabulary is not None and len(sample_members):
                weights = np.asarray(words[sample_members].mean(axis=0)).ravel()
                top = np.argsort(-weights, kind="stable")[:12]
                terms_ = [
                    str(vocabulary[i])
                    for i in top
                    if weights[i] > 0 and vocabulary[i] not in GENERIC_LABEL_WORDS
                ][:3]
            topics.append(Topic(number, "·".join(terms_) or "其他", terms_, members.tolist()))
        return topics

    def _refine(self, features, labels: np.ndarray, k: int) -> np.ndarray | None:
        """Return labels after self-training rounds, or None when the corpus is too small."""
        n = features.shape[0]
        if n < REFINE_MIN_TEXTS or n < REFINE_MIN_PER_TOPIC * k or features.shape[1] < 2:
            return None
        labels = labels.copy()
        for _ in range(REFINE_ROUNDS):
            counts = np.bincount(labels, minlength=k)
            if np.count_nonzero(counts) < 2:
                break
            present = counts[counts > 0]
            wanted = REFINE_FOLDS if n < REFINE_FOLDS_LARGE_FROM else 2
            folds = int(min(wanted, present.min()))
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
        char_vectorizer = getattr(self, "char_vectorizer", None)
        if char_vectorizer is not None:
            chars = char_vectorizer.transform(list(texts))
            if self.svd is not None:
                return normalize(self.svd.transform(chars))
            return normalize(chars.toarray())
        # A model stored before the character view: its space was made of words.
        tfidf = self.vectorizer.transform([topic_terms(t) for t in texts])
        columns = getattr(self, "space_columns", None)
        if columns is not None:
            tfidf = normalize(tfidf[:, columns])
        if self.svd is not None:
            return normalize(self.svd.transform(tfidf))
        return normalize(tfidf.toarray())

    def assign(self, texts: Sequence[str]) -> list[tuple[int | None, float]]:
        """Return (topic number or None, similarity) per new text, without refitting."""
        if not texts:
            return []
        if self.centroids is None or (
            getattr(self, "char_vectorizer", None) is None and self.vectorizer is None
        ):
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

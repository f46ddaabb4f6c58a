"""Category routing: a linear text classifier over characters and words, with a confidence.

Features are TF-IDF (sublinear term frequency) over character 1–2-grams of the normalised
text, joined with TF-IDF over rjieba words; with 1,000 training texts or more, terms that
occur in only one training text are dropped. Character n-grams are robust to segmentation
errors and unknown names; words add the meaning of multi-character terms. A linear SVM
separates the categories; the confidence shown to staff is a softmax over its margins with a
temperature fitted once on held-out folds of the training data, so that "0.9" means roughly
"right nine times in ten" on data like the training set.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from qiangji.lib.text import default_segmenter, normalise

DEFAULT_CATEGORIES: tuple[str, ...] = (
    "物业管理",
    "停车",
    "电梯",
    "环境卫生",
    "噪音扰民",
    "安全隐患",
    "养老服务",
    "邻里纠纷",
    "市政设施",
    "就业社保",
    "教育",
    "医疗卫生",
    "其他",
)

# Candidate temperatures for the margin softmax; the one with the best held-out log-loss wins.
_TEMPERATURES = (0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0)

# From this many training texts on, terms seen in a single training text are dropped: on the
# 6,447-text labelled set this halves the SVM's training time and the stored model's size at
# no measurable cost in macro-F1 (bench/concerns_routing.py prints both).
_MIN_DF_FROM = 1000


def _words(text: str) -> list[str]:
    # Module-level (not a lambda) so that a fitted model can be pickled.
    return default_segmenter().cut(text)


@dataclass(frozen=True)
class Route:
    """A category suggested for one text, with the model's confidence in it (0–1)."""

    category: str
    confidence: float


class RoutingModel:
    """Character + word TF-IDF and a linear SVM; `fit`, `predict`, `to_bytes`/`from_bytes`."""

    def __init__(self, *, C: float = 1.0, min_df: int | None = None) -> None:
        self.C = C
        # None: 2 (a term must occur in two training texts) from _MIN_DF_FROM texts on, else 1.
        self.min_df = min_df
        self.char_counter = CountVectorizer(analyzer="char", ngram_range=(1, 2), lowercase=False)
        self.word_counter = CountVectorizer(analyzer=_identity, lowercase=False)
        self.char_idf = np.zeros(0)
        self.word_idf = np.zeros(0)
        self.classifier = LinearSVC(C=C)
        self.temperature = 3.0
        self.classes_: list[str] = []

    def _counts(self, texts: Sequence[str], *, fit: bool) -> tuple[sparse.csr_matrix, ...]:
        """Return the raw character and word counts of texts (vocabularies fitted if `fit`)."""
        normalised = [normalise(t).lower() for t in texts]
        words = [_words(t) for t in normalised]
        if fit:
            return (
                self.char_counter.fit_transform(normalised).tocsr(),
                self.word_counter.fit_transform(words).tocsr(),
            )
        return (
            self.char_counter.transform(normalised).tocsr(),
            self.word_counter.transform(words).tocsr(),
        )

    def _features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if "char_vectorizer" in self.__dict__:  # a model stored before the counts were split off
            normalised = [normalise(t).lower() for t in texts]
            chars = self.char_vectorizer.transform(normalised)
            words = self.word_vectorizer.transform(normalised)
            return sparse.hstack([chars, words]).tocsr()
        chars, words = self._counts(texts, fit=False)
        return sparse.hstack([_weigh(chars, self.char_idf), _weigh(words, self.word_idf)]).tocsr()

    def fit(
        self, texts: Sequence[str], labels: Sequence[str], *, calibrate: bool = True
    ) -> RoutingModel:
        """Return self trained on texts and their labels (at least two distinct labels)."""
        if len(set(labels)) < 2:
            raise ValueError("A routing model needs examples of at least two categories.")
        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        labels = [str(label) for label in labels]
        min_df = self.min_df or (2 if len(texts) >= _MIN_DF_FROM else 1)
        # Texts are normalised, segmented and counted once; the calibration folds and the
        # final model each take their own vocabulary and IDF from their own training rows.
        chars, words = self._counts(texts, fit=True)
        if calibrate:
            self.temperature = self._fit_temperature(chars, words, labels, min_df)
        char_keep, self.char_idf = _vocabulary(chars, min_df)
        word_keep, self.word_idf = _vocabulary(words, min_df)
        _prune(self.char_counter, char_keep)
        _prune(self.word_counter, word_keep)
        features = sparse.hstack(
            [_weigh(chars[:, char_keep], self.char_idf), _weigh(words[:, word_keep], self.word_idf)]
        ).tocsr()
        self.classifier.fit(features, labels)
        self.classes_ = [str(c) for c in self.classifier.classes_]
        return self

    def _fit_temperature(
        self, chars: sparse.csr_matrix, words: sparse.csr_matrix, labels: list[str], min_df: int
    ) -> float:
        counts = np.unique(labels, return_counts=True)[1]
        folds = min(3, int(counts.min()))
        if folds < 2:
            return self.temperature
        labels_arr = np.array(labels, dtype=object)
        margins, truth = [], []
        for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(
            labels_arr, labels_arr
        ):
            blocks_train, blocks_test = [], []
            for counts_block in (chars, words):
                keep, idf = _vocabulary(counts_block[train], min_df)
                blocks_train.append(_weigh(counts_block[train][:, keep], idf))
                blocks_test.append(_weigh(counts_block[test][:, keep], idf))
            classifier = LinearSVC(C=self.C).fit(
                sparse.hstack(blocks_train).tocsr(), labels_arr[train]
            )
            scores = _two_columns(classifier.decision_function(sparse.hstack(blocks_test).tocsr()))
            index = {c: n for n, c in enumerate(classifier.classes_)}
            margins.append(scores)
            truth.extend(index.get(labels[i], -1) for i in test)
        if any(m.shape[1] != margins[0].shape[1] for m in margins):
            return self.temperature
        stacked = np.vstack(margins)
        truth_arr = np.array(truth)
        best, best_loss = self.temperature, math.inf
        for temperature in _TEMPERATURES:
            probs = _softmax(stacked * temperature)
            picked = probs[np.arange(len(truth_arr)), np.clip(truth_arr, 0, None)]
            loss = float(-np.mean(np.log(np.clip(picked, 1e-9, 1.0))))
            if loss < best_loss:
                best, best_loss = temperature, loss
        return best

    def decision_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Return the SVM margins, one row per text and one column per class."""
        return _two_columns(self.classifier.decision_function(self._features(texts)))

    def predict(self, texts: Sequence[str]) -> list[Route]:
        """Return the best category and its confidence for each text."""
        if not texts:
            return []
        probs = _softmax(self.decision_scores(texts) * self.temperature)
        best = probs.argmax(axis=1)
        return [Route(self.classes_[b], round(float(probs[i, b]), 4)) for i, b in enumerate(best)]

    def predict_top(self, texts: Sequence[str], k: int = 2) -> list[list[Route]]:
        """Return the k best categories with their confidences for each text, best first."""
        if not texts:
            return []
        probs = _softmax(self.decision_scores(texts) * self.temperature)
        order = np.argsort(-probs, axis=1)[:, :k]
        return [
            [Route(self.classes_[j], round(float(probs[i, j]), 4)) for j in row]
            for i, row in enumerate(order)
        ]

    def confidences(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """Return the best category of each text and its (unrounded) confidence."""
        probs = _softmax(self.decision_scores(texts) * self.temperature)
        best = probs.argmax(axis=1)
        return [self.classes_[b] for b in best], probs[np.arange(len(best)), best]

    def predict_labels(self, texts: Sequence[str]) -> list[str]:
        """Return only the best category for each text."""
        return [route.category for route in self.predict(texts)]

    def to_bytes(self) -> bytes:
        """Return the fitted model serialised, to store in the database."""
        buffer = io.BytesIO()
        joblib.dump(self, buffer, compress=3)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> RoutingModel:
        """Return a model serialised by `to_bytes` (only ever bytes this platform wrote)."""
        model = joblib.load(io.BytesIO(data))
        if not isinstance(model, cls):
            raise TypeError("stored routing model has an unexpected type")
        return model


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _vocabulary(counts: sparse.csr_matrix, min_df: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the columns of terms in at least min_df rows of counts (at least one column kept)
    and their smoothed IDF, as TfidfVectorizer computes it."""
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = np.flatnonzero(df >= min_df)
    if not len(keep):
        keep = np.flatnonzero(df >= 1)
    idf = np.log((1 + counts.shape[0]) / (1 + df[keep])) + 1
    return keep, idf


def _prune(counter: CountVectorizer, keep: np.ndarray) -> None:
    """Keep only the given columns in a fitted counter's vocabulary (in their order)."""
    terms = counter.get_feature_names_out()[keep]
    counter.vocabulary_ = {term: n for n, term in enumerate(terms)}


def _weigh(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Return sublinear TF × IDF, each row scaled to unit length (TfidfVectorizer's weighting)."""
    weighted = counts.astype(np.float64)
    weighted.data = np.log(weighted.data) + 1
    weighted = weighted @ sparse.diags(idf)
    return normalize(weighted).tocsr()


def _two_columns(scores: np.ndarray) -> np.ndarray:
    # Two classes: sklearn gives one column, for the second class.
    return np.column_stack([-scores, scores]) if scores.ndim == 1 else scores


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def baseline_model():
    """Return the reference classifier: TF-IDF over character 1–2-grams + LinearSVC."""
    return make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 2)), LinearSVC())


def scores(truth: Sequence[str], predicted: Sequence[str]) -> dict:
    """Return accuracy, macro-F1 and per-class precision/recall/F1/support."""
    labels = sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(
                f1_score(
                    truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0
                )
            ),
            4,
        ),
        "per_class": {
            label: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
    }


def evaluate(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str],
    test_labels: Sequence[str],
) -> dict:
    """Return `scores` of a RoutingModel trained on the first pair and tested on the second."""
    model = RoutingModel().fit(train_texts, train_labels, calibrate=False)
    return scores(list(test_labels), model.predict_labels(test_texts))


# --- routing without a person ----------------------------------------------------------------
AUTO_PRECISION = 0.98  # what staff accept: at most 1 wrong category in 50 sent on by itself
AUTO_FOLDS = 5


def choose_threshold(
    confidences: Sequence[float], correct: Sequence[bool], *, target: float = AUTO_PRECISION
) -> float:
    """Return the lowest confidence above which the share correct is at least target.

    Scanned from the most confident down; the threshold is the last point where the running
    precision still meets the target (1.01, i.e. nothing routed by itself, when none does).
    """
    order = np.argsort(-np.asarray(confidences, dtype=float))
    conf = np.asarray(confidences, dtype=float)[order]
    right = np.cumsum(np.asarray(correct, dtype=float)[order])
    precision = right / np.arange(1, len(conf) + 1)
    ok = np.nonzero(precision >= target)[0]
    if len(ok) == 0:
        return 1.01
    last = int(ok.max())
    # Ties: every text with exactly this confidence is routed, so stay above a tie that fails.
    return float(conf[last])


def fit_with_threshold(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    target: float = AUTO_PRECISION,
    folds: int = AUTO_FOLDS,
    seed: int = 0,
) -> tuple[RoutingModel, float]:
    """Return a calibrated model of all texts and its auto-routing threshold.

    The threshold is chosen on the training texts alone: out-of-fold confidences of models
    trained on the other folds (with the full model's temperature), so it never sees a text
    it is later judged on.
    """
    model = RoutingModel().fit(texts, labels, calibrate=True)
    labels_arr = np.array([str(x) for x in labels], dtype=object)
    counts = np.unique(labels_arr, return_counts=True)[1]
    folds = min(folds, int(counts.min()))
    if folds < 2:
        return model, 1.01
    conf = np.zeros(len(texts))
    correct = np.zeros(len(texts), dtype=bool)
    texts = list(texts)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(
        labels_arr, labels_arr
    ):
        fold = RoutingModel(C=model.C, min_df=model.min_df)
        fold.fit([texts[i] for i in train], labels_arr[train].tolist(), calibrate=False)
        fold.temperature = model.temperature
        predicted, confidence = fold.confidences([texts[i] for i in test])
        conf[test] = confidence
        correct[test] = np.array(predicted, dtype=object) == labels_arr[test]
    model.auto_threshold = choose_threshold(conf, correct, target=target)
    return model, model.auto_threshold


def auto_scores(model: RoutingModel, threshold: float, texts, labels) -> dict:
    """Return the share of texts at or above the threshold and the precision among them."""
    predicted, confidence = model.confidences(list(texts))
    routed = confidence >= threshold
    right = np.array(predicted, dtype=object) == np.array(list(labels), dtype=object)
    n = int(routed.sum())
    return {
        "auto_threshold": round(float(threshold), 4),
        "auto_share": round(n / len(texts), 4) if len(texts) else 0.0,
        "auto_precision": round(float(right[routed].mean()), 4) if n else None,
    }

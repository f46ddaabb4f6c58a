"""Tests of the routing model's features: counted once, weighted per fold, rare terms dropped."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from qiangji.concerns.analysis import routing
from qiangji.concerns.analysis.routing import RoutingModel
from qiangji.concerns.tests.synthetic import labelled_set
from qiangji.lib.text import normalise


def test_features_equal_tfidf_vectorizer_weighting_when_nothing_is_dropped():
    texts, labels = labelled_set(8, seed=11)
    model = RoutingModel(min_df=1).fit(texts, labels, calibrate=False)
    normalised = [normalise(t).lower() for t in texts]
    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    words = TfidfVectorizer(analyzer=routing._words, sublinear_tf=True, lowercase=False)
    expected = sparse.hstack([chars.fit_transform(normalised), words.fit_transform(normalised)])
    got = model._features(texts)
    assert got.shape == expected.shape
    assert abs(got - expected).max() < 1e-12


def test_small_training_sets_keep_every_term():
    texts, labels = labelled_set(5, seed=12)
    model = RoutingModel().fit(texts, labels, calibrate=False)
    every = RoutingModel(min_df=1).fit(texts, labels, calibrate=False)
    assert model.char_counter.vocabulary_ == every.char_counter.vocabulary_
    assert model.word_counter.vocabulary_ == every.word_counter.vocabulary_


def test_large_training_sets_drop_terms_seen_in_one_text_only(monkeypatch):
    monkeypatch.setattr(routing, "_MIN_DF_FROM", 50)
    texts, labels = labelled_set(10, seed=13)
    texts = [*texts, "独一无二的怪词甲乙丙丁"]
    labels = [*labels, labels[0]]
    model = RoutingModel().fit(texts, labels, calibrate=False)
    every = RoutingModel(min_df=1).fit(texts, labels, calibrate=False)
    assert "甲乙" in every.char_counter.vocabulary_
    assert "甲乙" not in model.char_counter.vocabulary_
    assert len(model.char_counter.vocabulary_) < len(every.char_counter.vocabulary_)
    assert len(model.char_idf) == len(model.char_counter.vocabulary_)
    assert len(model.word_idf) == len(model.word_counter.vocabulary_)
    unseen, truth = labelled_set(5, seed=14)
    predicted = model.predict_labels(unseen)
    assert sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth) >= 0.9


def test_calibration_picks_a_listed_temperature_and_keeps_the_argmax():
    texts, labels = labelled_set(12, seed=15)
    model = RoutingModel().fit(texts, labels)
    assert model.temperature in routing._TEMPERATURES
    unseen, _ = labelled_set(3, seed=16)
    margins = model.decision_scores(unseen)
    assert model.predict_labels(unseen) == [model.classes_[i] for i in margins.argmax(axis=1)]


def test_a_model_stored_before_the_change_still_predicts():
    texts, labels = labelled_set(6, seed=17)
    legacy = RoutingModel.__new__(RoutingModel)
    normalised = [normalise(t).lower() for t in texts]
    legacy.char_vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    legacy.word_vectorizer = TfidfVectorizer(
        analyzer=routing._words, sublinear_tf=True, lowercase=False
    )
    features = sparse.hstack(
        [
            legacy.char_vectorizer.fit_transform(normalised),
            legacy.word_vectorizer.fit_transform(normalised),
        ]
    ).tocsr()
    legacy.classifier = LinearSVC().fit(features, labels)
    legacy.classes_ = [str(c) for c in legacy.classifier.classes_]
    legacy.temperature = 3.0
    legacy.C = 1.0
    again = RoutingModel.from_bytes(legacy.to_bytes())
    assert again.predict_labels(texts[:5]) == labels[:5]


def test_two_categories_give_two_columns_of_margins():
    texts, labels = labelled_set(6, seed=18)
    keep = [i for i, label in enumerate(labels) if label in {"电梯", "停车"}]
    model = RoutingModel().fit([texts[i] for i in keep], [labels[i] for i in keep])
    margins = model.decision_scores(["电梯坏了", "车位被占"])
    assert margins.shape == (2, 2)
    assert np.allclose(margins[:, 0], -margins[:, 1])
    assert [r.category for r in model.predict(["电梯坏了"])] == ["电梯"]


@pytest.mark.parametrize("min_df", [1, 2])
def test_a_fitted_model_survives_a_round_trip_through_bytes(min_df):
    texts, labels = labelled_set(6, seed=19)
    model = RoutingModel(min_df=min_df).fit(texts, labels)
    again = RoutingModel.from_bytes(model.to_bytes())
    assert again.predict(texts[:4]) == model.predict(texts[:4])

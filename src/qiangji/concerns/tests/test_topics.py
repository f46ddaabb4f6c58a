"""Tests of the topic pipeline's character view, sampling for large corpora and old models."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import normalized_mutual_info_score
from sklearn.preprocessing import normalize

from qiangji.concerns.analysis import topics as topics_module
from qiangji.concerns.analysis.topics import TopicModel, topic_characters, topic_terms
from qiangji.concerns.tests.synthetic import labelled_set


def test_the_character_view_ignores_punctuation_width_case_and_script():
    assert topic_characters("電梯壞了！！ Ｈｅｌｌｏ，\u200b停車難。") == "电梯坏了hello停车难"
    assert topic_characters("") == ""
    assert topic_characters("😀 !!") == ""


def test_topics_are_the_same_for_the_same_seed():
    texts, _ = labelled_set(30, seed=11)
    first = TopicModel(5, random_state=3).fit(texts).labels_
    second = TopicModel(5, random_state=3).fit(texts).labels_
    assert np.array_equal(first, second)


def test_a_large_corpus_is_fitted_on_a_sample_and_every_text_gets_a_topic(monkeypatch):
    monkeypatch.setattr(topics_module, "FIT_SAMPLE", 150)
    monkeypatch.setattr(topics_module, "PREDICT_CHUNK", 70)
    texts, labels = labelled_set(60, seed=12)  # 300 texts: half of them outside the sample
    terms = [topic_terms(t) for t in texts]
    model = TopicModel(5).fit(texts, terms=terms)
    assert len(model.labels_) == len(texts)
    assert sorted(i for topic in model.topics for i in topic.members) == list(range(len(texts)))
    assert normalized_mutual_info_score(labels, model.labels_) >= 0.6
    assert all(topic.label != "其他" for topic in model.topics if topic.members)
    # The centroids come from all texts: each is a unit vector in the LSA space.
    assert np.allclose(np.linalg.norm(model.centroids, axis=1), 1.0, atol=1e-5)
    elevator = model.labels_[labels.index("电梯")]
    (topic, similarity), *_ = model.assign(["石榴园小区电梯困人，电梯门关不上"])
    assert topic == elevator and similarity >= 0.3


def test_a_stored_model_round_trips_and_assigns_like_the_original():
    texts, _ = labelled_set(30, seed=13)
    model = TopicModel(5).fit(texts)
    again = TopicModel.from_bytes(model.to_bytes())
    new = ["杭州西路小区晚上广场舞声音太大", "独居老人没人照看"]
    assert again.assign(new) == model.assign(new)


def test_a_model_stored_before_the_character_view_still_assigns():
    texts, labels = labelled_set(30, seed=14)
    model = TopicModel(5).fit(texts)
    # Rebuild the former layout: the LSA space over the word TF-IDF, no character view.
    words = model.vectorizer.transform([topic_terms(t) for t in texts])
    model.svd = TruncatedSVD(5, random_state=0).fit(words)
    space = normalize(model.svd.transform(words))
    model.centroids = normalize(
        np.vstack([space[model.labels_ == k].mean(axis=0) for k in range(5)])
    )
    del model.char_vectorizer
    model.space_columns = None
    (topic, similarity), (none, _) = model.assign(["柯尔山小区电梯困人，电梯异响很吓人", "😀"])
    assert topic == model.labels_[labels.index("电梯")] and similarity >= 0.3
    assert none is None


def test_texts_without_any_topic_word_are_still_clustered_by_their_characters():
    texts = [f"ABC{i % 3}X" * 3 for i in range(30)]
    model = TopicModel(3).fit(texts, terms=[[] for _ in texts])
    assert sum(len(t.members) for t in model.topics) == 30
    assert all(t.label == "其他" for t in model.topics)

"""Tests of the text analytics: routing, near-duplicates, topics, priority, hot topics."""

from __future__ import annotations

import datetime as dt

import pytest
from sklearn.metrics import normalized_mutual_info_score

from qiangji.concerns.analysis.dedup import group_near_duplicates, similar
from qiangji.concerns.analysis.hot import Item, rank_topics
from qiangji.concerns.analysis.priority import Priority, priority, recency, urgency_factors
from qiangji.concerns.analysis.routing import RoutingModel, evaluate, scores
from qiangji.concerns.analysis.topics import TopicModel, default_topic_count
from qiangji.concerns.tests.synthetic import labelled_set


@pytest.fixture(scope="module")
def trained_router() -> RoutingModel:
    texts, labels = labelled_set(30, seed=1)
    return RoutingModel().fit(texts, labels)


def test_router_routes_unseen_texts_to_their_category(trained_router):
    texts, labels = labelled_set(10, seed=2)
    predicted = trained_router.predict_labels(texts)
    accuracy = sum(p == t for p, t in zip(predicted, labels, strict=True)) / len(labels)
    assert accuracy >= 0.9


def test_router_confidence_is_a_probability_and_higher_for_clear_texts(trained_router):
    clear, vague = trained_router.predict(["电梯又坏了，电梯困人，电梯维保不到位", "你好"])
    assert clear.category == "电梯"
    assert 0 < vague.confidence < clear.confidence <= 1


def test_router_is_insensitive_to_traditional_characters(trained_router):
    assert trained_router.predict_labels(["電梯又壞了，電梯困人"]) == ["电梯"]


def test_router_survives_a_round_trip_through_bytes(trained_router):
    again = RoutingModel.from_bytes(trained_router.to_bytes())
    texts, _ = labelled_set(3, seed=3)
    assert again.predict(texts) == trained_router.predict(texts)


def test_router_refuses_a_single_category():
    with pytest.raises(ValueError, match="two categories"):
        RoutingModel().fit(["电梯坏了", "电梯又坏了"], ["电梯", "电梯"])


def test_router_predicts_nothing_for_no_texts(trained_router):
    assert trained_router.predict([]) == []


def test_scores_give_accuracy_macro_f1_and_per_class():
    result = scores(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert result["accuracy"] == 0.75
    assert result["per_class"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert result["macro_f1"] == pytest.approx((0.6667 + 0.8) / 2, abs=1e-3)


def test_evaluate_trains_on_one_set_and_scores_another():
    train = labelled_set(20, seed=4)
    test = labelled_set(5, seed=5)
    result = evaluate(*train, *test)
    assert set(result) == {"accuracy", "macro_f1", "per_class"}
    assert result["macro_f1"] >= 0.85


def test_a_reworded_report_is_offered_as_similar_and_an_unrelated_one_is_not():
    candidates = ["石榴园小区3栋电梯又坏了，老人下不了楼", "广场舞声音太大，晚上睡不着", "路灯不亮"]
    matches = similar("石榴園小區3棟的電梯壞了，老人下不了樓！", candidates)
    assert [m.index for m in matches] == [0]
    assert matches[0].score > 0.5


def test_similar_handles_empty_and_emoji_only_input():
    assert similar("", ["电梯坏了"]) == []
    assert similar("😡😡", ["电梯坏了"]) == []
    assert similar("电梯坏了", []) == []


def test_near_duplicates_are_grouped_and_different_matters_are_not():
    texts = [
        "石榴园小区3栋电梯又坏了，老人下不了楼",
        "石榴园小区3栋电梯坏了，老人下不了楼，请尽快修",
        "您好，石榴园小区3栋电梯又坏了，老人下不了楼。",
        "柯尔山小区门口垃圾没人清运，臭气熏天",
        "柯尔山小区门口的垃圾一直没人清运，臭气熏天！",
        "团城花园晚上广场舞太吵",
    ]
    groups = group_near_duplicates(texts, block=2)
    assert groups[0] == groups[1] == groups[2]
    assert groups[3] == groups[4] != groups[0]
    assert len(set(groups)) == 3


def test_near_duplicate_grouping_of_nothing_is_nothing():
    assert group_near_duplicates([]) == []
    assert group_near_duplicates(["", ""]) == [0, 1]


def test_topics_recover_the_categories_of_synthetic_concerns():
    texts, labels = labelled_set(40, seed=6)
    model = TopicModel(5).fit(texts)
    assert len(model.topics) == 5
    assert normalized_mutual_info_score(labels, model.labels_) >= 0.6
    assert all(topic.label and topic.terms for topic in model.topics)


def test_new_texts_join_the_nearest_topic_without_refitting():
    texts, labels = labelled_set(40, seed=7)
    model = TopicModel(5).fit(texts)
    elevator_topic = model.labels_[labels.index("电梯")]
    (topic, similarity), (none_topic, _) = model.assign(
        ["柯尔山小区电梯困人，电梯异响很吓人", "😀"]
    )
    assert topic == elevator_topic and similarity >= 0.3
    assert none_topic is None


def test_topics_of_tiny_and_empty_corpora_do_not_fail():
    assert TopicModel(3).fit([]).topics == []
    model = TopicModel(3).fit(["电梯坏了", "停车难"])
    assert sum(len(t.members) for t in model.topics) == 2
    assert TopicModel(3).fit(["😀", "!!"]).topics[0].label == "其他"


def test_default_topic_count_grows_with_the_corpus_and_is_bounded():
    assert default_topic_count(0) == 2
    assert default_topic_count(200) == 10
    assert default_topic_count(10_000_000) == 50


def test_urgency_factors_are_found_in_the_text():
    assert urgency_factors("楼道里电线漏电，独居老人很危险") == ["safety", "vulnerable"]
    assert urgency_factors("停車難") == []
    assert urgency_factors("小區停電了") == ["utilities"]


def test_more_residents_and_more_urgency_give_a_higher_priority():
    one = priority(text="路灯不亮", residents=1)
    many = priority(text="路灯不亮", residents=10)
    urgent = priority(text="路灯不亮，晚上老人摔倒，很危险", residents=10)
    assert one.score < many.score < urgent.score


def test_priority_follows_the_documented_formula():
    p = Priority(
        residents=3,
        me_too=4,
        likes=4,
        age_days=14,
        factors=("safety",),
        deadline="overdue",
        staff_flag=True,
    )
    # care = log2(1 + 3 + 4 + 1) × (0.5 + 0.5 × 0.5) = log2(9) × 0.75; urgency = 1 + 1 + 1 + 1
    assert p.care == pytest.approx(2.377, abs=1e-3)
    assert p.urgency == 4.0
    assert p.score == pytest.approx(9.51, abs=0.01)
    assert "优先级 9.51" in p.explain() and "督办" in p.explain()


def test_urgency_is_capped_and_recency_never_falls_below_half():
    p = priority(text="漏电 污染 老人 停水", deadline="overdue", staff_flag=True)
    assert p.urgency == 5.0
    assert recency(0) == 1.0
    assert 0.5 < recency(365) < 0.51


def test_hot_topics_rank_a_topic_with_much_support_first():
    t0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    texts, labels = labelled_set(20, seed=8)
    items = [
        Item(str(i), text, t0, likes=60 if label == "停车" else 0, user=f"u{i}")
        for i, (text, label) in enumerate(zip(texts, labels, strict=True))
    ]
    ranked = rank_topics(items, n_topics=5, top=3)
    assert len(ranked) == 3
    parking_ids = {str(i) for i, label in enumerate(labels) if label == "停车"}
    assert len(parking_ids & set(ranked[0].ids)) >= 15
    assert ranked[0].score >= ranked[1].score >= ranked[2].score

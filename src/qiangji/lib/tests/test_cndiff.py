"""Chinese-aware diffs: sentence alignment, word diffs inside changed sentences, escaping."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qiangji.lib.cndiff import diff_html, diff_segments, diff_stats, split_sentences, tokenize

OLD = "以“零距离”为理念。建设五个站点！服务居民520；两条主线并行。"
NEW = "以“零距离”为理念。建设六个服务站点！服务居民520；两条主线并行。"


def _rebuild(segments, side: str) -> str:
    keep = {"equal", "delete"} if side == "old" else {"equal", "insert"}
    return "".join(text for op, text in segments if op in keep)


def test_sentences_end_on_chinese_terminators_and_keep_closing_quotes():
    assert split_sentences("他说：“好。”然后走了！真的？是；\n新段") == [
        "他说：“好。”",
        "然后走了！",
        "真的？",
        "是；",
        "\n",
        "新段",
    ]


def test_unchanged_sentences_stay_equal_and_only_changed_words_are_marked():
    segments = diff_segments(OLD, NEW)
    assert segments[0][0] == "equal"
    assert segments[0][1].startswith("以“零距离”为理念。")
    deleted = [text for op, text in segments if op == "delete"]
    inserted = [text for op, text in segments if op == "insert"]
    assert "".join(deleted) == "五个"
    assert "六个服务" in "".join(inserted)
    assert _rebuild(segments, "old") == OLD and _rebuild(segments, "new") == NEW


def test_character_granularity_marks_single_characters():
    segments = diff_segments("建设五个站点", "建设六个站点", granularity="char")
    assert [s for s in segments if s[0] != "equal"] == [("delete", "五"), ("insert", "六")]


def test_words_come_from_rjieba_not_single_characters():
    assert "石榴园" in tokenize("幸福石榴园服务520")
    assert tokenize("ab", "char") == ["a", "b"]


def test_html_is_escaped_inside_and_outside_changes():
    out = diff_html("<b>旧</b>。", "<script>alert(1)</script>。")
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;" in out and "alert(1)" in out
    assert "<del>" in out and "<ins>" in out


def test_unrelated_sentences_are_replaced_whole_not_shredded():
    segments = diff_segments("今天天气很好。", "社区召开议事会议。")
    assert segments == [("delete", "今天天气很好。"), ("insert", "社区召开议事会议。")]


def test_long_chinese_text_aligns_without_autojunk():
    # One long sentence whose every word is over 1 % of its 241 tokens and whose ends
    # differ: with autojunk on, every word is junk and difflib finds no match at all.
    base = "居民的需求，" * 60 + "甲"
    changed = "居民的诉求，" + "居民的需求，" * 59 + "乙"
    stats = diff_stats(diff_segments(base, changed))
    assert stats.changed
    assert stats.deleted <= 3 and stats.inserted <= 3


def test_identical_texts_have_no_changes():
    assert diff_stats(diff_segments(OLD, OLD)).changed is False
    assert diff_html("", "") == ""


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet="社区居民服务站点。！？；\n<&ab1 ", max_size=60),
    st.text(alphabet="社区居民服务站点。！？；\n<&ab1 ", max_size=60),
    st.sampled_from(["word", "char"]),
)
def test_any_diff_rebuilds_both_texts(old, new, granularity):
    segments = diff_segments(old, new, granularity=granularity)
    assert _rebuild(segments, "old") == old
    assert _rebuild(segments, "new") == new
    assert "".join(split_sentences(old)) == old


def test_long_texts_are_diffed_within_a_budget():
    """Two 30,000-character descriptions took seconds (finding 8); the diff stays bounded."""
    import random
    import time

    from qiangji.lib import cndiff

    rng = random.Random(7)
    words = ["社区", "居民", "服务", "站点", "主线", "志愿者", "养老", "助餐", "，", "的"]
    old = "".join(rng.choice(words) for _ in range(12000))
    new = "".join(rng.choice(words) for _ in range(12000))
    started = time.perf_counter()
    segments = cndiff.diff_segments(old, new)
    assert time.perf_counter() - started < 2.0
    assert "".join(t for op, t in segments if op != "insert") == old
    assert "".join(t for op, t in segments if op != "delete") == new

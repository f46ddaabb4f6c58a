"""Tests of the Chinese text helpers."""

from __future__ import annotations

from qiangji.lib.text import (
    Segmenter,
    content_terms,
    fold_whitespace,
    has_meaningful_text,
    normalise,
    normalise_for_search,
    strip_invisible,
    to_half_width,
    to_simplified,
)


def test_traditional_characters_become_simplified():
    assert to_simplified("團城山街道鄰里糾紛，電梯壞了") == "团城山街道邻里纠纷，电梯坏了"


def test_full_width_ascii_becomes_half_width_but_other_chinese_punctuation_stays():
    assert to_half_width("ＡＢＣ１２３！　ｘ") == "ABC123! x"
    # ， (U+FF0C) is the full-width form of the ASCII comma; 。、《》 have no ASCII twin.
    assert to_half_width("你好，世界。、《书》") == "你好,世界。、《书》"


def test_zero_width_and_control_characters_are_removed():
    assert strip_invisible("电\u200b梯\u200d坏\ufeff了\x00\x07") == "电梯坏了"
    assert strip_invisible("第一行\n第二行\t完") == "第一行 第二行 完"


def test_whitespace_runs_fold_to_one_space():
    assert fold_whitespace("  电梯   坏了 \u00a0 三天 ") == "电梯 坏了 三天"


def test_normalise_applies_every_step_in_order():
    raw = "　Ｋ２３幸福家園\u200b的電梯\n\n壞了　　三天 "
    assert normalise(raw) == "K23幸福家园的电梯 坏了 三天"


def test_normalise_handles_empty_and_none():
    assert normalise("") == ""
    assert normalise(None) == ""


def test_search_form_is_lower_case_and_insensitive_to_width_and_script():
    assert normalise_for_search("ＫＦＣ門口") == normalise_for_search("kfc门口")


def test_only_emoji_is_not_meaningful_text():
    assert not has_meaningful_text("😡😡😡 🙏")
    assert not has_meaningful_text("\u200b \n")
    assert has_meaningful_text("😡电梯坏了")


def test_user_dictionary_keeps_territory_names_whole():
    plain = Segmenter()
    assert "K23幸福家园" not in plain.cut("K23幸福家园小区停车难")
    seg = Segmenter(["K23幸福家园", "柯爾山社區"])
    tokens = seg.cut(normalise("K23幸福家园小区停车难，柯尔山社区"))
    assert "K23幸福家园" in tokens
    assert "柯尔山社区" in tokens


def test_segmenter_drops_punctuation_and_spaces():
    tokens = Segmenter().cut("电梯坏了，请尽快维修！ ")
    assert tokens == ["电梯", "坏", "了", "请", "尽快", "维修"]


def test_content_terms_drop_stopwords():
    terms = content_terms("请尽快解决我们小区的电梯问题")
    assert "电梯" in terms
    assert "的" not in terms and "问题" not in terms and "请" not in terms


def test_very_long_text_is_normalised_without_error():
    text = "電梯壞了" * 25_000
    assert normalise(text) == "电梯坏了" * 25_000


def test_topic_terms_leave_out_place_names_whatever_their_case():
    seg = Segmenter(["K23幸福家园", "石榴园"])
    terms = seg.topic_terms("K23幸福家园的电梯坏了，石榴园的垃圾没人清运")
    assert "电梯" in terms and "垃圾" in terms
    assert "k23幸福家园" not in terms and "石榴园" not in terms
    assert "k23幸福家园" in seg.cut("k23幸福家园停车难")


def test_quoted_nests_double_quotes_as_single_ones_inside():
    from qiangji.lib.text import quoted

    assert quoted("社区品牌创建“社区书记沙龙”") == "“社区品牌创建‘社区书记沙龙’”"
    assert quoted("圆桌会议") == "“圆桌会议”"
    assert quoted("“零距离”") == "“零距离”"


def test_without_repeats_drops_a_sentence_said_before_or_known():
    from qiangji.lib.text import without_repeats

    summary = "11个社区分为11个小组开展圆桌会谈，聚焦居民最关切的事项开展“头脑风暴”。"
    generated = ["与会人员分为11个小组开展圆桌会谈和“头脑风暴”。本次活动签到40人。"]
    assert without_repeats(generated, known=[summary]) == ["本次活动签到40人。"]
    assert without_repeats(["签到40人。", "签到40人。", "导师点评。"]) == [
        "签到40人。",
        "导师点评。",
    ]

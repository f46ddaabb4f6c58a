"""Chinese text helpers: normalisation for matching and search, and segmentation.

`normalise` gives the form used for matching, search and analytics; callers always keep the
verbatim original beside it. Steps, in order:

1. Unicode NFKC-like folding limited to ASCII: full-width ASCII (！ to ～) and the ideographic
   space become their half-width forms. Chinese punctuation such as ，。、 is left alone,
   because NFKC would also rewrite CJK compatibility ideographs and circled digits that
   residents use on purpose.
2. Zero-width characters, BOMs, bidi marks and other control/format characters removed
   (newlines and tabs become spaces first).
3. Traditional → simplified with OpenCC (`t2s`).
4. Runs of whitespace folded to one space, trimmed.

Segmentation uses rjieba (jieba's Rust port) with a user dictionary that callers extend with
the territory's own names (communities, compounds, roads), so "K23幸福家园" stays one word.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

import opencc
import rjieba

_T2S_LOCAL = threading.local()

# Full-width ASCII block U+FF01..U+FF5E maps onto U+0021..U+007E; U+3000 is the ideographic space.
_FULL_TO_HALF = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULL_TO_HALF[0x3000] = 0x20
_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")

_WHITESPACE_RE = re.compile(r"\s+")
_LINE_BREAK_RE = re.compile(r"[\n\r\t\v\f]")
# Control (Cc), format (Cf), surrogate (Cs) and private-use (Co) characters as of Unicode 15;
# a regex of ranges is ten times faster than asking unicodedata about every character.
_INVISIBLE_RE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ue000-\uf8ff\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\U000f0000-\U0010ffff]"
)


def _t2s() -> opencc.OpenCC:
    # An OpenCC converter is not documented as thread-safe: keep one per thread.
    converter = getattr(_T2S_LOCAL, "converter", None)
    if converter is None:
        converter = opencc.OpenCC("t2s")
        _T2S_LOCAL.converter = converter
    return converter


def to_half_width(text: str) -> str:
    """Return text with full-width ASCII letters, digits, symbols and spaces made half-width."""
    # A regex finds the few full-width characters faster than str.translate visits every one.
    return _FULL_WIDTH_RE.sub(lambda m: chr(_FULL_TO_HALF[ord(m.group())]), text)


def strip_invisible(text: str) -> str:
    """Return text without zero-width, format and control characters (line breaks become spaces)."""
    return _INVISIBLE_RE.sub("", _LINE_BREAK_RE.sub(" ", text))


def to_simplified(text: str) -> str:
    """Return text converted from traditional to simplified Chinese (OpenCC t2s)."""
    if not text:
        return ""
    return _t2s().convert(text)


def fold_whitespace(text: str) -> str:
    """Return text with each run of whitespace replaced by one space, trimmed."""
    return _WHITESPACE_RE.sub(" ", text).strip()


def normalise(text: str | None) -> str:
    """Return the matching form of text: half-width ASCII, no invisibles, simplified, folded."""
    if not text:
        return ""
    text = to_half_width(text)
    text = strip_invisible(text)
    text = to_simplified(text)
    return fold_whitespace(text)


def normalise_for_search(text: str | None) -> str:
    """Return the normalised text lower-cased, the form both stored and queried for search."""
    return normalise(text).lower()


_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORDISH_RE = re.compile(r"[\w\u3400-\u4dbf\u4e00-\u9fff]", re.UNICODE)


def has_meaningful_text(text: str | None) -> bool:
    """Return whether text has at least one letter, digit or Chinese character (not only emoji)."""
    return bool(text) and bool(_WORDISH_RE.search(normalise(text)))


def cjk_ratio(text: str) -> float:
    """Return the share of characters in text that are Chinese ideographs."""
    if not text:
        return 0.0
    return len(_CJK_RE.findall(text)) / len(text)


# Function words and board boilerplate that carry no topic (kept short on purpose: the
# analytics weight terms by TF-IDF, so this list only removes what would dominate labels).
STOPWORDS: frozenset[str] = frozenset(
    """的 了 是 在 和 与 及 或 也 都 就 而 但 又 还 把 被 让 给 对 从 向 到 为 以 于 之 其 这 那
    这个 那个 这些 那些 这样 那样 什么 怎么 怎样 如何 为什么 哪里 哪些 我 我们 你 你们 他 他们 她 它
    我家 本人 自己 大家 有 没有 没 不 无 很 非常 太 更 最 已经 已 曾 将 会 能 可以 可 要 想 应该
    希望 请 请求 恳请 要求 反映 建议 咨询 投诉 举报 问题 情况 关于 相关 有关 领导 您好 你好 尊敬
    谢谢 感谢 一下 一个 一些 现在 目前 今天 每天 时候 多 少 个 些 等 等等 啊 吧 呢 吗 呀 哦 嘛
    如果 因为 所以 但是 而且 并且 然后 虽然 还是 只是 就是 但 并 由于 以及 进行 存在 导致 造成
    市 区 县 A市 能否 是否 一直 何时 尽快 及时 解决 处理 部门 示例""".split()
)

_TOKEN_OK_RE = re.compile(r"[\w\u3400-\u4dbf\u4e00-\u9fff]")


class Segmenter:
    """A rjieba tokenizer with its own user dictionary (names of communities, compounds, roads)."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._jieba = rjieba.Jieba()
        self._lock = threading.Lock()
        self.user_words: set[str] = set()
        self._user_lower: set[str] = set()
        self.add_words(user_words)

    def add_words(self, words: Iterable[str]) -> None:
        """Add names to the dictionary so that each stays one token."""
        with self._lock:
            for word in words:
                word = normalise(word).replace(" ", "")
                if len(word) >= 2 and word not in self.user_words:
                    # A high frequency makes the name win over the split the general
                    # dictionary would prefer ("柯尔山" rather than "柯尔" + "山"). The
                    # lower-case form too, for the lower-cased text of search and topics.
                    for form in {word, word.lower()}:
                        self._jieba.add_word(form, 200_000, "ns")
                    self.user_words.add(word)
                    self._user_lower.add(word.lower())

    def cut(self, text: str) -> list[str]:
        """Return the tokens of already-normalised text, punctuation and spaces dropped."""
        return [tok for tok in self._jieba.cut(text) if _TOKEN_OK_RE.search(tok)]

    def terms(self, text: str) -> list[str]:
        """Return the content words of raw text: normalised, segmented, stopwords dropped."""
        return [
            tok
            for tok in self.cut(normalise(text).lower())
            if tok not in STOPWORDS and not tok.isdigit() and (len(tok) > 1 or _CJK_RE.match(tok))
        ]

    def topic_terms(self, text: str) -> list[str]:
        """Return the nouns and verbs of raw text: what it is about (user-dictionary places dropped)."""
        out = []
        for tok, tag in self._jieba.tag(normalise(text).lower()):
            if (
                not tag
                or tag[0] not in "nvl"
                or tok in STOPWORDS
                or len(tok) < 2
                or tok in self._user_lower
            ):
                continue
            if _TOKEN_OK_RE.search(tok) and not tok.isdigit():
                out.append(tok)
        return out


_default_segmenter: Segmenter | None = None
_default_lock = threading.Lock()


def default_segmenter() -> Segmenter:
    """Return the process-wide segmenter (territory names are added to it as they are known)."""
    global _default_segmenter
    if _default_segmenter is None:
        with _default_lock:
            if _default_segmenter is None:
                _default_segmenter = Segmenter()
    return _default_segmenter


def segment(text: str) -> list[str]:
    """Return the tokens of raw text with the process-wide segmenter."""
    return default_segmenter().cut(normalise(text))


def content_terms(text: str) -> list[str]:
    """Return the content words of raw text with the process-wide segmenter."""
    return default_segmenter().terms(text)


def quoted(text: str) -> str:
    """Return text inside Chinese double quotes, its own double quotes becoming single ones.

    Chinese nests quotation marks “…‘…’…”: 社区品牌创建“社区书记沙龙” quoted is
    “社区品牌创建‘社区书记沙龙’”, never “社区品牌创建“社区书记沙龙””. A text already wholly
    in quotes is returned as it is.
    """
    text = text.strip()
    if text.startswith("“") and text.endswith("”") and text.count("“") == 1:
        return text
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def _bigrams(sentence: str) -> set[str]:
    chars = [ch for ch in sentence if ch.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def without_repeats(
    paragraphs: Iterable[str], *, known: Iterable[str] = (), overlap: float = 0.6
) -> list[str]:
    """Return the paragraphs without the sentences that repeat one said before.

    A sentence (ending in 。！？) repeats another when most of its character pairs (`overlap`)
    are found in that one, or in a sentence of `known` (text said elsewhere, e.g. a person's
    summary that a generated "分为11个小组开展圆桌会谈" would repeat). Paragraphs left
    empty are dropped.
    """
    seen: list[set[str]] = [
        _bigrams(s) for text in known for s in re.split(r"(?<=[。！？])", text) if s.strip()
    ]
    kept = []
    for paragraph in paragraphs:
        sentences = [s for s in re.split(r"(?<=[。！？])", paragraph) if s.strip()]
        out = []
        for sentence in sentences:
            pairs = _bigrams(sentence)
            if pairs and any(len(pairs & other) >= overlap * len(pairs) for other in seen):
                continue
            seen.append(pairs)
            out.append(sentence)
        if out:
            kept.append("".join(out).strip())
    return kept

"""Hot issues (热点问题): the specific matters many residents raise — place · problem.

A theme ("噪音") mixes dozens of matters; a hot issue is *one* matter: the same problem at the
same place or object (a compound, a road, a company, a school), raised by several residents
in their own words within a time window. The method, in four steps (pure Python, no
database; the platform, the command line and the benchmarks call the same code):

1. **Places.** Every message is normalised (`lib.text.normalise`; the board's anonymised
   "A市/A5区/K9县" codes are cut out as separators). Candidate names are the strings that end
   in a place or organisation suffix (…小区/花园/苑/家园/新城/公寓/大厦/广场/路/街/大道/
   公司/学校/学院/中学/小学/幼儿园/医院/村/镇/市场/工地…) with 2–10 characters before it,
   plus the territory's own names from the user dictionary (`known_names`). A name is
   *learned from the corpus*: a suffix-candidate counts only when at least two residents use
   it, and its left edge is where residents agree — the longest variant used by at least
   half as many documents as its shortest variant (伊景园滨河苑, not 投诉伊景园滨河苑 nor
   滨河苑 alone). Generic names (有限公司, 该小区, 物业公司, 马路 …: `GENERIC_PLACES`) and
   names in more than `MAX_PLACE_DF` of the documents never make a hot issue.
2. **Problem terms.** The words of the text (rjieba; stopwords, the place names themselves and
   generic phrases such as 各位领导/安全隐患/严重影响 removed: `GENERIC_TERMS`) weighted by
   TF-IDF (sublinear tf, terms in ≥ 2 documents and ≤ `MAX_TERM_DF` of them), rows unit length.
3. **Clustering within a place.** The messages naming one place form a block; a block is cut
   by average-linkage clustering of the problem vectors at cosine `CLUSTER_SIMILARITY`, so
   messages join when they share the place *and* the problem, however worded. A message
   naming two places is a candidate of both blocks; candidates are taken largest first (by
   distinct residents) and a message belongs to the first that takes it. Reports further
   apart than `WINDOW_GAP_DAYS` split a matter (the same place and problem a year later is a
   new matter).
4. **Distinctive names** (`_attach_by_keys`). One matter written with different names (a
   platform and the company behind it, a compound with and without its street office) or
   naming no place the lexicon knows ends in several groups or single messages. A *key* of a
   group is a run of 3–6 characters that at least half of its residents use, that reads as a
   name (`name_like`: a place name found or its end, or characters the dictionary knows no
   word for — 58车贷, 兴汝金城 — not 夜间施工, 维修基金 or 各位领导), and that the group owns
   (≤ `KEY_DF_FACTOR` × its members using it, in the whole corpus). Groups taken largest
   first, a smaller group merges in when half its residents use a key, the place it names
   most is the larger one's too (or holds the key), and the centroids are at cosine ≥
   `MERGE_SIMILARITY`; a single message with no place (or only the group's places, or its
   key written longer or shorter) joins the closest group whose key it uses at cosine ≥
   `ATTACH_SIMILARITY`. Both keep to the time window.
5. **A hot issue** is a cluster with at least `MIN_RESIDENTS` distinct residents. Its label is
   "place · problem": the place most of its messages name, and its two problem terms with the
   highest summed weight.

Heat reuses the priority formula's terms (`priority.py`) for the whole matter:

    heat    = care × urgency
    care    = log2(1 + residents + me_too + 0.25 × likes) × recency(latest report)
    urgency = 1 + Σ factor weights (safety 1.0, health 0.6, elderly/children 0.5,
              utilities 0.8, deadline, staff flag), at most 5 — a factor counts when at least
              a third of the matter's messages show it (one message mentioning 老人 does not
              make a matter of a hundred urgent).

Incremental joining (`HotIssueIndex.join`): a new message joins the hot issue that names one of
its places and whose centroid is at cosine ≥ `JOIN_SIMILARITY` of its problem vector; else it
stays single until the next refit.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from qiangji.concerns.analysis.priority import URGENCY_FACTORS, Priority, urgency_factors
from qiangji.lib.text import STOPWORDS, default_segmenter, normalise

# --- tuned constants (see docs/concerns.md "Hot issues" for how they were chosen) ------------
MIN_RESIDENTS = 2  # distinct residents (users) for a cluster to be a hot issue
CLUSTER_SIMILARITY = 0.05  # average-linkage cut inside a place block
JOIN_SIMILARITY = 0.3  # a new message joins a hot issue's centroid from this cosine on
MAX_PLACE_DF = 0.05  # a name in more documents than this is generic
MAX_TERM_DF = 0.08  # a word in more documents than this says nothing specific
WINDOW_GAP_DAYS = 120  # reports further apart than this are different matters
BLOCK_EXACT = 1500  # above this many messages a block is clustered by signature groups
SMALL_GROUP = 3  # a group this small must be tighter: two messages sharing a place and one word
SMALL_GROUP_SIMILARITY = 0.15  # mean pairwise cosine a group of ≤ SMALL_GROUP must reach
FACTOR_SHARE = 1 / 3  # share of a matter's messages that must show an urgency factor
# Second pass (distinctive names shared by a hot issue's messages; see `_attach_by_keys`).
KEY_CHARS = (3, 6)  # a key is a run of 3–6 characters of the text
KEY_SHARE = 0.5  # … used by at least this share of the hot issue's residents
KEY_DF_FACTOR = 4  # … and that it owns: used by at most this many times its members using it
ATTACH_SIMILARITY = 0.1  # a single message with a key joins when its problem is this close
MERGE_SIMILARITY = 0.3  # a smaller hot issue sharing a key merges at this centroid cosine

PLACE_SUFFIXES = (
    "小区", "花园", "家园", "新城", "公寓", "大厦", "广场", "山庄", "名苑", "名城", "雅苑",
    "苑", "庭", "府", "湾", "郡", "城",
    "大道", "路", "街", "巷", "桥",
    "有限公司", "公司", "集团", "学校", "学院", "大学", "中学", "小学", "幼儿园", "医院",
    "村", "镇", "乡", "社区", "市场", "商场", "超市", "酒店", "工地", "工厂", "厂",
    "搅拌站", "加油站", "车站", "地铁站", "高铁", "项目",
)  # fmt: skip
_SUFFIX_RE = re.compile("|".join(sorted(map(re.escape, PLACE_SUFFIXES), key=len, reverse=True)))
# A name never starts with these (they belong to the sentence around it).
_BAD_START = set(
    "的在是我了和与及对该本这那个们从到向给把被将说有位号栋楼层期请求附近旁边门口里内外上下前后让叫称由于为所等各每此其"
)
_NAME_CHARS_RE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
# The board's anonymised city, district and county codes ("A市", "A5区", "K9县").
_CODE_RE = re.compile(r"[A-Za-z]\d{0,2}(?:市|区|县)")
_DIGITS_RE = re.compile(r"^[0-9A-Za-z]+")

GENERIC_PLACES: frozenset[str] = frozenset(
    """有限公司 公司 物业公司 开发商 房地产公司 房地产开发有限公司 置业有限公司 科技有限公司 发展有限公司
    小区 该小区 本小区 此小区 整个小区 我们小区 我小区 老小区 新小区 周边小区 附近小区 各小区 老旧小区 商品房小区
    学校 该学校 本学校 中学 小学 大学 学院 幼儿园 医院 社区 村 镇 乡 市场 超市 工地 工厂 项目 城 县城 城区
    主城 主城区 城市 全城 新城 马路 道路 公路 大马路 小路 主路 支路 街 大街 街道 小巷 大道 高铁 桥 花园 广场
    公寓 大厦 厂 集团 家园 政府 村委会 居委会 社区居委会 公安局 派出所 开发区 经济开发区 高新区 示范区
    城管 物业 业委会 学区 片区 园区 景区 校区 小区内 小区门口 小区里 幼儿园里 全市 全县 全区 农村 城乡
    城中村 棚改项目 安置小区 拆迁项目 该项目 本项目 此项目 重点项目 工程项目 建设项目 在建项目 楼盘项目
    民办学校 公办学校 私立学校 培训学校 中小学 公立医院 民营医院 人民医院 中心医院 卫生院 中医院
    妇幼保健院 集团公司 子公司 分公司 总公司 保险公司 供电公司 自来水公司 燃气公司 电力公司 公交公司
    担保公司 中介公司 装修公司 施工公司 建筑公司 劳务公司 运营公司 管理公司 服务公司 投资公司 培训机构
    菜市场 农贸市场 二手市场 房地产市场 人才市场 劳动力市场 市场监督 超市里 大型超市 酒店 宾馆 加油站
    车站 火车站 汽车站 高铁站 地铁站 公交站 搅拌站 学院路 一条路 这条路 那条路 修路 断头路 人行道 主干道
    步行街 美食街 商业街 一条街 老街 新街 出城 进城 省城 卫星城 不夜城 影城 商城 城关 府 湾 郡 庭 苑
    万家 网上 线上 平台 市政府 省政府 区政府 县政府 人民政府 镇政府 投资有限公司 贸易有限公司 集团有限公司
    物业有限公司 物业管理有限公司 置业有限公司 房地产开发公司 建设集团 投资集团 城市建设集团 二期小区 一期小区
    三期小区 安置小区 家园小区 城镇小区 小区幼儿园 配套幼儿园 中小学 城市中小学 城区学校 农村学校""".split()
)
GENERIC_TERMS: frozenset[str] = frozenset(
    """各位 领导 各位领导 尊敬 您好 你好 安全隐患 隐患 严重 严重影响 影响 有限公司 公司 居民 业主 市民 群众
    百姓 老百姓 政府 相关 相关部门 部门 有关部门 单位 工作 问题 情况 希望 解决 处理 尽快 请求 恳请 反映 投诉
    举报 咨询 建议 小区 社区 街道 我们 他们 大家 现在 目前 已经 一直 时间 今年 去年 明年 年 月 日 号 多次
    至今 没有 不能 无法 不是 不到 不会 一个 这个 那个 进行 要求 规定 国家 政策 合法 违法 违规 权益 生活
    正常 造成 存在 发现 知道 出现 表示 说明 得到 给予 给 帮助 关注 重视 谢谢 感谢 麻烦 回复 答复 回应
    市长 书记 局长 领导同志 信箱 留言 网友 本人 家里 家人 地方 这里 那里 附近 周边 周围 当地 方面 有关
    事情 事件 问题解决 维护 保障 管理 负责 落实 监管 执法 查处 调查 核实 整改 督促 协调 处理结果 依法
    期待 盼望 期望 请问 是否 能否 何时 什么 为何 怎么办 怎么 如何 为什么 多少 哪些 只能 可能 应该 必须
    还是 就是 都是 也是 而是 只是 可是 但是 所以 因为 如果 虽然 这样 那样 这么 那么 非常 十分 特别 极其
    很多 许多 大量 部分 一些 所有 全部 每个 整个 各个 各种 以上 以下 以来 之前 之后 之间 期间 当时 后来
    同时 然后 最后 最近 近期 近日 日前 早日 立即 马上 及时 加强 加大 力度 采取 措施 办法 方式 方法 重视
    调查处理 严肃处理 给予解决 帮忙 帮助解决 解决问题 切实 真正 实际 实在 确实 根本 完全 一定 到底""".split()
)


# --- places --------------------------------------------------------------------------------
def clean_text(text: str) -> str:
    """Return the normalised text with the board's anonymised codes cut out as separators."""
    return _CODE_RE.sub("，", normalise(text))


def _runs(text: str) -> list[str]:
    return _NAME_CHARS_RE.findall(text)


_NO_START_TAGS = ("p", "c", "u", "r", "d", "f", "q", "x", "m", "y", "e", "o", "t")
_PROPER_TAGS = ("ns", "nr", "nt", "nz", "j", "eng", "x")
_COMMON_TAGS = frozenset("n v vn a ad an d s f t vd l i b z".split())
_NO_INSIDE_TAGS = ("p", "c", "u", "r", "x", "y", "e", "o")
LEFT_STOP: frozenset[str] = frozenset(
    """距离 距 离 位于 地处 坐落 座落 靠近 临近 紧邻 毗邻 对面 旁边 门口 附近 隔壁 周边 关于 对于 针对 开展 建设
    影响 严重 投诉 反映 举报 咨询 申请 要求 希望 建议 请求 强烈 紧急 居住 住在 购买 买了 入住 办成 属于 属下
    进出 经过 路过 途经 沿线 整个 所有 全体 广大 众多 部分 多个 几个 一些 各个 每个 两个 三个 同一个 一个 一家
    开设 设立 配套 修建 新建 在建 拟建 规划 建成 开办 附属 且 即 暨 市属 省属 区属 县属 公办 民办 私立 一所 一条 这条 那条 这家 那家 该 本 此 原 老 新 大 小 前 后 东 西 南 北 中""".split()
)


def tagged_runs(text: str) -> list[list[tuple[str, str]]]:
    """Return clean text cut into runs of (word, tag) between punctuation."""
    jieba = default_segmenter()._jieba
    runs: list[list[tuple[str, str]]] = [[]]
    for word, tag in jieba.tag(text):
        if _NAME_CHARS_RE.fullmatch(word):
            runs[-1].append((word, tag or "x"))
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def suffix_candidates(runs: list[list[tuple[str, str]]], *, max_chars: int = 12) -> list[list[str]]:
    """Return, per word ending in a place suffix, the names it may end (shortest first).

    A name starts at a word boundary, on a word that is not a function word, a stopword or a
    sentence word such as 投诉/位于/距离, holds no function word inside, and has at least two
    characters before its suffix.
    """
    out: list[list[str]] = []
    for run in runs:
        for end, (word, tag) in enumerate(run):
            suffix = _SUFFIX_RE.search(word)
            if suffix is None or suffix.end() != len(word):
                continue
            # 铁路, 线路, 马路 end in a suffix but are ordinary words: a word longer than its
            # suffix ends a name only when the segmenter took it for a proper name.
            if suffix.start() > 0 and not tag.startswith(_PROPER_TAGS):
                continue
            suffix_len = suffix.end() - suffix.start()
            variants: list[str] = []
            name = ""
            for start in range(end, -1, -1):
                w, t = run[start]
                if start < end and t.startswith(_NO_INSIDE_TAGS):
                    break
                name = w + name
                if len(name) > max_chars:
                    break
                if len(name) - suffix_len < 2:
                    continue
                if (
                    t.startswith(_NO_START_TAGS)
                    or w in LEFT_STOP
                    or w in STOPWORDS
                    or w in GENERIC_TERMS
                ):
                    continue
                if w.isdigit():
                    continue
                # 住宅小区, 居民小区, 快速路, 幸福家园: one ordinary word before the suffix.
                # (a noun before a one-character suffix is usually a name: 石榴苑, 汇金路).
                if (
                    start == end - 1
                    and word == suffix.group()
                    and t in _COMMON_TAGS
                    and (suffix_len > 1 or t not in ("n", "s", "f", "t"))
                ):
                    continue
                variants.append(name)
            if variants:
                out.append(variants)
    return out


def _stems(name: str) -> set[str]:
    """Return a known name and its stem without the level suffix (石榴园社区 → 石榴园)."""
    forms = {name}
    stem = re.sub(r"(社区|小区|街道|网格)$", "", name)
    # A stem that is a common word (幸福, 和平, 阳光) would match ordinary sentences.
    if len(stem) >= 3 and stem not in COMMON_WORD_STEMS:
        forms.add(stem)
    return forms


COMMON_WORD_STEMS: frozenset[str] = frozenset(
    "幸福 和平 阳光 光明 团结 胜利 友谊 建设 新华 人民 文化 幸福家园 和谐 美好 快乐 平安 健康 明珠".split()
)


@dataclass
class PlaceLexicon:
    """The names a corpus learned (with their document frequency) and the territory's own."""

    learned: dict[str, int] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)  # form → canonical territory name
    n_docs: int = 0

    @classmethod
    def learn(
        cls, texts: Sequence[str], users: Sequence[str], known_names: Iterable[str] = ()
    ) -> PlaceLexicon:
        """Learn the corpus's place names: suffix candidates that two or more residents use."""
        df: Counter[str] = Counter()
        people: dict[str, set[str]] = defaultdict(set)
        for runs, user in zip(texts, users, strict=True):
            seen = {v for variants in suffix_candidates(runs) for v in variants}
            for name in seen:
                df[name] += 1
                if len(people[name]) < 2:
                    people[name].add(user)
        learned = {
            name: count
            for name, count in df.items()
            if count >= 2 and len(people[name]) >= 2 and name not in GENERIC_PLACES
        }
        known: dict[str, str] = {}
        for name in known_names:
            name = normalise(name).replace(" ", "")
            if len(name) >= 2:
                for form in _stems(name):
                    known[form] = name
        return cls(learned=learned, known=known, n_docs=len(texts))

    def is_generic(self, name: str) -> bool:
        if name in self.known:
            return False
        if name in GENERIC_PLACES or _DIGITS_RE.sub("", name) in GENERIC_PLACES:
            return True
        return self.n_docs >= 200 and self.learned.get(name, 0) > MAX_PLACE_DF * self.n_docs

    def places(self, text: str, runs: list[list[tuple[str, str]]]) -> list[str]:
        """Return the specific place names of clean text, first mention first, without repeats."""
        found: list[str] = []
        for form, canonical in self.known.items():
            if form in text and canonical not in found:
                found.append(canonical)
        for variants in suffix_candidates(runs):
            shortest = next((v for v in variants if v in self.learned), None)
            if shortest is None:
                continue
            floor = max(2, self.learned[shortest] / 2)
            best = shortest
            for v in variants:
                if len(v) > len(best) and self.learned.get(v, 0) >= floor:
                    best = v
            if self.is_generic(best) or any(best in k or k in best for k in found):
                continue
            found.append(best)
        return found


# --- problem terms -------------------------------------------------------------------------
def problem_terms(runs: list[list[tuple[str, str]]], places: Sequence[str]) -> list[str]:
    """Return the content words of a text with its place names and generic words removed."""
    words = [w.lower() for run in runs for w, _tag in run]
    if places:
        inside = set()
        for place in places:
            for run in runs:
                joined = "".join(w for w, _ in run)
                if place in joined:
                    inside.update(w.lower() for w, _ in run if w in place)
        words = [w for w in words if w not in inside]
    return [
        w
        for w in words
        if len(w) >= 2
        and w not in STOPWORDS
        and w not in GENERIC_TERMS
        and not any(ch.isdigit() for ch in w)
        and not w.isascii()
    ]


class TermSpace:
    """TF-IDF over problem terms (sublinear tf, unit rows), fitted on a corpus."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.terms = [""] * len(vocabulary)
        for term, index in vocabulary.items():
            self.terms[index] = term

    @classmethod
    def fit(cls, docs: Sequence[Sequence[str]]) -> TermSpace:
        n = len(docs)
        df: Counter[str] = Counter()
        for words in docs:
            df.update(set(words))
        cap = max(2, MAX_TERM_DF * n) if n >= 200 else n
        kept = sorted(t for t, c in df.items() if c >= 2 and c <= cap)
        vocabulary = {t: i for i, t in enumerate(kept)}
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1 for t in kept], dtype=np.float64)
        return cls(vocabulary, idf)

    def transform(self, docs: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for r, words in enumerate(docs):
            counts = Counter(w for w in words if w in self.vocabulary)
            for term, count in counts.items():
                rows.append(r)
                cols.append(self.vocabulary[term])
                vals.append(1 + math.log(count))
        m = sparse.csr_matrix(
            (vals, (rows, cols)), shape=(len(docs), len(self.vocabulary)), dtype=np.float64
        )
        m = m.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1 / norms) @ m


# --- clustering ----------------------------------------------------------------------------
def _average_linkage(x: sparse.csr_matrix, threshold: float) -> list[list[int]]:
    """Return the clusters of rows of x cut at average cosine similarity threshold."""
    n = x.shape[0]
    if n == 1:
        return [[0]]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    sim = (x @ x.T).toarray()
    dist = np.clip(1.0 - sim, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[int(label)].append(i)
    return list(groups.values())


def _cluster_block(x: sparse.csr_matrix, threshold: float) -> list[list[int]]:
    """Cluster one place block; a big block is first grouped by each row's strongest term."""
    n = x.shape[0]
    if n <= BLOCK_EXACT:
        return _average_linkage(x, threshold)
    # Signature groups: rows whose strongest term is the same; their centroids are clustered.
    strongest = np.asarray(x.argmax(axis=1)).ravel()
    empty = np.asarray(x.getnnz(axis=1)).ravel() == 0
    sig_rows: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        if not empty[i]:
            sig_rows[int(strongest[i])].append(i)
    sigs = sorted(sig_rows, key=lambda s: -len(sig_rows[s]))[:BLOCK_EXACT]
    indicator = sparse.csr_matrix(
        (
            np.ones(sum(len(sig_rows[s]) for s in sigs)),
            (
                [k for k, s in enumerate(sigs) for _ in sig_rows[s]],
                [i for s in sigs for i in sig_rows[s]],
            ),
        ),
        shape=(len(sigs), n),
    )
    centroids = indicator @ x
    norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    centroids = sparse.diags(1 / norms) @ centroids
    out = []
    for group in _average_linkage(centroids.tocsr(), threshold):
        out.append([i for k in group for i in sig_rows[sigs[k]]])
    return out


@dataclass
class Doc:
    """What the hot-issue method needs of one message or concern."""

    id: str
    text: str
    time: dt.datetime | None = None
    likes: int = 0
    user: str = ""
    me_too: int = 0


@dataclass
class HotIssueFound:
    """One hot issue: its label, members (indices into the docs) and heat."""

    place: str
    problem: str
    members: list[int]
    residents: int
    likes: int
    me_too: int
    first: dt.datetime | None
    last: dt.datetime | None
    heat: Priority
    places: list[str]
    terms: dict[str, float]

    @property
    def label(self) -> str:
        return f"{self.place} · {self.problem}" if self.problem else self.place


def heat_of(
    *,
    texts: Sequence[str],
    residents: int,
    likes: int = 0,
    me_too: int = 0,
    age_days: float = 0.0,
    deadline: str = "",
    staff_flag: bool = False,
    factors: Sequence[Sequence[str]] | None = None,
) -> Priority:
    """Return the heat of a matter: the priority formula over the whole matter.

    An urgency factor counts when at least FACTOR_SHARE of its messages show it; `factors`
    gives each message's factors when they are already known (stored concerns).
    """
    per_message = factors if factors is not None else [urgency_factors(t) for t in texts]
    counts = Counter(f for fs in per_message for f in set(fs))
    needed = max(1, math.ceil(FACTOR_SHARE * len(per_message)))
    shared = tuple(f for f in URGENCY_FACTORS if counts[f] >= needed)
    return Priority(
        residents=residents,
        me_too=me_too,
        likes=likes,
        age_days=age_days,
        factors=shared,
        deadline=deadline,
        staff_flag=staff_flag,
    )


def _mean_similarity(x: sparse.csr_matrix) -> float:
    """Return the mean cosine between distinct rows of x (unit rows)."""
    n = x.shape[0]
    if n < 2:
        return 1.0
    total = np.asarray(x.sum(axis=0)).ravel()
    return float((total @ total - n) / (n * (n - 1)))


def _split_by_time(members: list[int], docs: Sequence[Doc]) -> list[list[int]]:
    timed = sorted(members, key=lambda i: docs[i].time or dt.datetime.min.replace(tzinfo=dt.UTC))
    parts: list[list[int]] = [[]]
    previous = None
    for i in timed:
        t = docs[i].time
        if previous is not None and t is not None and (t - previous).days > WINDOW_GAP_DAYS:
            parts.append([])
        parts[-1].append(i)
        previous = t or previous
    return parts


def _label_terms(x: sparse.csr_matrix, members: list[int], space: TermSpace, k: int = 2) -> dict:
    weights = np.asarray(x[members].sum(axis=0)).ravel() / max(len(members), 1)
    top = np.argsort(-weights)[:30]
    return {space.terms[i]: round(float(weights[i]), 4) for i in top if weights[i] > 0}


@dataclass
class HotIssueResult:
    """What a fit gives back: the hot issues (hottest first) and what joining needs later."""

    issues: list[HotIssueFound]
    lexicon: PlaceLexicon
    space: TermSpace
    places: list[list[str]]  # per doc


def find_hot_issues(
    docs: Sequence[Doc],
    *,
    known_names: Iterable[str] = (),
    now: dt.datetime | None = None,
    pinned: dict[int, object] | None = None,
    similarity: float = CLUSTER_SIMILARITY,
) -> HotIssueResult:
    """Return the hot issues of docs, hottest first.

    `pinned` maps doc indices to a staff decision (their hot issue, or None for "single"):
    those docs are left out of the clustering — the caller puts them back where staff said.
    """
    pinned = pinned or {}
    texts = [clean_text(d.text) for d in docs]
    runs = [tagged_runs(t) for t in texts]
    lexicon = PlaceLexicon.learn(runs, [d.user or f"#{i}" for i, d in enumerate(docs)], known_names)
    places = [lexicon.places(t, r) for t, r in zip(texts, runs, strict=True)]
    words = [problem_terms(r, p) for r, p in zip(runs, places, strict=True)]
    space = TermSpace.fit(words)
    x = space.transform(words)
    has_terms = np.asarray(x.getnnz(axis=1)).ravel() > 0

    blocks: dict[str, list[int]] = defaultdict(list)
    for i, names in enumerate(places):
        if i in pinned or not has_terms[i]:
            continue
        for name in names:
            blocks[name].append(i)
    candidates: list[tuple[str, list[int]]] = []
    for name, rows in blocks.items():
        users = {docs[i].user or f"#{i}" for i in rows}
        if len(users) < MIN_RESIDENTS:
            continue
        for group in _cluster_block(x[rows], similarity):
            members = [rows[g] for g in group]
            if (
                len(members) <= SMALL_GROUP
                and _mean_similarity(x[members]) < SMALL_GROUP_SIMILARITY
            ):
                continue
            for part in _split_by_time(members, docs):
                if len({docs[i].user or f"#{i}" for i in part}) >= MIN_RESIDENTS:
                    candidates.append((name, part))

    def residents(members: list[int]) -> int:
        return len({docs[i].user or f"#{i}" for i in members})

    candidates.sort(key=lambda c: (-residents(c[1]), -len(c[1]), c[0]))
    taken: set[int] = set()
    chosen: list[list[int]] = []
    for _name, members in candidates:
        left = [i for i in members if i not in taken]
        if len(left) < len(members) and residents(left) < MIN_RESIDENTS:
            continue
        if residents(left) < MIN_RESIDENTS:
            continue
        taken.update(left)
        chosen.append(left)

    chosen = _attach_by_keys(chosen, docs, texts, places, x, space, pinned)

    times = [d.time for d in docs if d.time is not None]
    now = now or (max(times) if times else None)
    issues = [_describe(members, docs, texts, places, x, space, now) for members in chosen]
    issues.sort(key=lambda h: (-h.heat.score, -h.residents, h.label))
    return HotIssueResult(issues=issues, lexicon=lexicon, space=space, places=places)


def _grams(text: str, low: int, high: int) -> set[str]:
    """Return the character runs of length low…high of text's name characters."""
    out: set[str] = set()
    for run in _NAME_CHARS_RE.findall(text):
        n = len(run)
        for k in range(low, min(high, n) + 1):
            out.update(run[i : i + k] for i in range(n - k + 1))
    return out


_CJK_CHAR_RE = re.compile(r"[\u4e00-\u9fff]")


CONTEXT_CHARS = 3  # characters either side of a key read with it by the dictionary
_LEFT_CONTEXT_RE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]*$")


def _names_place(key: str, place_names: Iterable[str]) -> bool:
    """Return whether key is a place name found, without its suffix (诺亚山林 of
    诺亚山林小区) or its end (兴汝金城 of 晟福兴汝金城)."""
    if key in GENERIC_PLACES:
        return False
    own = _ending_suffix(key)
    stem = key[: len(key) - len(own)]
    # An end is a name of its own: a stem of three characters or more, with no suffix of two
    # characters or more inside (not 苑小区, nor 小区临街 of a misread 城小区临街).
    end_ok = bool(own) and len(stem) >= 3 and not any(s in stem for s in _LONG_SUFFIXES)
    for place in place_names:
        bare = place[: len(place) - len(_ending_suffix(place))]
        if key in (place, bare) or (end_ok and place.endswith(key)):
            return True
    return False


_LONG_SUFFIXES = tuple(s for s in PLACE_SUFFIXES if len(s) >= 2)


_SUFFIX_LENGTHS = sorted({len(s) for s in PLACE_SUFFIXES}, reverse=True)
_SUFFIX_SET = frozenset(PLACE_SUFFIXES)


def _ending_suffix(name: str) -> str:
    """Return the (longest) place suffix name ends with ('' when none)."""
    for n in _SUFFIX_LENGTHS:
        if len(name) >= n and name[-n:] in _SUFFIX_SET:
            return name[-n:]
    return ""


def name_like(key: str, contexts: Iterable[str], place_names: Iterable[str] = ()) -> bool:
    """Return whether a run of characters reads as a name rather than ordinary words.

    A name is a specific place name the lexicon found or its end (诺亚山林 of 诺亚山林小区,
    兴汝金城 of 晟福兴汝金城), or it is not made of dictionary words. The second is read in
    the texts that use it (`contexts`: up to three): cut by the dictionary alone (no guessing
    of unknown words) with up to `CONTEXT_CHARS` characters either side, the run
    starts and ends between words (not 发商整 of 开发商整改, nor 借人多次 of 出借人多次) and
    leaves two single characters in a row that make no word and are no sentence characters
    (`_BAD_START`: 的, 在, 和 …): 58车贷 → 58/车/贷, 兴汝金城 → 兴/汝/金城, 月亮岛路 →
    月亮/岛/路 are names; 夜间施工, 维修基金, 犯罪嫌疑人 are words, and 作业和因 holds only
    the sentence characters 和, 因; and it ends in a place suffix or holds three such
    characters or more (digits and letters count): 电梯维保 and 油烟直排 are not names.
    A majority of the contexts read must agree.
    """
    if _names_place(key, place_names):
        return True
    jieba = default_segmenter()._jieba
    votes = read = 0
    for text in contexts:
        at = text.find(key)
        if at < 0:
            continue
        end = at + len(key)
        left = len(_LEFT_CONTEXT_RE.search(text[max(0, at - CONTEXT_CHARS) : at]).group())
        after = _NAME_CHARS_RE.match(text[end : end + CONTEXT_CHARS])
        right = len(after.group()) if after else 0
        pieces = jieba.cut(text[at - left : end + right], hmm=False)
        bounds, inside, offset = set(), [], 0
        for piece in pieces:
            bounds.add(offset)
            if left <= offset and offset + len(piece) <= left + len(key):
                single = len(piece) == 1 and bool(_CJK_CHAR_RE.match(piece))
                inside.append((single and piece not in _BAD_START, piece.isascii()))
            offset += len(piece)
        bounds.add(offset)
        aligned = left in bounds and left + len(key) in bounds
        singles = [a for a, _ in inside]
        unknown = any(a and b for a, b in zip(singles, singles[1:], strict=False))
        # A run of unknown characters is a name when it ends in a place suffix (月亮岛路) or
        # holds three or more of them, digits and letters included (58车贷, 聚利人普惠);
        # two alone are as often an abbreviation (维保 of 电梯维保) or jargon (油烟直排).
        strong = bool(_ending_suffix(key)) or sum(a or b for a, b in inside) >= 3
        votes += 1 if aligned and unknown and strong else -1
        read += 1
        if read == 3 or (read == 2 and votes != 0):
            break  # three read, or two that agree
    return votes > 0


def _group_keys(
    chosen: list[list[int]], docs: Sequence[Doc], grams: list[set[str]], space: TermSpace
) -> list[dict[str, int]]:
    """Return, per hot issue, the runs at least half its residents use (no problem term, no
    generic word) with the number of its members using each: the candidates for its keys."""
    out = []
    for members in chosen:
        by_user: dict[str, set[str]] = defaultdict(set)
        using: Counter[str] = Counter()
        for i in members:
            by_user[docs[i].user or f"#{i}"].update(grams[i])
            using.update(grams[i])
        coverage: Counter[str] = Counter()
        for gs in by_user.values():
            coverage.update(gs)
        need = max(MIN_RESIDENTS, math.ceil(KEY_SHARE * len(by_user)))
        out.append(
            {
                g: using[g]
                for g, c in coverage.items()
                if c >= need
                and g not in space.vocabulary
                and g not in GENERIC_PLACES
                and g not in GENERIC_TERMS
                and _CJK_CHAR_RE.search(g)
            }
        )
    return out


def _attach_by_keys(
    chosen: list[list[int]],
    docs: Sequence[Doc],
    texts: Sequence[str],
    places: Sequence[Sequence[str]],
    x: sparse.csr_matrix,
    space: TermSpace,
    pinned: dict[int, object],
) -> list[list[int]]:
    """Second pass: hot issues and single messages that share a distinctive name come together.

    One matter is often written with different names (a platform 某某贷 and the company behind
    it; 某某公园 and 某某公园项目; a compound with and without its street), or names no
    place the lexicon knows; such messages end in small groups or stay single. A *key* of a
    hot issue is a run of 3–6 characters that at least half of its residents use, that reads
    as a name (`name_like`), is no problem term nor generic word, and that the hot issue
    owns: at most `KEY_DF_FACTOR` times as many messages of the corpus use it as members of
    the hot issue do. Then, hot issues taken largest first:

    * a smaller hot issue merges into a larger one when at least half of its residents use
      one of the larger one's keys, the place it names most is one the larger one names (two
      members or more) or holds one of its keys, and their centroids are at cosine ≥
      `MERGE_SIMILARITY`
      (its members that use none of the keys stay behind, and without two residents left
      they are single again);
    * a single message that names no place, or only places that two or more of the hot
      issue's members name or that are its key written longer or shorter (汝金城, 泉星公园项目;
      the place step judged every other one), joins the hot issue whose key it uses and whose
      centroid is closest, at cosine ≥ `ATTACH_SIMILARITY`.

    Both keep to the time window: reports further than `WINDOW_GAP_DAYS` from the hot issue's
    first and last report stay apart.
    """
    if not chosen:
        return chosen
    low, high = KEY_CHARS
    grams: list[set[str]] = [set()] * len(docs)
    for members in chosen:
        for i in members:
            grams[i] = _grams(texts[i], low, high)
    candidates = _group_keys(chosen, docs, grams, space)
    wanted = set().union(*candidates)
    if not wanted:
        return chosen
    cap = KEY_DF_FACTOR * max(len(members) for members in chosen)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(texts):
        for g in wanted.intersection(_grams(text, low, high)):
            if len(postings[g]) <= cap:
                postings[g].append(i)
    keys = []  # (a run no message outside the hot issue uses would find nothing: not read)
    for members, cands in zip(chosen, candidates, strict=True):
        names = {p for i in members for p in places[i]}
        keys.append(
            [
                g
                for g, c in cands.items()
                if c < len(postings[g]) <= KEY_DF_FACTOR * c
                and name_like(g, (texts[i] for i in members if g in grams[i]), names)
            ]
        )

    def user(i: int) -> str:
        return docs[i].user or f"#{i}"

    def centroid(members: list[int]) -> np.ndarray:
        c = np.asarray(x[members].sum(axis=0)).ravel()
        return c / (math.sqrt(float((c * c).sum())) or 1.0)

    owner = {i: k for k, members in enumerate(chosen) for i in members}
    groups = [list(members) for members in chosen]
    centroids = [centroid(members) for members in chosen]
    residents = [len({user(i) for i in members}) for members in chosen]
    spans = [_span(members, docs) for members in chosen]
    order = sorted(range(len(chosen)), key=lambda k: (-residents[k], -len(chosen[k]), k))
    rank = {k: r for r, k in enumerate(order)}
    merged_into: dict[int, int] = {}
    gplaces = []  # the places at least two members of a hot issue name
    for members in groups:
        counts = Counter(p for i in members for p in set(places[i]))
        gplaces.append({p for p, c in counts.items() if c >= 2})
    for k in order:
        if k in merged_into or not keys[k]:
            continue
        users_of: dict[int, set[str]] = defaultdict(set)
        for g in keys[k]:
            for i in postings[g]:
                b = owner.get(i)
                if b is not None and b != k and rank[b] > rank[k] and b not in merged_into:
                    users_of[b].add(user(i))
        for b in sorted(users_of, key=rank.__getitem__):
            users = users_of[b]
            if 2 * len(users) < residents[b]:
                continue
            if float((centroids[k] * centroids[b]).sum()) < MERGE_SIMILARITY:
                continue
            main = Counter(p for i in groups[b] for p in dict.fromkeys(places[i])).most_common(1)
            if main and not (main[0][0] in gplaces[k] or any(g in main[0][0] for g in keys[k])):
                continue  # the smaller one is about another place
            if not _near(spans[k], spans[b]):
                continue
            # The members using the key move; the rest stay (alone, they dissolve below).
            moving = [i for i in groups[b] if any(g in texts[i] for g in keys[k])]
            merged_into[b] = k
            spans[k] = _join_spans(spans[k], spans[b])
            groups[k].extend(moving)
            for i in moving:
                owner[i] = k
            groups[b] = [i for i in groups[b] if owner[i] == b]
    for k, members in enumerate(groups):
        if members and members != chosen[k]:
            centroids[k] = centroid(members)

    by_key: dict[str, list[int]] = defaultdict(list)
    for k, ks in enumerate(keys):
        for g in ks:
            by_key[g].append(merged_into.get(k, k))
    keys_of: dict[int, set[str]] = defaultdict(set)
    for k, ks in enumerate(keys):
        keys_of[merged_into.get(k, k)].update(ks)
    singles = sorted(
        {i for g in by_key for i in postings[g] if i not in owner and i not in pinned},
        key=lambda i: (docs[i].time is None, docs[i].time or 0, i),
    )
    # Taken in time order and again while one joins: a report within the window of one that
    # joined is within the matter's window too (the gap is between consecutive reports).
    changed = True
    while changed:
        changed = False
        for i in singles:
            if i in owner:
                continue
            span = _span([i], docs)
            best, best_sim = None, ATTACH_SIMILARITY
            for k in sorted({c for h in _grams(texts[i], low, high) for c in by_key.get(h, ())}):
                if not all(
                    p in gplaces[k] or any(g in p or p in g for g in keys_of[k]) for p in places[i]
                ):
                    continue
                sim = float((x[i] @ centroids[k])[0])
                if sim >= best_sim and _near(spans[k], span):
                    best, best_sim = k, sim
            if best is not None:
                groups[best].append(i)
                owner[i] = best
                spans[best] = _join_spans(spans[best], span)
                changed = True
    return [members for members in groups if len({user(i) for i in members}) >= MIN_RESIDENTS]


def _span(members: list[int], docs: Sequence[Doc]) -> tuple | None:
    times = [docs[i].time for i in members if docs[i].time is not None]
    return (min(times), max(times)) if times else None


def _near(a: tuple | None, b: tuple | None) -> bool:
    """Return whether two time spans are within the window gap of each other."""
    if a is None or b is None:
        return True
    gap = max((b[0] - a[1]).total_seconds(), (a[0] - b[1]).total_seconds(), 0) / 86400
    return gap <= WINDOW_GAP_DAYS


def _join_spans(a: tuple | None, b: tuple | None) -> tuple | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), max(a[1], b[1]))


def _describe(members, docs, texts, places, x, space, now) -> HotIssueFound:
    name_counts = Counter(n for i in members for n in places[i])
    place = name_counts.most_common(1)[0][0]
    terms = _label_terms(x, members, space)
    problem = "".join(list(terms)[:2])
    timed = [docs[i].time for i in members if docs[i].time is not None]
    last = max(timed) if timed else None
    age = (now - last).total_seconds() / 86400 if now and last else 0.0
    users = {docs[i].user or f"#{i}" for i in members}
    likes = sum(docs[i].likes for i in members)
    me_too = sum(docs[i].me_too for i in members)
    heat = heat_of(
        texts=[texts[i] for i in members], residents=len(users), likes=likes, me_too=me_too,
        age_days=age,
    )  # fmt: skip
    return HotIssueFound(
        place=place,
        problem=problem,
        members=sorted(members),
        residents=len(users),
        likes=likes,
        me_too=me_too,
        first=min(timed) if timed else None,
        last=last,
        heat=heat,
        places=[n for n, _ in name_counts.most_common(5)],
        terms=terms,
    )


# --- incremental joining -------------------------------------------------------------------
@dataclass
class HotIssueIndex:
    """What a new message needs to join a fitted hot issue: names, term space, centroids."""

    lexicon: PlaceLexicon
    space: TermSpace
    keys: list[object]  # the caller's key of each hot issue (a row id, an index)
    places: list[set[str]]
    centroids: sparse.csr_matrix

    @classmethod
    def build(
        cls,
        lexicon: PlaceLexicon,
        space: TermSpace,
        issues: Sequence[tuple[object, Iterable[str], dict[str, float]]],
    ) -> HotIssueIndex:
        """Return an index of (key, places, terms→weight) triples."""
        rows, cols, vals = [], [], []
        for r, (_key, _places, terms) in enumerate(issues):
            for term, weight in terms.items():
                col = space.vocabulary.get(term)
                if col is not None:
                    rows.append(r)
                    cols.append(col)
                    vals.append(weight)
        m = sparse.csr_matrix(
            (vals, (rows, cols)), shape=(len(issues), len(space.vocabulary)), dtype=np.float64
        )
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return cls(
            lexicon=lexicon,
            space=space,
            keys=[i[0] for i in issues],
            places=[set(i[1]) for i in issues],
            centroids=(sparse.diags(1 / norms) @ m).tocsr(),
        )

    def join(self, texts: Sequence[str], *, threshold: float = JOIN_SIMILARITY) -> list:
        """Return, per text, the key of the hot issue it joins, or None to stay single."""
        by_place: dict[str, list[int]] = defaultdict(list)
        for r, names in enumerate(self.places):
            for name in names:
                by_place[name].append(r)
        cleaned = [clean_text(t) for t in texts]
        runs = [tagged_runs(t) for t in cleaned]
        found = [self.lexicon.places(t, r) for t, r in zip(cleaned, runs, strict=True)]
        x = self.space.transform([problem_terms(r, p) for r, p in zip(runs, found, strict=True)])
        out: list = []
        for i, names in enumerate(found):
            rows = sorted({r for n in names for r in by_place.get(n, ())})
            if not rows:
                out.append(None)
                continue
            sims = (self.centroids[rows] @ x[i].T).toarray().ravel()
            best = int(np.argmax(sims))
            out.append(self.keys[rows[best]] if sims[best] >= threshold else None)
        return out


def to_state(lexicon: PlaceLexicon, space: TermSpace) -> dict:
    """Return a JSON-able form of what joining needs (stored with a territory's fit)."""
    return {
        "learned": lexicon.learned,
        "known": lexicon.known,
        "n_docs": lexicon.n_docs,
        "terms": space.terms,
        "idf": [round(float(v), 5) for v in space.idf],
    }


def from_state(state: dict) -> tuple[PlaceLexicon, TermSpace]:
    """Return the lexicon and term space saved by `to_state`."""
    lexicon = PlaceLexicon(
        learned=dict(state.get("learned", {})),
        known=dict(state.get("known", {})),
        n_docs=int(state.get("n_docs", 0)),
    )
    terms = list(state.get("terms", []))
    space = TermSpace(
        {t: i for i, t in enumerate(terms)}, np.array(state.get("idf", []), dtype=float)
    )
    return lexicon, space

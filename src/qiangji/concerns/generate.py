"""Generated concerns with their tickets and ticket histories (`qiangji generate`).

Texts are put together from fragments written here (a place, a problem, what it causes, what
is asked), never from real messages. Everything that depends on a text (its normal form,
search tokens, urgency factors, category) is computed once per fragment and joined, so a
million concerns cost a million tuples, not a million segmentations. Rows go through the
importer's raw bulk path (`lib.bulk`: multi-row INSERT on SQLite, COPY on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import transaction

from qiangji.concerns.analysis.priority import _FACTOR_RES, priority
from qiangji.concerns.importing import CONCERN_COLUMNS, EVENT_COLUMNS, TICKET_COLUMNS, search_tokens
from qiangji.concerns.models import (
    DEFAULT_DEADLINE_HOURS,
    Category,
    Channel,
    Concern,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketKind,
    TicketState,
)
from qiangji.lib.text import normalise
from qiangji.territories.models import Territory

CHUNK = 20_000

# (short title, the problem as a resident writes it, ticket kind)
PROBLEMS = [
    ("路灯不亮", "路灯坏了好几盏，晚上一片漆黑", TicketKind.GENERAL),
    ("下水道堵塞", "下水道堵塞，污水漫到路面上", TicketKind.UTILITIES),
    ("楼道堆物", "楼道里堆满了杂物和纸箱", TicketKind.GENERAL),
    ("电梯故障", "电梯经常停运，上周还困过人", TicketKind.EMERGENCY),
    ("停车难", "小区停车位太少，车辆乱停乱放", TicketKind.COMPLEX),
    ("噪音扰民", "夜里广场舞音响声音太大", TicketKind.GENERAL),
    ("垃圾清运不及时", "垃圾桶满了好几天没人清运，气味很大", TicketKind.GENERAL),
    ("屋顶漏水", "顶楼下雨就漏水，墙皮都泡掉了", TicketKind.COMPLEX),
    ("停水", "这两天经常突然停水也不提前通知", TicketKind.UTILITIES),
    ("电动车充电", "电动车在楼道里充电，飞线到处都是", TicketKind.EMERGENCY),
    ("绿化带毁坏", "绿化带被人种了菜，还浇粪水", TicketKind.GENERAL),
    ("道路破损", "门口的路坑坑洼洼，下雨全是积水", TicketKind.COMPLEX),
    ("健身器材损坏", "健身器材坏了没人修，老人锻炼不安全", TicketKind.GENERAL),
    ("流浪狗", "流浪狗越来越多，晚上追着人叫", TicketKind.GENERAL),
    ("物业服务差", "物业收费不少，服务却跟不上", TicketKind.COMPLEX),
    ("燃气异味", "单元门口总能闻到燃气味", TicketKind.EMERGENCY),
    ("高空抛物", "楼上有人往下扔垃圾，差点砸到人", TicketKind.EMERGENCY),
    ("暖气不热", "暖气片一直不热，家里只有十几度", TicketKind.UTILITIES),
    ("占道经营", "路边摊占了人行道，行人只能走马路", TicketKind.GENERAL),
    ("老人助餐", "社区食堂离得远，腿脚不便的老人吃饭难", TicketKind.COMPLEX),
    ("加装电梯", "老楼想加装电梯，不知道找谁申请", TicketKind.COMPLEX),
    ("井盖松动", "路上的井盖松动了，车一压就响", TicketKind.EMERGENCY),
    ("快递乱放", "快递堆在单元门口，经常丢件", TicketKind.GENERAL),
    ("树木遮挡", "大树长得太高挡住了窗户，屋里白天也要开灯", TicketKind.GENERAL),
    ("装修扰民", "楼上装修周末一大早就开始打钻", TicketKind.GENERAL),
    ("监控缺失", "小区出入口的监控坏了很久", TicketKind.GENERAL),
    ("积水", "一下雨小区门口就积水，车都开不进来", TicketKind.COMPLEX),
    ("儿童游乐设施", "小区里没有孩子玩的地方", TicketKind.COMPLEX),
    ("公厕脏乱", "附近的公共厕所没人打扫", TicketKind.GENERAL),
    ("违章搭建", "一楼住户私自搭建围墙占用公共通道", TicketKind.COMPLEX),
]
PLACES = [
    "门口",
    "东门",
    "北门附近",
    "{n}栋楼下",
    "{n}栋{u}单元",
    "停车场",
    "广场",
    "小路旁",
    "菜市场边",
]
EFFECTS = [
    "晚上出行很不方便",
    "老人小孩经过容易摔倒",
    "多次向物业反映都没有解决",
    "已经持续一个多月了",
    "影响了周边很多住户的休息",
    "存在很大的安全隐患",
    "大家意见都很大",
    "夏天蚊虫特别多",
    "给居民生活带来很多困扰",
    "上下班高峰期尤其严重",
]
ASKS = [
    "希望社区尽快协调处理",
    "请相关部门上门看一看",
    "盼望能早日解决",
    "麻烦网格员帮忙反映一下",
    "希望给个答复",
    "建议统一规划整治",
    "请社区牵头和物业沟通",
]
ANSWERS = [
    "已联系物业维修，现已处理完毕。",
    "已协调相关部门现场查看并整改。",
    "已纳入社区年度改造计划，将分步实施。",
    "已安排网格员跟进，问题已解决。",
]
UNITS = ["物业公司", "城管执法中队", "供水公司", "社区网格站", "街道城建办", "供电所"]
SATISFACTION = ["satisfied"] * 6 + ["fairly"] * 3 + ["unsatisfied"]
FLOW = [
    (TicketAction.DISPATCH, TicketState.ACCEPTED, TicketState.DISPATCHED),
    (TicketAction.SIGN, TicketState.DISPATCHED, TicketState.SIGNED),
    (TicketAction.START, TicketState.SIGNED, TicketState.HANDLING),
    (TicketAction.ANSWER, TicketState.HANDLING, TicketState.ANSWERED),
    (TicketAction.FOLLOW_UP, TicketState.ANSWERED, TicketState.CLOSED),
]


class _Pieces:
    """Normal form, search tokens and urgency factors of each fragment, computed once."""

    def __init__(self) -> None:
        self._norm: dict[str, str] = {}
        self._tokens: dict[str, str] = {}
        self._factors: dict[str, frozenset] = {}

    def norm(self, piece: str) -> str:
        value = self._norm.get(piece)
        if value is None:
            value = self._norm[piece] = normalise(piece).lower()
        return value

    def tokens(self, piece: str) -> str:
        value = self._tokens.get(piece)
        if value is None:
            value = self._tokens[piece] = search_tokens(self.norm(piece))
        return value

    def factors(self, piece: str) -> frozenset:
        value = self._factors.get(piece)
        if value is None:
            norm = normalise(piece)
            value = self._factors[piece] = frozenset(
                key for key, pattern in _FACTOR_RES.items() if pattern.search(norm)
            )
        return value


def _categories() -> dict[str, Category]:
    from qiangji.concerns.actions import ensure_default_categories
    from qiangji.concerns.importing import route

    ensure_default_categories()
    routed = route([p for _t, p, _k in PROBLEMS], [normalise(f"{t} {p}") for t, p, _k in PROBLEMS])
    return {
        title: category for (title, _p, _k), (category, _c) in zip(PROBLEMS, routed, strict=True)
    }


def generate(ctx) -> dict[str, int]:
    """Make ctx.scale.count("concerns") concerns with tickets and their events."""
    rng = ctx.rng("concerns")
    total = ctx.scale.count("concerns")
    communities = ctx.communities
    weights = [rng.uniform(0.4, 1.6) for _ in communities]
    category_of = _categories()
    pieces = _Pieces()
    db = ctx.db
    now = ctx.now
    stamp = db.moment(now)
    compound_names = dict(
        Territory.objects.filter(
            pk__in=[pk for ids in ctx.compounds.values() for pk in ids]
        ).values_list("pk", "name")
    )
    order_of = {c.pk: i for i, c in enumerate(communities)}
    made = {"concerns": 0, "tickets": 0, "ticket_events": 0}
    factor_json: dict[tuple, str] = {}
    community_choice = rng.choices(range(len(communities)), weights=weights, k=total)
    for start in range(0, total, CHUNK):
        n = min(CHUNK, total - start)
        # One chunk's rows by community: their index entries land on neighbouring pages.
        community_choice[start : start + n] = sorted(community_choice[start : start + n])
        concerns, tickets, events = [], [], []
        with transaction.atomic():
            concern_ids = ctx.ids(Concern, n)
            ticket_ids = ctx.ids(Ticket, n)
            for i in range(n):
                community = communities[community_choice[start + i]]
                cid = community.pk
                compounds = ctx.compounds.get(cid) or [None]
                compound = compounds[rng.randrange(len(compounds))]
                grids = ctx.grids.get(cid) or [None]
                grid = grids[rng.randrange(len(grids))]
                title, problem, kind = PROBLEMS[rng.randrange(len(PROBLEMS))]
                place = PLACES[rng.randrange(len(PLACES))].format(
                    n=rng.randint(1, 30), u=rng.randint(1, 4)
                )
                where = (compound_names.get(compound, "") if compound else "") + place
                effect = EFFECTS[rng.randrange(len(EFFECTS))]
                ask = ASKS[rng.randrange(len(ASKS))]
                text = f"{where}{problem}，{effect}，{ask}。"
                parts = (title, where, problem, effect, ask)
                search_text = (
                    f"{pieces.norm(title)} {pieces.norm(where)}{pieces.norm(problem)},"
                    f"{pieces.norm(effect)},{pieces.norm(ask)}。"
                )
                tokens = " ".join(t for t in (pieces.tokens(p) for p in parts) if t)
                factors = tuple(sorted(frozenset().union(*(pieces.factors(p) for p in parts))))
                age = min(rng.expovariate(1 / 90), 720.0) + rng.random()
                reported = now - dt.timedelta(days=age)
                likes = int(rng.paretovariate(2.0)) - 1
                score = priority(likes=likes, age_days=age, factors=factors)
                key = score.factors
                factors_text = factor_json.get(key)
                if factors_text is None:
                    factors_text = factor_json[key] = json.dumps(list(key))
                category = category_of[title]
                # How far its ticket went: old concerns are mostly followed up.
                done = min(0.95, age / 20)
                steps = 5 if rng.random() < done else rng.randrange(0, 5)
                state = TicketState.ACCEPTED if steps == 0 else FLOW[steps - 1][2]
                hours = DEFAULT_DEADLINE_HOURS[kind]
                deadline = reported + dt.timedelta(hours=hours)
                at = reported
                ticket_id = ticket_ids[i]
                events.append(
                    (
                        ticket_id,
                        TicketAction.ACCEPT.value,
                        "",
                        TicketState.ACCEPTED.value,
                        "",
                        None,
                        db.moment(at),
                    )
                )
                signed_at = answered_at = closed_at = None
                span = min(age * 0.8, hours / 24 * 1.5) / 5
                for action, from_state, to_state in FLOW[:steps]:
                    at = at + dt.timedelta(days=span * rng.uniform(0.3, 1.0))
                    if action == TicketAction.SIGN:
                        signed_at = at
                    elif action == TicketAction.ANSWER:
                        answered_at = at
                    elif action == TicketAction.FOLLOW_UP:
                        closed_at = at
                    events.append(
                        (
                            ticket_id,
                            action.value,
                            from_state.value,
                            to_state.value,
                            "",
                            None,
                            db.moment(at),
                        )
                    )
                concerns.append(
                    (
                        concern_ids[i],
                        cid,
                        compound,
                        grid,
                        (Channel.FORM if i % 3 else Channel.PATROL).value,
                        title,
                        text,
                        search_text,
                        tokens,
                        "",
                        None,
                        "",
                        category.pk if category else None,
                        0.6,
                        False,
                        None,
                        1,
                        0,
                        likes,
                        False,
                        i % 3 == 0,  # public: a third shown on the resident form
                        factors_text,
                        score.care,
                        score.urgency,
                        score.score,
                        None,
                        None,  # hot issue: found by the next refit
                        False,
                        "generate",
                        "",
                        db.moment(reported),
                        None,
                        db.moment(closed_at),
                        None,
                        db.moment(reported),
                        stamp,
                        None,  # category_corrected_at
                    )
                )
                tickets.append(
                    (
                        ticket_id,
                        concern_ids[i],
                        state.value,
                        kind.value,
                        db.moment(deadline),
                        None,
                        UNITS[order_of[cid] % len(UNITS)] if steps else "",
                        ANSWERS[rng.randrange(len(ANSWERS))] if steps >= 4 else "",
                        SATISFACTION[rng.randrange(len(SATISFACTION))] if steps == 5 else "",
                        False,
                        0,
                        0,
                        db.moment(signed_at),
                        db.moment(answered_at),
                        db.moment(closed_at),
                        steps,
                        db.moment(reported),
                        stamp,
                    )
                )
            ctx.raw(Concern, CONCERN_COLUMNS, concerns)
            ctx.raw(Ticket, TICKET_COLUMNS, tickets)
            ctx.raw(TicketEvent, EVENT_COLUMNS, events)
        made["concerns"] += len(concerns)
        made["tickets"] += len(tickets)
        made["ticket_events"] += len(events)
        ctx.progress("concerns", made["concerns"], total)
    return made

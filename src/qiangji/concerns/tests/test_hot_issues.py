"""Hot issues: the method on made-up texts, the refit with staff corrections, pages, one ticket."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qiangji.concerns import hotissues, interface
from qiangji.concerns.actions import do_file_concern, do_ticket_action
from qiangji.concerns.analysis import hotissues as method
from qiangji.concerns.models import Concern, HotIssue, HotIssueState, Reporter, TicketState

T0 = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)

LIFT = [
    "石榴苑5栋电梯这个月停运好几次，老人只能爬楼",
    "石榴苑5栋的电梯三天两头坏，维保公司一直不来修",
    "反映石榴苑5栋电梯频繁停运困人",
    "石榴苑电梯又停了，家里有孕妇上下楼不方便",
]
TRUCKS = [
    "青龙路夜里渣土车来回跑，噪音吵得睡不着",
    "青龙路渣土车半夜轰鸣，孩子被吵醒",
    "晚上十一点后还有渣土车经过青龙路，噪音太大",
]
OTHERS = [
    "各位领导，安全隐患严重影响生活，希望尽快解决",
    "各位领导，严重影响居民生活，存在安全隐患",
    "希望社区开设暑期托管班",
    "公园里健身器材坏了",
    "幸福的生活需要大家维护，垃圾不要乱扔",
    "垃圾分类做得不好，幸福感不强",
]


def _docs(texts: list[str]) -> list[method.Doc]:
    return [
        method.Doc(str(i), t, T0 + dt.timedelta(days=i), 0, f"user{i}") for i, t in enumerate(texts)
    ]


def test_messages_about_one_matter_in_different_words_form_one_hot_issue():
    docs = _docs(LIFT + TRUCKS + OTHERS)
    result = method.find_hot_issues(docs)
    groups = {frozenset(docs[i].text for i in h.members): h for h in result.issues}
    assert frozenset(LIFT) in groups
    assert frozenset(TRUCKS) in groups
    lift = groups[frozenset(LIFT)]
    assert lift.label.startswith("石榴苑 · ") and "电梯" in lift.label
    assert lift.residents == 4 and lift.first == T0 and lift.heat.score > 0


def test_generic_phrases_a_message_without_place_and_a_common_word_make_no_hot_issue():
    result = method.find_hot_issues(_docs(OTHERS))
    assert result.issues == []


def test_a_place_name_that_is_a_common_word_is_not_matched_alone():
    lexicon = method.PlaceLexicon.learn([], [], known_names=["幸福家园小区", "石榴园社区"])
    text = method.clean_text("生活很幸福，石榴园门口路灯坏了")
    assert lexicon.places(text, method.tagged_runs(text)) == ["石榴园社区"]


def test_a_message_naming_two_places_belongs_to_one_hot_issue_only():
    texts = [*LIFT, "石榴苑5栋电梯停运，青龙路渣土车也吵", *TRUCKS]
    result = method.find_hot_issues(_docs(texts))
    members = [i for h in result.issues for i in h.members]
    assert len(members) == len(set(members))


def test_one_resident_reporting_twice_is_not_a_hot_issue():
    docs = [method.Doc(str(i), t, T0, 0, "same") for i, t in enumerate(LIFT)]
    assert method.find_hot_issues(docs).issues == []


def test_a_new_message_joins_its_matter_and_an_unrelated_one_stays_single():
    docs = _docs(LIFT + TRUCKS + OTHERS)
    result = method.find_hot_issues(docs)
    index = method.HotIssueIndex.build(
        result.lexicon, result.space, [(k, h.places, h.terms) for k, h in enumerate(result.issues)]
    )
    lift_key = next(k for k, h in enumerate(result.issues) if "电梯" in h.label)
    joined = index.join(["石榴苑5栋电梯今天又停运了", "希望增加篮球场"])
    assert joined == [lift_key, None]


# Two wordings of one matter: the company (a place the lexicon learns) and its platform's name.
PLATFORM = [
    "东岭鑫盛投资有限公司设立的鑫盛贷平台逾期不能提现，请求公安立案追赃",
    "举报东岭鑫盛投资有限公司，鑫盛贷平台暴雷，出借人无法提现，请尽快立案",
    "东岭鑫盛投资有限公司旗下鑫盛贷停止兑付，请经侦追赃挽回出借人损失",
]
PLATFORM_ONLY = [
    "鑫盛贷立案半年没有进展，出借人的钱何时追赃返还",
    "请经侦公布鑫盛贷案件进展，出借人提现无门",
]
# One compound written with and without its street office.
PLANT = [
    "青禾苑小区旁边的沥青拌和站晚上冒黑烟，气味刺鼻",
    "青禾苑小区附近沥青拌和站排放黑烟，孩子咳嗽",
    "枫林街道青禾苑边上的沥青拌和站夜里冒烟，刺鼻难闻",
    "枫林街道青禾苑旁沥青拌和站偷排黑烟，气味太大",
]
# Two matters that share only a generic word (物业公司), and a message with that word alone.
PARKING = [
    "蓝湾花园的物业公司乱收停车费，车位费一年涨了三次",
    "蓝湾花园物业公司擅自上调停车费，业主不同意",
    "投诉蓝湾花园物业公司停车收费不合理，涨价没有公示",
]
ESTATE_LIFT = [
    "金沙苑的物业公司不修电梯，电梯经常困人",
    "金沙苑电梯坏了一个月，物业公司推说没钱维修",
    "金沙苑物业公司对电梯故障不管不问，老人爬楼很辛苦",
]
GENERIC_ONLY = "物业公司乱收停车费，还不给开发票"


def _groups(texts: list[str]) -> set[frozenset[str]]:
    docs = _docs(texts)
    return {frozenset(docs[i].text for i in h.members) for h in method.find_hot_issues(docs).issues}


def test_a_platform_named_without_its_company_joins_the_company_s_hot_issue():
    assert _groups(PLATFORM + PLATFORM_ONLY + OTHERS) == {frozenset(PLATFORM + PLATFORM_ONLY)}


def test_one_compound_written_two_ways_is_one_hot_issue(monkeypatch):
    assert _groups(PLANT + OTHERS) == {frozenset(PLANT)}
    # Without the second pass the place step alone gives two groups.
    monkeypatch.setattr(method, "_attach_by_keys", lambda chosen, *args: chosen)
    assert _groups(PLANT + OTHERS) == {frozenset(PLANT[:2]), frozenset(PLANT[2:])}


def test_matters_sharing_only_a_generic_word_stay_apart():
    groups = _groups([*PARKING, *ESTATE_LIFT, GENERIC_ONLY, *OTHERS])
    assert groups == {frozenset(PARKING), frozenset(ESTATE_LIFT)}


def test_a_name_is_told_from_ordinary_words():
    assert method.name_like("鑫盛贷", ["我在鑫盛贷平台出借的钱"])
    assert method.name_like("桐溪岭路", ["桐溪岭路沿线架设电线"])
    assert method.name_like("青禾苑", [], place_names=["青禾苑小区"])
    assert not method.name_like("夜间施工", ["工地夜间施工很吵"])
    assert not method.name_like("维修基金", ["物业动用维修基金"])
    assert not method.name_like("电梯维保", ["小区电梯维保不到位"])  # two unknown characters


# --- in the database ---------------------------------------------------------------------------
@pytest.fixture
def community(demo_world):
    return demo_world.shiliuyuan


def _file(community, texts, prefix):
    now = timezone.now()
    return [
        do_file_concern(
            community=community,
            text=t,
            person=f"{prefix}{i}",
            reported_at=now - dt.timedelta(days=i),
            assign_topic=False,
        )
        for i, t in enumerate(texts)
    ]


@pytest.fixture
def fitted(community):
    lift = _file(community, LIFT, "l")
    trucks = _file(community, TRUCKS, "t")
    _file(community, OTHERS, "o")
    [territory] = hotissues.fit_territories(community)
    issues = hotissues.do_refresh_hot_issues(territory=territory)
    return territory, issues, lift, trucks


def _issue_of(concern) -> HotIssue:
    return Concern.objects.get(pk=concern.pk).hot_issue


def test_a_refit_stores_hot_issues_with_residents_period_and_heat(fitted):
    territory, issues, lift, trucks = fitted
    assert len(issues) == 2
    issue = _issue_of(lift[0])
    assert issue.residents == 4 and issue.size == 4 and issue.heat > 0
    assert issue.first_reported_at < issue.last_reported_at
    assert "热度" in hotissues.explain_heat(issue) or "关切度" in hotissues.explain_heat(issue)


def test_a_new_concern_joins_its_hot_issue_at_once(fitted, community):
    territory, issues, lift, trucks = fitted
    [new] = _file(community, ["石榴苑5栋电梯今天又停运了"], "n")
    assert _issue_of(new) == _issue_of(lift[0])
    assert _issue_of(lift[0]).residents == 5


def test_staff_corrections_survive_a_refit(fitted):
    territory, issues, lift, trucks = fitted
    issue = _issue_of(lift[0])
    hotissues.do_rename_hot_issue(issue=issue, label="石榴苑5栋 · 电梯停运")
    hotissues.do_move_out(issue=issue, concern=lift[3])
    hotissues.do_refresh_hot_issues(territory=territory)
    issue.refresh_from_db()
    assert issue.label == "石榴苑5栋 · 电梯停运" and issue.state == HotIssueState.ACTIVE
    assert _issue_of(lift[3]) is None
    assert _issue_of(lift[0]) == issue


def test_a_merge_moves_the_concerns_and_survives_a_refit(fitted):
    territory, issues, lift, trucks = fitted
    a, b = _issue_of(lift[0]), _issue_of(trucks[0])
    hotissues.do_merge_hot_issues(target=a, other=b, versions=(a.version, b.version))
    hotissues.do_refresh_hot_issues(territory=territory)
    assert {_issue_of(c) for c in lift + trucks} == {a}
    b.refresh_from_db()
    assert b.state == HotIssueState.MERGED and interface.hot_issue_summary([b.pk])[b.pk].id == a.pk


def test_the_second_of_two_merges_from_two_tabs_is_refused_as_a_conflict(fitted):
    territory, issues, lift, trucks = fitted
    a, b = _issue_of(lift[0]), _issue_of(trucks[0])
    stale = (a.version, b.version)
    hotissues.do_merge_hot_issues(target=a, other=b, versions=stale)
    with pytest.raises(hotissues.HotIssueConflict):
        hotissues.do_merge_hot_issues(target=b, other=a, versions=(stale[1], stale[0]))


def test_a_split_makes_a_new_hot_issue_that_a_refit_keeps(fitted):
    territory, issues, lift, trucks = fitted
    issue = _issue_of(lift[0])
    new = hotissues.do_split_hot_issue(issue=issue, concern_ids=[lift[3].pk], label="孕妇出行")
    hotissues.do_refresh_hot_issues(territory=territory)
    assert _issue_of(lift[3]) == new and _issue_of(lift[0]) == issue


def test_one_ticket_carries_every_concern_of_the_hot_issue(fitted, shiliuyuan_secretary):
    territory, issues, lift, trucks = fitted
    issue = _issue_of(lift[0])
    ticket = hotissues.do_hot_issue_ticket(issue=issue, by=shiliuyuan_secretary)
    follower = next(c for c in lift if c.ticket.pk != ticket.pk)
    from qiangji.concerns.actions import ConcernError

    with pytest.raises(ConcernError):
        do_ticket_action(ticket=follower.ticket, action="supervise", by=shiliuyuan_secretary)
    for action, extra in [
        ("dispatch", {"unit": "物业"}),
        ("sign", {}),
        ("start", {}),
        ("answer", {"answer": "已更换电梯主板"}),
        ("follow_up", {"satisfaction": "satisfied"}),
    ]:
        ticket = do_ticket_action(ticket=ticket, action=action, by=shiliuyuan_secretary, **extra)
    states = set(Concern.objects.filter(hot_issue=issue).values_list("ticket__state", flat=True))
    assert states == {TicketState.CLOSED}
    assert not Concern.objects.filter(hot_issue=issue, closed_at__isnull=True).exists()


def test_a_hot_issue_whose_reporters_are_erased_still_shows(fitted, client_for, jiedao_admin):
    territory, issues, lift, trucks = fitted
    Reporter.objects.all().delete()
    issue = _issue_of(lift[0])
    response = client_for(jiedao_admin).get(reverse("concerns:hot_issue", args=[issue.pk]))
    assert response.status_code == 200 and issue.label in response.text


def test_top_hot_issues_gives_plain_summaries_hottest_first(fitted, community):
    rows = interface.top_hot_issues(community, n=5)
    assert len(rows) == 2 and rows[0].heat >= rows[1].heat
    assert rows[0].url == reverse("concerns:hot_issue", args=[rows[0].id])


# --- pages ---------------------------------------------------------------------------------------
def test_the_top_page_shows_hot_issues_first(fitted, client_for, shiliuyuan_secretary, community):
    response = client_for(shiliuyuan_secretary).get(
        reverse("concerns:top") + f"?territory={community.pk}"
    )
    assert response.status_code == 200
    assert response.text.index('id="top-hot"') < response.text.index('id="top-cared"')
    assert "电梯" in response.text.split('id="top-hot"')[1].split("</ol>")[0]


def test_a_secretary_merges_in_the_page_and_a_stale_tab_sees_a_conflict(
    fitted, client_for, shiliuyuan_secretary
):
    territory, issues, lift, trucks = fitted
    a, b = _issue_of(lift[0]), _issue_of(trucks[0])
    client = client_for(shiliuyuan_secretary)
    url = reverse("concerns:hot_issue_merge", args=[a.pk])
    first = client.post(url, {"other": b.pk, "version": a.version})
    assert first.status_code == 302
    second = client.post(
        reverse("concerns:hot_issue_merge", args=[b.pk]),
        {"other": a.pk, "version": b.version},
        follow=True,
    )
    assert second.status_code == 200, second.redirect_chain
    assert "meanwhile" in second.text or "同时" in second.text or "已被" in second.text


def test_an_outsider_cannot_see_a_hot_issue_and_a_get_cannot_merge(
    fitted, client_for, outsider, shiliuyuan_secretary
):
    territory, issues, lift, trucks = fitted
    issue = _issue_of(lift[0])
    assert (
        client_for(outsider).get(reverse("concerns:hot_issue", args=[issue.pk])).status_code == 404
    )
    response = client_for(shiliuyuan_secretary).get(
        reverse("concerns:hot_issue_merge", args=[issue.pk])
    )
    assert response.status_code == 405


def test_bad_input_to_the_corrections_gives_a_message_not_an_error(
    fitted, client_for, shiliuyuan_secretary
):
    territory, issues, lift, trucks = fitted
    issue = _issue_of(lift[0])
    client = client_for(shiliuyuan_secretary)
    for name, data in [
        ("concerns:hot_issue_merge", {"other": "x" * 30}),
        ("concerns:hot_issue_merge", {"other": issue.pk}),
        ("concerns:hot_issue_rename", {"label": "  \x00 "}),
        ("concerns:hot_issue_split", {"concern": ["abc"]}),
    ]:
        response = client.post(reverse(name, args=[issue.pk]), data, follow=True)
        assert response.status_code == 200, name


def test_a_concerns_page_names_its_hot_issue_with_a_link(fitted, client_for, shiliuyuan_secretary):
    _territory, _issues, lift, _trucks = fitted
    issue = _issue_of(lift[0])
    html = client_for(shiliuyuan_secretary).get(f"/concerns/{lift[0].pk}/").content.decode()
    assert f'href="/concerns/hot/{issue.pk}/"' in html and issue.label in html

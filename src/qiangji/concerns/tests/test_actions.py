"""Tests of filing concerns, me-too, duplicates, the ticket cycle, topics and privacy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qiangji.concerns import actions
from qiangji.concerns.actions import ConcernError, do_file_concern, do_me_too, do_ticket_action
from qiangji.concerns.models import (
    Category,
    Channel,
    Concern,
    DeadlineRule,
    Reporter,
    TicketAction,
    TicketKind,
    TicketState,
    Topic,
)
from qiangji.concerns.tests.synthetic import labelled_set


@pytest.fixture
def community(demo_world):
    return demo_world.shiliuyuan


def test_a_filed_concern_is_routed_prioritised_and_gets_a_ticket(community):
    concern = do_file_concern(
        community=community, text="3栋电梯困人，老人被关在里面半小时", person="dev-1"
    )
    assert concern.category.name == "电梯"
    assert 0 < concern.category_confidence <= 0.6
    assert concern.ticket.state == TicketState.ACCEPTED
    assert concern.ticket.kind == TicketKind.EMERGENCY
    assert concern.ticket.deadline_at - concern.reported_at == dt.timedelta(hours=2)
    assert concern.priority_score > 0 and "safety" in concern.urgency_factors
    assert concern.ticket.events.get().action == TicketAction.ACCEPT


def test_deadlines_follow_the_configured_rule(community):
    DeadlineRule.objects.create(kind=TicketKind.UTILITIES, hours=12)
    concern = do_file_concern(community=community, text="小区停水两天了", person="dev-1")
    assert concern.ticket.kind == TicketKind.UTILITIES
    assert concern.ticket.deadline_at - concern.reported_at == dt.timedelta(hours=12)


def test_text_without_words_or_too_long_is_refused(community):
    for text in ("", "   ", "😡😡😡", "电" * 5001):
        with pytest.raises(ConcernError):
            do_file_concern(community=community, text=text)
    assert not Concern.objects.exists()


def test_personal_data_needs_consent_and_is_kept_apart(community):
    with pytest.raises(ConcernError, match="同意"):
        do_file_concern(community=community, text="路灯不亮", reporter_phone="13812341234")
    concern = do_file_concern(
        community=community,
        text="路灯不亮",
        reporter_name="张三",
        reporter_phone="13812341234",
        consent=True,
    )
    assert concern.reporter.phone == "13812341234"
    assert concern.reporter.masked_phone == "138****1234"
    assert "13812341234" not in concern.text and concern.reporter_key


def test_a_compound_of_another_community_is_refused(demo_world, community):
    other = demo_world.keershan.children.filter(kind="compound").first()
    with pytest.raises(ConcernError):
        do_file_concern(community=community, text="路灯不亮", compound=other)


def test_near_duplicates_group_and_count_distinct_residents(community):
    first = do_file_concern(
        community=community, text="石榴园示例一区3栋电梯又坏了，老人下不了楼", person="a"
    )
    second = do_file_concern(
        community=community, text="石榴園示例一區3棟電梯又壞了，老人下不了樓！", person="b"
    )
    third = do_file_concern(
        community=community, text="石榴园示例一区3栋电梯又坏了，老人下不了楼啊", person="a"
    )
    other = do_file_concern(community=community, text="广场舞声音太大，晚上睡不着", person="c")
    first.refresh_from_db()
    assert second.duplicate_of == first and third.duplicate_of == first
    assert other.duplicate_of is None
    assert first.residents == 2  # "a" reported twice
    assert first.priority_score > other.priority_score


def test_me_too_counts_once_per_person_and_raises_priority(community):
    concern = do_file_concern(community=community, text="小区门口路灯不亮", person="a")
    before = concern.priority_score
    assert do_me_too(concern=concern, person="b") is True
    assert do_me_too(concern=concern, person="b") is False
    concern.refresh_from_db()
    assert concern.me_too_count == 1
    assert concern.priority_score > before


def _walk(ticket, user, steps):
    for action, extra in steps:
        ticket = do_ticket_action(ticket=ticket, action=action, by=user, **extra)
    return ticket


def test_a_ticket_goes_through_the_whole_cycle(community, shiliuyuan_secretary, grid_worker):
    concern = do_file_concern(community=community, text="楼道灯坏了", person="a")
    ticket = _walk(
        concern.ticket,
        shiliuyuan_secretary,
        [
            (TicketAction.DISPATCH, {"assignee": grid_worker}),
            (TicketAction.SIGN, {}),
            (TicketAction.START, {}),
            (TicketAction.ANSWER, {"answer": "已更换灯泡"}),
            (TicketAction.FOLLOW_UP, {"satisfaction": "satisfied"}),
        ],
    )
    assert ticket.state == TicketState.CLOSED and ticket.satisfaction == "satisfied"
    assert [e.action for e in ticket.events.all()] == [
        "accept",
        "dispatch",
        "sign",
        "start",
        "answer",
        "follow_up",
    ]
    concern.refresh_from_db()
    assert concern.closed_at is not None
    assert grid_worker.notices.filter(kind="ticket_dispatched").exists()


def test_return_extend_and_supervise(community, shiliuyuan_secretary, grid_worker):
    ticket = do_file_concern(community=community, text="楼道灯坏了", person="a").ticket
    ticket = do_ticket_action(
        ticket=ticket, action="dispatch", by=shiliuyuan_secretary, unit="物业公司"
    )
    with pytest.raises(ConcernError):
        do_ticket_action(ticket=ticket, action="return", by=grid_worker)
    ticket = do_ticket_action(ticket=ticket, action="return", by=grid_worker, note="不属于本单位")
    assert ticket.state == TicketState.ACCEPTED and ticket.returns == 1
    later = ticket.deadline_at + dt.timedelta(days=3)
    ticket = do_ticket_action(
        ticket=ticket, action="extend", by=shiliuyuan_secretary, note="需采购", new_deadline=later
    )
    assert ticket.deadline_at == later and ticket.extensions == 1
    before = ticket.concern.priority_score
    ticket = do_ticket_action(ticket=ticket, action="supervise", by=shiliuyuan_secretary)
    ticket.concern.refresh_from_db()
    assert ticket.supervised and ticket.concern.priority_score > before


def test_impossible_steps_and_stale_forms_are_refused(community, shiliuyuan_secretary):
    ticket = do_file_concern(community=community, text="楼道灯坏了", person="a").ticket
    with pytest.raises(ConcernError, match="不能"):
        do_ticket_action(ticket=ticket, action="answer", by=shiliuyuan_secretary, answer="x")
    with pytest.raises(ConcernError, match="修改"):
        do_ticket_action(
            ticket=ticket, action="dispatch", by=shiliuyuan_secretary, unit="物业", version=99
        )
    with pytest.raises(ConcernError):
        do_ticket_action(ticket=ticket, action="bogus", by=shiliuyuan_secretary)


def test_overdue_tickets_are_flagged(community):
    concern = do_file_concern(
        community=community, text="楼道灯坏了", reported_at=timezone.now() - dt.timedelta(days=10)
    )
    assert concern.ticket.is_overdue
    assert concern.ticket in type(concern.ticket).objects.overdue()


def test_staff_corrections_retrain_the_routing_model(
    community, shiliuyuan_secretary, django_capture_on_commit_callbacks
):
    texts, labels = labelled_set(5, seed=9)
    cats = {c.name: c for c in Category.objects.all()}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for text, label in zip(texts, labels, strict=True):
            concern = do_file_concern(community=community, text=text, assign_topic=False)
            actions.do_recategorise(concern=concern, category=cats[label], by=shiliuyuan_secretary)
    assert len(callbacks) == 1  # one retraining after the 20th correction
    assert actions.active_routing_model() is not None
    concern = do_file_concern(community=community, text="K23幸福家园5栋电梯困人，电梯异响很吓人")
    assert concern.category.name == "电梯"
    assert concern.category_confidence > 0.3


def test_topics_are_fitted_and_new_concerns_join_them(community):
    texts, _labels = labelled_set(8, seed=10)
    for i, text in enumerate(texts):
        do_file_concern(community=community, text=text, person=f"p{i}")
    topics = actions.do_refresh_topics(territory=community)
    assert topics and sum(t.size for t in topics) == Concern.objects.roots().count()
    concern = do_file_concern(
        community=community, text="K23幸福家园1栋电梯困人，电梯异响很吓人", person="new"
    )
    assert concern.topic is not None and concern.topic.label


def test_erasing_a_reporter_keeps_the_anonymous_concern(community):
    concern = do_file_concern(
        community=community,
        text="路灯不亮",
        reporter_name="李四",
        reporter_phone="13900001111",
        consent=True,
    )
    assert actions.do_erase_reporter(reporter=concern.reporter) == 1
    reporter = Reporter.objects.get()
    assert reporter.phone == "" and reporter.name == "" and reporter.erased_at
    assert Concern.objects.get().text == "路灯不亮"


def test_purge_erases_only_reporters_past_retention_with_closed_concerns(
    community, shiliuyuan_secretary
):
    old = do_file_concern(
        community=community, text="路灯不亮", reporter_phone="13900001111", consent=True
    )
    still_open = do_file_concern(
        community=community, text="垃圾没人清运", reporter_phone="13900002222", consent=True
    )
    Reporter.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    Concern.objects.filter(pk=old.pk).update(closed_at=timezone.now() - dt.timedelta(days=300))
    assert actions.do_purge_personal_data(older_than=dt.timedelta(days=180)) == 1
    assert Reporter.objects.get(pk=old.reporter_id).phone == ""
    assert Reporter.objects.get(pk=still_open.reporter_id).phone == "13900002222"


def test_channel_is_recorded(community):
    concern = do_file_concern(community=community, text="楼道灯坏了", channel=Channel.PATROL)
    assert concern.get_channel_display()
    assert not Topic.objects.exists()


def test_bulk_filing_groups_near_duplicates_with_open_concerns_and_each_other(community):
    existing = do_file_concern(
        community=community, text="石榴园示例一区3栋电梯又坏了，老人下不了楼", person="a"
    )

    def item(n: int, text: str) -> dict:
        return {
            "line": n,
            "raw": [text],
            "title": "",
            "text": text,
            "compound": None,
            "reported_at": None,
            "likes": n,
            "category": None,
            "external_id": f"k{n}",
        }

    stored, refused = actions.do_bulk_file_concerns(
        community=community,
        items=[
            item(2, "石榴园示例一区3栋电梯又坏了，老人下不了楼！"),
            item(3, "广场舞声音太大，晚上睡不着觉"),
            item(4, "广场舞声音太大了，晚上睡不着觉啊"),
            item(5, "😡😡"),
        ],
        source="board",
    )
    assert stored == 3 and [r["line"] for r in refused] == [5]
    existing.refresh_from_db()
    assert Concern.objects.get(external_id="k2").duplicate_of == existing
    assert existing.residents == 2 and existing.likes == 2
    dance = Concern.objects.get(external_id="k3")
    assert Concern.objects.get(external_id="k4").duplicate_of == dance
    assert all(
        c.ticket.state == TicketState.ACCEPTED for c in Concern.objects.filter(source="board")
    )
    assert dance.category is not None and dance.priority_score > 0
    # The groups were recounted in one pass: distinct residents, likes, latest report, priority.
    assert dance.residents == 2 and dance.likes == 7
    assert dance.last_reported_at == Concern.objects.get(external_id="k4").reported_at
    assert existing.priority_score == pytest.approx(actions.priority_of(existing).score)


def test_bulk_filing_takes_the_same_number_of_queries_for_few_or_many_groups(community):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(prefix: str, groups: int) -> int:
        texts = ["电梯坏了没人修", "路灯不亮晚上很黑", "垃圾桶满了没人清", "下水道堵了有臭味"]
        items = [
            {
                "line": i,
                "raw": [],
                "title": "",
                "text": f"{texts[g % 4]}，第{g}栋{prefix}{'！' * r}",
                "compound": None,
                "reported_at": None,
                "likes": 1,
                "category": None,
                "external_id": f"{prefix}{g}-{r}",
            }
            for i, (g, r) in enumerate((g, r) for g in range(groups) for r in range(2))
        ]
        with CaptureQueriesContext(connection) as ctx:
            stored, _ = actions.do_bulk_file_concerns(community=community, items=items, source="q")
        assert stored == len(items)
        return len(ctx.captured_queries)

    actions.route_texts(["预热"])  # the taxonomy is created once
    assert queries("a", 2) == queries("b", 12)


def test_an_import_with_categories_trains_the_router_and_refreshes_topics(
    community, django_capture_on_commit_callbacks
):
    from qiangji.concerns.models import ImportBatch

    texts, labels = labelled_set(6, seed=11)
    lines = ["编号,内容,分类"] + [
        f"{i},{t},{lab}" for i, (t, lab) in enumerate(zip(texts, labels, strict=True))
    ]
    batch = ImportBatch.objects.create(
        community=community,
        source="history",
        filename="h.csv",
        content="\n".join(lines).encode(),
        mapping={"external_id": "编号", "text": "内容", "category": "分类"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_run_import(batch=batch)
    assert Concern.objects.filter(category_by_staff=True).count() == 30
    assert actions.active_routing_model() is not None
    assert Topic.objects.filter(territory=community).exists()


def test_nul_characters_and_absurd_like_counts_are_tamed(community):
    concern = do_file_concern(
        community=community, title="标\x00题", text="路灯\x00坏了", likes=10**20
    )
    assert concern.text == "路灯坏了" and concern.title == "标题"
    assert concern.likes == actions.MAX_LIKES


def test_overdue_tickets_are_notified_to_the_assignee_or_the_secretary(
    community, shiliuyuan_secretary, grid_worker
):
    old = timezone.now() - dt.timedelta(days=30)
    unassigned = do_file_concern(community=community, text="楼道灯坏了", reported_at=old)
    assigned = do_file_concern(community=community, text="井盖松动很危险", reported_at=old)
    do_ticket_action(
        ticket=assigned.ticket, action="dispatch", by=shiliuyuan_secretary, assignee=grid_worker
    )
    do_file_concern(community=community, text="新的事情：垃圾没人清运")
    assert actions.do_notify_overdue() == 2
    assert shiliuyuan_secretary.notices.filter(
        kind="work_overdue", url__endswith=f"/{unassigned.pk}/"
    ).exists()
    assert grid_worker.notices.filter(
        kind="work_overdue", url__endswith=f"/{assigned.pk}/"
    ).exists()
    actions.do_notify_overdue()  # grouped: a second run bumps, it does not add
    assert grid_worker.notices.filter(kind="work_overdue").count() == 1


def test_below_the_threshold_a_concern_waits_for_a_person_with_two_suggestions(
    community, shiliuyuan_secretary, client_for
):
    from qiangji.concerns.filing import AUTO_NEVER, auto_threshold

    # Keyword routing (no trained model) routes nothing by itself.
    assert auto_threshold() == AUTO_NEVER
    texts, labels = labelled_set(8, seed=11)
    cats = {c.name: c for c in Category.objects.all()}
    for text, label in zip(texts, labels, strict=True):
        concern = do_file_concern(community=community, text=text, assign_topic=False)
        actions.do_recategorise(concern=concern, category=cats[label], by=shiliuyuan_secretary)
    assert actions.do_train_routing() is not None
    threshold = auto_threshold()
    assert 0 < threshold <= AUTO_NEVER  # chosen on the training texts' out-of-fold predictions

    clear = do_file_concern(community=community, text="K23幸福家园5栋电梯困人，电梯异响很吓人")
    vague = do_file_concern(community=community, text="有点事情想反映一下，希望社区关注")
    waiting = Concern.objects.filter(actions.needs_routing_q())
    assert (clear.category_confidence >= threshold) == (not waiting.filter(pk=clear.pk).exists())
    assert waiting.filter(pk=vague.pk).exists()

    client = client_for(shiliuyuan_secretary)
    page = client.get(f"/concerns/{vague.pk}/")
    suggestions = page.context["suggestions"]
    assert len(suggestions) == 2
    assert suggestions[0][1] >= suggestions[1][1]
    assert 'id="routing-suggestions"' in page.content.decode()
    listed = client.get(f"/concerns/?territory={community.pk}&state=unrouted")
    assert vague.pk in [c.pk for c in listed.context["page"]]

    # One tap on the second suggestion corrects the machine's choice: counted per week.
    second = suggestions[1][0]
    client.post(f"/concerns/{vague.pk}/category/", {"category": second.pk})
    vague.refresh_from_db()
    assert vague.category == second and vague.category_by_staff
    assert vague.category_corrected_at is not None
    figures = client.get(f"/concerns/?territory={community.pk}").context["routing"]
    assert figures["corrections_per_week"] == pytest.approx(1 / 4)
    total = Concern.objects.filter(community=community).count()
    auto = Concern.objects.filter(community=community).exclude(actions.needs_routing_q()).count()
    assert figures["total"] == total and figures["auto_share"] == pytest.approx(auto / total)
    assert figures["waiting"] == waiting.filter(closed_at__isnull=True).count()
    # Confirming the machine's own choice is not a correction.
    clear_category = clear.category
    actions.do_recategorise(concern=clear, category=clear_category, by=shiliuyuan_secretary)
    clear.refresh_from_db()
    assert clear.category_corrected_at is None

"""The workbench (工作台): to-dos first, exact counts, oldest first, links to where each is done."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qiangji.accounts.models import Role, RoleGrant, User
from qiangji.concerns.models import Concern, Ticket, TicketState
from qiangji.core import workbench
from qiangji.territories.models import Kind, Territory


def _tickets(community, n, *, state=TicketState.ACCEPTED, grid=None, assignee=None, overdue=False):
    """Create n concerns with tickets quickly (bulk: no analysis, no search tokens)."""
    now = timezone.now()
    concerns = Concern.objects.bulk_create(
        Concern(community=community, grid=grid, text=f"工作台测试{i}", reported_at=now)
        for i in range(n)
    )
    deadline = now - dt.timedelta(days=1) if overdue else now + dt.timedelta(days=3)
    Ticket.objects.bulk_create(
        Ticket(
            concern=c,
            state=state,
            assignee=assignee,
            deadline_at=deadline - dt.timedelta(minutes=i),
            answered_at=now if state == TicketState.ANSWERED else None,
        )
        for i, c in enumerate(concerns)
    )
    return concerns


def _grid(world):
    return Territory.objects.get(parent=world.shiliuyuan, kind=Kind.GRID, name="第一网格")


def _todos(client):
    return {
        (todo.community, todo.kind): todo
        for _group, items in client.get("/").context["groups"]
        for todo in items
    }


def test_a_secretary_sees_new_concerns_to_dispatch_and_overdue_tickets(
    client_for, demo_world, shiliuyuan_secretary
):
    _tickets(demo_world.shiliuyuan, 3)
    _tickets(demo_world.shiliuyuan, 2, state=TicketState.SIGNED, overdue=True)
    _tickets(demo_world.keershan, 5)  # another community's: not hers
    todos = _todos(client_for(shiliuyuan_secretary))
    assert todos[("石榴园社区", "concerns.route")].count == 3
    overdue = todos[("石榴园社区", "concerns.overdue")]
    assert overdue.count == 2
    assert overdue.urgent
    assert overdue.url == f"/concerns/tickets/?todo=overdue&territory={demo_world.shiliuyuan.pk}"


def test_following_a_to_do_lists_exactly_the_counted_tickets_oldest_first(
    client_for, demo_world, shiliuyuan_secretary
):
    _tickets(demo_world.shiliuyuan, 7, state=TicketState.DISPATCHED, overdue=True)
    client = client_for(shiliuyuan_secretary)
    overdue = _todos(client)[("石榴园社区", "concerns.overdue")]
    response = client.get(overdue.url)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == overdue.count == 7
    deadlines = [ticket.deadline_at for ticket in page]
    assert deadlines == sorted(deadlines)


def test_one_item_links_straight_to_the_page_where_it_is_done(
    client_for, demo_world, shiliuyuan_secretary
):
    (concern,) = _tickets(demo_world.shiliuyuan, 1)
    todo = _todos(client_for(shiliuyuan_secretary))[("石榴园社区", "concerns.route")]
    assert todo.url == f"/concerns/{concern.pk}/"


def test_a_grid_worker_sees_their_grids_tickets_and_follow_up_calls_due(
    client_for, demo_world, grid_worker
):
    grid = _grid(demo_world)
    _tickets(demo_world.shiliuyuan, 4, grid=grid)
    _tickets(demo_world.shiliuyuan, 2, grid=grid, state=TicketState.ANSWERED)
    _tickets(demo_world.shiliuyuan, 3)  # no grid: the community's, not this grid worker's
    _tickets(demo_world.shiliuyuan, 1, state=TicketState.DISPATCHED, assignee=grid_worker)
    todos = _todos(client_for(grid_worker))
    assert todos[("石榴园社区 · 第一网格", "concerns.grid")].count == 4
    assert todos[("石榴园社区 · 第一网格", "concerns.follow_up")].count == 2
    assert todos[("", "concerns.sign")].count == 1


def test_a_person_with_roles_in_two_communities_and_a_programme_sees_both_grouped(
    client_for, demo_world
):
    person = User.objects.create(username="twohats", display_name="两地书记")
    RoleGrant.objects.create(
        user=person, role=Role.COMMUNITY_SECRETARY, territory=demo_world.shiliuyuan
    )
    RoleGrant.objects.create(user=person, role=Role.COMMUNITY_STAFF, territory=demo_world.keershan)
    RoleGrant.objects.create(user=person, role=Role.MENTOR, programme=demo_world.programme)
    _tickets(demo_world.shiliuyuan, 2)
    _tickets(demo_world.keershan, 3)
    response = client_for(person).get("/")
    groups = dict(response.context["groups"])
    assert [t.count for t in groups["石榴园社区"]] == [2]
    assert [t.count for t in groups["柯尔山社区"]] == [3]
    html = response.content.decode()
    assert "<h3>石榴园社区</h3>" in html and "<h3>柯尔山社区</h3>" in html


def test_a_person_without_a_role_is_told_whom_to_ask(client_for, outsider):
    response = client_for(outsider).get("/")
    html = response.content.decode()
    assert 'id="no-role"' in html
    assert "示例·街道管理员" in html  # the demo subdistrict's administrator
    assert "outsider" in html


def test_a_new_subdistrict_sees_what_to_do_first(client_for, demo_world):
    city = Territory.objects.get(pk=demo_world.subdistrict.parent_id)
    new = Territory.objects.create(kind=Kind.SUBDISTRICT, name="新街道", parent=city)
    admin = User.objects.create(username="newadmin")
    RoleGrant.objects.create(user=admin, role=Role.SUBDISTRICT_ADMIN, territory=new)
    html = client_for(admin).get("/").content.decode()
    assert 'id="first-steps"' in html
    for label in ("导入辖区", "在工程中登记社区", "安排第一场活动"):
        assert label in html
    assert f"/territories/{new.pk}/import/" in html


def test_first_steps_already_done_are_ticked(client_for, jiedao_admin):
    steps = client_for(jiedao_admin).get("/").context["steps"]
    assert [step.done for step in steps] == [True, True, False]  # no activity yet


def test_five_thousand_items_are_counted_exactly_and_paged(
    client_for, demo_world, shiliuyuan_secretary
):
    _tickets(demo_world.shiliuyuan, 5000)
    client = client_for(shiliuyuan_secretary)
    todo = _todos(client)[("石榴园社区", "concerns.route")]
    assert todo.count == 5000
    page = client.get(todo.url).context["page"]
    assert page.paginator.count == 5000
    assert len(page.object_list) == 50
    last = client.get(todo.url + "&page=100").context["page"]
    assert last.number == 100 and len(last.object_list) == 50


def test_the_to_do_list_itself_is_paged(rf, demo_world, monkeypatch, client_for, jiedao_admin):
    many = [workbench.Todo(label=f"事项{i}", url="/", count=1, kind="x") for i in range(75)]
    monkeypatch.setattr(workbench, "todos", lambda request, access: many)
    client = client_for(jiedao_admin)
    first = client.get("/")
    assert first.context["page"].paginator.count == 75
    assert first.context["todo_total"] == 75
    third = client.get("/?page=3")
    assert len(third.context["page"].object_list) == 15


@pytest.mark.parametrize(
    "persona", ["jiedao", "shiliuyuan", "shiliuyuan_staff", "wangge", "daoshi", "lingdao", "admin"]
)
def test_each_workbench_runs_the_same_number_of_queries_at_two_sizes(
    client_for, demo_world, persona
):
    user = demo_world.users[persona]
    client = client_for(user)
    client.get("/")  # warm the figures' cache and the session

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    small = count()
    grid = _grid(demo_world)
    _tickets(demo_world.shiliuyuan, 300, grid=grid, state=TicketState.DISPATCHED, assignee=user)
    _tickets(demo_world.keershan, 300, overdue=True)
    _tickets(demo_world.shiliuyuan, 100, grid=grid, state=TicketState.ANSWERED)
    large = count()
    assert small == large, (persona, small, large)
    assert large <= 30, (persona, large)


def test_the_htmx_fragment_is_the_to_do_list(client_for, shiliuyuan_secretary):
    response = client_for(shiliuyuan_secretary).get("/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="todos"')
    assert "<header" not in html


def test_the_workbench_refuses_post(client_for, shiliuyuan_secretary):
    assert client_for(shiliuyuan_secretary).post("/").status_code == 405


def test_the_ticket_list_refuses_post_and_a_territory_not_the_persons(
    client_for, demo_world, shiliuyuan_secretary
):
    client = client_for(shiliuyuan_secretary)
    assert client.post("/concerns/tickets/").status_code == 405
    other = client.get(f"/concerns/tickets/?todo=route&territory={demo_world.keershan.pk}")
    assert other.status_code == 404
    assert client.get("/concerns/tickets/?todo=nonsense&page=x").status_code == 200


def test_the_ticket_list_fragment_is_the_table(client_for, demo_world, shiliuyuan_secretary):
    _tickets(demo_world.shiliuyuan, 2)
    response = client_for(shiliuyuan_secretary).get(
        "/concerns/tickets/?todo=route", headers={"HX-Request": "true"}
    )
    assert response.content.decode().lstrip().startswith('<div id="ticket-table"')

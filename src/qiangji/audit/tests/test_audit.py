from django.urls import reverse

from qiangji.audit.models import AuditEntry
from qiangji.audit.registry import REDACTED, acting_as


def test_an_edit_through_the_page_is_recorded_with_before_and_after(
    client_for, shiliuyuan_secretary, demo_world
):
    community = demo_world.shiliuyuan
    client_for(shiliuyuan_secretary).post(
        reverse("territories:edit", kwargs={"pk": community.pk}),
        {
            "name": community.name,
            "code": community.code,
            "population": "5200",
            "households": str(community.households),
            "order": "2",
        },
    )
    entry = AuditEntry.objects.filter(object_id=str(community.pk), action="update").latest("at")
    assert entry.actor == shiliuyuan_secretary
    assert entry.changes["population"] == [community.population, 5200]
    assert entry.territory_id == community.pk


def test_creates_and_deletes_are_recorded(jiedao_admin, demo_world):
    from qiangji.territories.models import Kind, Territory

    with acting_as(jiedao_admin):
        grid = Territory(kind=Kind.GRID, name="第九网格", parent=demo_world.keershan)
        grid.save()
        grid_pk = grid.pk
        grid.delete()
    actions = list(
        AuditEntry.objects.filter(object_id=str(grid_pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "delete"]


def test_system_writes_without_a_person_are_not_attributed(demo_world):
    assert not AuditEntry.objects.filter(actor__isnull=False).exists()


def test_personal_fields_are_redacted_in_the_log(jiedao_admin, shiliuyuan_secretary):
    with acting_as(jiedao_admin):
        shiliuyuan_secretary.mobile = "13812345678"
        shiliuyuan_secretary.save()
    entry = AuditEntry.objects.filter(
        action="update", object_id=str(shiliuyuan_secretary.pk)
    ).latest("at")
    assert entry.changes["mobile"] == [REDACTED, REDACTED]
    assert "13812345678" not in str(entry.changes)


def test_the_admin_reads_and_filters_the_log(
    client_for, jiedao_admin, shiliuyuan_secretary, demo_world
):
    with acting_as(shiliuyuan_secretary):
        demo_world.shiliuyuan.population = 100
        demo_world.shiliuyuan.save()
    client = client_for(jiedao_admin)
    text = client.get(
        reverse("audit:index") + f"?territory={demo_world.shiliuyuan.pk}&action=update"
    ).content.decode()
    assert "石榴园社区" in text
    assert "人口：" in text  # the field by its name in the reader's language
    fragment = client.get(
        reverse("audit:index") + "?action=delete", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="entries"' in fragment and "<html" not in fragment
    assert "population" not in fragment


def test_a_secretary_cannot_read_the_audit_log(client_for, shiliuyuan_secretary):
    assert client_for(shiliuyuan_secretary).get(reverse("audit:index")).status_code == 403


def test_the_audit_log_names_changed_fields_in_chinese(client_for, jiedao_admin, demo_world):
    community = demo_world.shiliuyuan
    with acting_as(jiedao_admin):
        community.population = 9000
        community.save()
    html = client_for(jiedao_admin).get(reverse("audit:index")).content.decode()
    assert "人口：" in html
    assert "<code>population</code>" not in html


def test_an_event_reads_in_chinese_with_chinese_field_names_whoever_acts(
    client_for, jiedao_admin, shiliuyuan_secretary, demo_world
):
    from django.utils import translation

    from qiangji.plans.actions import do_close_round
    from qiangji.plans.tests.factories import make_plan, make_small_tree

    plan = make_plan(demo_world)
    make_small_tree(plan, shiliuyuan_secretary)
    with acting_as(shiliuyuan_secretary), translation.override("en"):
        do_close_round(plan=plan, by=shiliuyuan_secretary, note="")
    entry = AuditEntry.objects.filter(action="event").latest("at")
    assert entry.note == "结束“提出”轮，形成 v1"  # the site's language, though she read English
    page = client_for(jiedao_admin).get(reverse("audit:index")).text
    assert "版本：<span" in page  # the event's key "version", named in Chinese
    assert "round_number" not in page and "closed round" not in page

"""The top bar: one menu per group of the programme's flow, only what the person may use."""

import pytest
from django.test import RequestFactory

from qiangji.accounts.permissions import access_for
from qiangji.core.navigation import GROUP_KEYS, NavGroup, NavItem, nav_items, nav_menu


def _request(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def _menu(user, path="/"):
    request = _request(user, path)
    return nav_menu(request, access_for(user))


def _labels(menu):
    return [(entry.key if isinstance(entry, NavGroup) else str(entry.label)) for entry in menu]


def test_every_entry_but_the_workbench_belongs_to_a_group(superuser):
    items = nav_items(_request(superuser), access_for(superuser))
    assert len(items) >= 10
    ungrouped = [str(item.label) for item in items if not item.group]
    assert ungrouped == ["工作台"]
    assert {item.group for item in items} - {""} <= GROUP_KEYS


def test_the_subdistrict_admin_sees_the_groups_in_the_programmes_flow(jiedao_admin):
    menu = _menu(jiedao_admin)
    groups = [entry.key for entry in menu if isinstance(entry, NavGroup)]
    assert groups[:3] == ["concerns", "cocreation", "review"]
    assert groups[-1] == "admin"
    admin = next(entry for entry in menu if isinstance(entry, NavGroup) and entry.key == "admin")
    labels = [str(item.label) for item in admin.items]
    assert labels[:3] == ["辖区", "工程", "人员"]
    assert "审计日志" in labels


def test_a_secretary_sees_no_people_or_audit_log(shiliuyuan_secretary):
    menu = _menu(shiliuyuan_secretary)
    labels = [
        str(item.label) for entry in menu if isinstance(entry, NavGroup) for item in entry.items
    ]
    assert "居民诉求" in labels
    assert "工作方案" in labels
    assert "人员" not in labels
    assert "审计日志" not in labels


def test_a_person_without_a_role_sees_only_the_workbench(outsider):
    menu = _menu(outsider)
    assert [str(entry.label) for entry in menu] == ["工作台"]


def test_an_unknown_group_is_refused():
    with pytest.raises(ValueError, match="unknown menu group"):
        NavItem("x", "/x/", group="nowhere")


def test_only_the_closest_entry_is_marked_current(jiedao_admin):
    menu = _menu(jiedao_admin, "/concerns/top/")
    active = [
        str(item.label)
        for entry in menu
        for item in (entry.items if isinstance(entry, NavGroup) else (entry,))
        if item.active
    ]
    assert active == ["十大关切"]
    concerns = next(
        entry for entry in menu if isinstance(entry, NavGroup) and entry.key == "concerns"
    )
    assert concerns.active


def test_the_home_page_is_current_only_on_itself(jiedao_admin):
    assert [
        str(e.label) for e in _menu(jiedao_admin, "/") if not isinstance(e, NavGroup) and e.active
    ] == ["工作台"]
    assert not any(
        e.active for e in _menu(jiedao_admin, "/territories/") if not isinstance(e, NavGroup)
    )


def test_the_bar_renders_each_group_as_a_menu_and_marks_the_current_place(client_for, jiedao_admin):
    html = client_for(jiedao_admin).get("/concerns/top/").content.decode()
    assert 'class="dropdown nav-group" data-group="concerns"' in html
    assert 'class="dropdown nav-group" data-group="admin"' in html
    assert html.count('aria-current="page"') == 2  # the bar's entry and the phone menu's
    assert 'data-group="concerns"' in html.split('class="drawer"')[1]  # the phone menu too


def test_a_group_with_one_entry_is_a_plain_link(client_for, mentor):
    html = client_for(mentor).get("/").content.decode()
    assert 'class="nav-link" data-group="review"' in html

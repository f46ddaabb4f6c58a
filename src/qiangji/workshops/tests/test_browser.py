"""End to end in Chromium: two phones at one board, QR sign-in on a phone, screenshots."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from qiangji.core.testing import DESKTOP, PHONE, login, screenshot
from qiangji.workshops import demo
from qiangji.workshops.models import Activity, Attendance, IdeaCard, TableGroup, Vote

pytestmark = pytest.mark.browser


@pytest.fixture
def salon_world(demo_world):
    demo.load(demo_world)
    return demo_world


def test_two_phones_at_one_board_see_each_others_cards_within_3_seconds_and_votes_count_once(
    new_page, live_server, salon_world
):
    table = TableGroup.objects.get(
        activity__title=demo.SALON_TITLE, community=salon_world.shiliuyuan
    )
    board_url = f"{live_server.url}/workshops/g/{table.pk}/"
    secretary, staff = new_page(PHONE), new_page(PHONE)
    login(secretary, live_server, "shiliuyuan")
    login(staff, live_server, "shiliuyuan_staff")
    secretary.goto(board_url)
    staff.goto(board_url)
    expect(staff.locator(".idea-text", has_text="幸福石榴园，服务520")).to_be_visible()

    # A card added on one phone shows on the other without a reload, within 3 seconds.
    secretary.locator("label.chip.kind-resource").click()
    secretary.fill("#card-form input[name=text]", "辖区学校的操场周末开放")
    started = time.monotonic()
    secretary.click("#add-card")
    expect(secretary.locator(".idea-text", has_text="辖区学校的操场周末开放")).to_be_visible()
    expect(staff.locator(".idea-text", has_text="辖区学校的操场周末开放")).to_be_visible(
        timeout=3000
    )
    assert time.monotonic() - started < 3.0
    expect(secretary.locator("#card-form input[name=text]")).to_have_value("")
    screenshot(staff, "workshops-board-phone")

    # Both vote on the same card; a frantic double tap still counts one dot per person.
    card = IdeaCard.objects.get(text="辖区学校的操场周末开放")
    secretary.locator(f"#card-{card.pk} .dot-button").click()
    expect(secretary.locator(f"#card-{card.pk} .vote-count")).to_have_text("1")
    staff_button = staff.locator(f"#card-{card.pk} .dot-button")
    staff_button.dblclick()
    staff.wait_for_timeout(1000)
    assert Vote.objects.filter(card=card, voter=salon_world.users["shiliuyuan"]).count() == 1
    assert Vote.objects.filter(card=card, voter=salon_world.users["shiliuyuan_staff"]).count() <= 1
    expected = str(Vote.objects.filter(card=card).count())
    expect(secretary.locator(f"#card-{card.pk} .vote-count")).to_have_text(expected, timeout=3000)
    expect(staff.locator(f"#card-{card.pk} .vote-count")).to_have_text(expected, timeout=3000)
    # Script typed into an idea stays text.
    staff.fill("#card-form input[name=text]", "<img src=x onerror=alert(1)>")
    staff.click("#add-card")
    expect(secretary.locator(".idea-text", has_text="<img src=x onerror=alert(1)>")).to_be_visible(
        timeout=3000
    )


def test_a_participant_signs_in_by_qr_code_on_a_phone_and_the_organiser_sees_it_live(
    new_page, live_server, salon_world
):
    salon = Activity.objects.get(title=demo.SALON_TITLE)
    Activity.objects.filter(pk=salon.pk).update(qr_window_seconds=15)
    Attendance.objects.filter(activity=salon).delete()  # before anyone signed in
    organiser = new_page(DESKTOP)
    login(organiser, live_server, "jiedao")
    organiser.goto(f"{live_server.url}/workshops/a/{salon.pk}/attendance/")
    expect(organiser.locator(".qr-box svg")).to_be_visible()
    screenshot(organiser, "workshops-attendance-qr")
    link = organiser.locator("#signin-link").get_attribute("href")

    phone = new_page(PHONE)
    login(phone, live_server, "keershan")
    phone.goto(link)
    expect(phone.locator("#signin-button")).to_be_visible()
    screenshot(phone, "workshops-sign-in-phone")
    phone.click("#signin-button")
    expect(phone.locator("#signin-done")).to_be_visible()
    screenshot(phone, "workshops-signed-in-phone")
    # Scanning again says so and adds nothing.
    phone.goto(link)
    expect(phone.locator("#signin-done")).to_be_visible()
    assert Attendance.objects.filter(activity=salon).count() == 1
    # The organiser's list refreshes by itself.
    expect(organiser.locator(".present")).to_contain_text("示例·柯尔山书记", timeout=12_000)

    # A forged code gets a clear refusal.
    phone.goto(f"{live_server.url}/workshops/a/{salon.pk}/sign/1-forged0000000000000/")
    expect(phone.locator("#signin-error")).to_be_visible()
    screenshot(phone, "workshops-sign-in-refused-phone")


def test_screenshots_of_the_workshop_pages(new_page, live_server, salon_world):
    salon = Activity.objects.get(title=demo.SALON_TITLE)
    table = salon.groups.get(community=salon_world.shiliuyuan)
    desktop = new_page(DESKTOP)
    login(desktop, live_server, "jiedao")
    for path, name in [
        (f"/workshops/?programme={salon.programme_id}&month=2026-02", "workshops-calendar"),
        (f"/workshops/a/{salon.pk}/", "workshops-activity"),
        (f"/workshops/a/{salon.pk}/groups/", "workshops-table-plan"),
        (f"/workshops/g/{table.pk}/", "workshops-board-desktop"),
        (f"/workshops/g/{table.pk}/stage/", "workshops-stage"),
        ("/workshops/cases/", "workshops-cases"),
    ]:
        desktop.goto(live_server.url + path)
        expect(desktop.locator("main")).to_be_visible()
        screenshot(desktop, name)
    phone = new_page(PHONE)
    login(phone, live_server, "keershan")
    phone.goto(f"{live_server.url}/workshops/g/{table.pk}/stall/")
    phone.locator("label.chip.fb-suggestion").click()
    phone.fill("#feedback-form textarea", "五个站点可以和辖区学校共建")
    phone.click("#feedback-form button[type=submit]")
    expect(phone.locator(".messages")).to_be_visible()
    screenshot(phone, "workshops-stall-phone")


def test_a_poll_does_not_wipe_a_comment_being_typed(new_page, live_server, salon_world):
    table = TableGroup.objects.get(
        activity__title=demo.SALON_TITLE, community=salon_world.shiliuyuan
    )
    board_url = f"{live_server.url}/workshops/g/{table.pk}/"
    card = table.cards.get(text="幸福石榴园，服务520")
    mentor, secretary = new_page(PHONE), new_page(PHONE)
    login(mentor, live_server, "daoshi")
    login(secretary, live_server, "shiliuyuan")
    mentor.goto(board_url)
    secretary.goto(board_url)
    mentor.locator(f"#tools-{card.pk} summary").click()
    comment = mentor.locator(f"#tools-{card.pk} input[name=text]")
    comment.fill("目标再具体一些：520指什么？")
    secretary.fill("#card-form input[name=text]", "周末亲子课堂")
    secretary.click("#add-card")
    expect(secretary.locator(".idea-text", has_text="周末亲子课堂")).to_be_visible()
    mentor.wait_for_timeout(3000)  # two polls have answered meanwhile
    expect(comment).to_have_value("目标再具体一些：520指什么？")
    mentor.locator(f"#tools-{card.pk} .comment-send").click()
    expect(mentor.locator(f"#card-{card.pk} .comments")).to_contain_text("520指什么")
    expect(mentor.locator(".idea-text", has_text="周末亲子课堂")).to_be_visible(timeout=3000)
    expect(mentor.locator(f"#tools-{card.pk}")).to_have_attribute("open", "")
    expect(secretary.locator(f"#card-{card.pk} .comments")).to_contain_text(
        "520指什么", timeout=3000
    )
    screenshot(mentor, "workshops-board-mentor-comment-phone")

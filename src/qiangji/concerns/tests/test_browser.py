"""End to end in Chromium: a resident on a phone, an import with bad rows, a ticket's cycle."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from qiangji.concerns import demo
from qiangji.concerns.models import Concern, ImportBatch, TicketState
from qiangji.core.testing import DESKTOP, PHONE, login, screenshot

pytestmark = pytest.mark.browser


def test_a_resident_scans_the_qr_code_sees_a_similar_concern_first_and_says_me_too(
    new_page, live_server, demo_world
):
    demo.load(demo_world)
    community = demo_world.shiliuyuan
    page = new_page(PHONE)
    page.goto(f"{live_server.url}/concerns/c/{community.pk}/")
    expect(page.locator("h1")).to_contain_text("石榴园社区")
    expect(page.locator("#privacy")).to_be_visible()
    page.fill("textarea[name=text]", "石榴园示例一区3栋电梯又坏了，老人上下楼很困难")
    # While the resident types, similar open concerns appear (htmx, no reload).
    expect(page.locator("#similar .similar-box")).to_be_visible()
    expect(page.locator("#similar")).to_contain_text("电梯")
    screenshot(page, "concerns-public-form-similar-phone")
    # The resident says "me too" to the first similar concern shown.
    first = page.locator("#similar form[action*='/metoo/']").first
    lift = Concern.objects.get(pk=int(first.get_attribute("action").rstrip("/").rsplit("/", 1)[1]))
    assert "电梯" in lift.text
    before = lift.me_too_count
    first.locator("button").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text("谢谢")
    lift.refresh_from_db()
    assert lift.me_too_count == before + 1
    screenshot(page, "concerns-public-thanks-phone")

    # A different matter is filed directly.
    page.goto(f"{live_server.url}/concerns/c/{community.pk}/")
    page.fill("textarea[name=text]", "社区活动室的空调不制冷，希望检修")
    page.fill("input[name=phone]", "13812345678")
    page.check("input[name=consent]")
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text("谢谢")
    filed = Concern.objects.get(text="社区活动室的空调不制冷，希望检修")
    assert filed.reporter.phone == "13812345678" and filed.channel == "form"


def _xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["留言编号", "留言主题", "留言时间", "留言详情", "点赞数"])
    sheet.append(["b1", "楼道灯坏了", "2026/3/1 10:00:00", "示例一区5栋楼道灯坏了一周（示例）", 2])
    sheet.append(["b2", "", "2026/3/1 11:00:00", "", 0])
    sheet.append(["b3", "噪音", "昨天", "夜间施工噪音（示例）", 0])
    sheet.append(["b4", "绿化", "2026/3/2 09:00:00", "绿化带杂草丛生（示例）", "很多"])
    sheet.append(["b5", "井盖", "2026/3/3 09:00:00", "示例二区门口井盖松动（示例）", 0])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_staff_import_an_xlsx_with_bad_rows_and_download_the_rejects(
    new_page, live_server, demo_world, tmp_path
):
    page = new_page(DESKTOP)
    login(page, live_server, "shiliuyuan")
    path = tmp_path / "12345导出.xlsx"
    path.write_bytes(_xlsx())
    page.goto(f"{live_server.url}/concerns/import/?territory={demo_world.shiliuyuan.pk}")
    page.set_input_files("input[type=file]", str(path))
    page.fill("input[name=source]", "12345热线")
    page.locator("main form[enctype] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#dry-run-summary")).to_contain_text("5")
    expect(page.locator("tr.row-error")).to_have_count(3)
    screenshot(page, "concerns-import-preview")
    page.locator("button[name=confirm]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#import-result")).to_be_visible()
    screenshot(page, "concerns-import-done")
    with page.expect_download() as download_info:
        page.locator("a[download]").click()
    content = download_info.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [r[0] for r in rows[1:]] == ["3", "4", "5"]
    batch = ImportBatch.objects.get()
    assert batch.created_rows == 2 and len(batch.rejects) == 3


def test_a_secretary_opens_the_top_ten_on_a_phone_and_moves_a_ticket_through_the_cycle(
    new_page, live_server, demo_world
):
    demo.load(demo_world)
    page = new_page(PHONE)
    login(page, live_server, "shiliuyuan")
    page.goto(f"{live_server.url}/concerns/top/")
    # 十大关切: hot issues first, then single concerns, ten in all.
    expect(page.locator("#top-urgent li")).to_have_count(10)
    hot = page.locator("#top-hot li:not(.muted)").count()
    matters = Concern.objects.in_territory(demo_world.shiliuyuan).open().roots()
    # A concern counts once: in a hot issue shown above it, or as a single matter.
    shown_hot = [
        int(h.rstrip("/").split("/")[-1])
        for h in page.locator("#top-hot li a[href*='/hot/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    ]
    assert len(shown_hot) == hot
    singles = matters.exclude(hot_issue__in=shown_hot).count()
    assert 1 <= hot <= 5
    assert page.locator("#top-cared li:not(.muted)").count() == min(10 - hot, singles)
    assert "优先级" in page.locator("#top-cared .score").first.get_attribute("title")
    screenshot(page, "concerns-top10-phone")
    # The most urgent matter the demo has left at 已受理 (others are further along).
    links = page.locator("#top-urgent li a[href^='/concerns/']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    accepted = [
        h
        for h in hrefs
        if h.rstrip("/").split("/")[-1].isdigit()
        and Concern.objects.get(pk=int(h.rstrip("/").split("/")[-1])).ticket.state
        == TicketState.ACCEPTED
    ]
    assert accepted, hrefs
    page.locator(f"#top-urgent li a[href='{accepted[0]}']").first.click()
    page.wait_for_load_state("networkidle")
    concern_pk = int(page.url.rstrip("/").split("/")[-1])
    ticket = Concern.objects.get(pk=concern_pk).ticket
    assert ticket.state == TicketState.ACCEPTED

    def step(action: str, fill=None) -> None:
        form = page.locator(f"form[data-action={action}]")
        if fill:
            fill(form)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")

    step(
        "dispatch",
        lambda f: f.locator("select[name=assignee]").select_option(
            str(demo_world.users["wangge"].pk)
        ),
    )
    expect(page.locator("#ticket-state")).to_have_text("已派单")
    step("sign")
    step("start")
    step("answer", lambda f: f.locator("textarea[name=answer]").fill("已联系维保单位修复（示例）"))
    screenshot(page, "concerns-ticket-answered-phone")
    step("follow_up", lambda f: f.locator("select[name=satisfaction]").select_option("satisfied"))
    expect(page.locator("#ticket-state")).to_have_text("已回访")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED and ticket.satisfaction == "satisfied"
    assert [e.action for e in ticket.events.all()][-5:] == [
        "dispatch",
        "sign",
        "start",
        "answer",
        "follow_up",
    ]
    screenshot(page, "concerns-ticket-closed-phone")


def test_a_secretary_searches_the_list_reads_hot_topics_and_statistics_on_a_desktop(
    new_page, live_server, demo_world
):
    demo.load(demo_world)
    page = new_page(DESKTOP)
    login(page, live_server, "shiliuyuan")
    page.goto(f"{live_server.url}/concerns/")
    expect(page.locator("h1")).to_contain_text("石榴园社区")
    page.fill("form.concern-filters input[name=q]", "電梯")
    page.locator("form.concern-filters button[type=submit]").click()
    expect(page.locator("#results .concern-list li").first).to_contain_text("电梯")
    assert all(
        "电梯" in text for text in page.locator("#results .concern-list li a").all_inner_texts()
    )
    screenshot(page, "concerns-list-search-desktop")
    page.goto(f"{live_server.url}/concerns/topics/")
    expect(page.locator(".cards article").first).to_be_visible()
    screenshot(page, "concerns-topics-desktop")
    page.goto(f"{live_server.url}/concerns/stats/")
    expect(page.locator("tbody tr").first).to_contain_text("石榴园社区")
    screenshot(page, "concerns-stats-desktop")
    page.goto(f"{live_server.url}/concerns/new/?community={demo_world.shiliuyuan.pk}")
    page.select_option("select[name=channel]", "patrol")
    page.fill("textarea[name=text]", "巡查发现石榴园示例二区5栋楼道堆放杂物（示例）")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#concern-text")).to_contain_text("楼道堆放杂物")
    screenshot(page, "concerns-detail-desktop")


def test_the_subdistrict_reads_ticket_statistics_per_community_and_grid_on_a_phone(
    new_page, live_server, demo_world
):
    demo.load(demo_world)
    page = new_page(PHONE)
    login(page, live_server, "jiedao")
    page.goto(f"{live_server.url}/concerns/stats/?territory={demo_world.subdistrict.pk}")
    total = page.locator("table.stats tr.total")
    expect(total).to_contain_text("团城山街道")
    expect(page.locator("table.stats")).to_contain_text("石榴园社区")
    expect(page.locator("table.stats")).to_contain_text("第一网格")
    screenshot(page, "concerns-stats-subdistrict-phone")
    page.select_option("select[name=period]", "30")
    page.locator(".period-form button").click()
    expect(page.locator("select[name=period]")).to_have_value("30")
    expect(page.locator("table.stats tr.total")).to_be_visible()

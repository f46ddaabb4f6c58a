"""Tests of the concerns pages: public form, lists, detail and ticket, import, privacy."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from qiangji.concerns.actions import do_file_concern
from qiangji.concerns.models import Concern, ImportBatch, MeToo, Reporter, TicketState


@pytest.fixture
def community(demo_world):
    return demo_world.shiliuyuan


@pytest.fixture
def secretary_client(shiliuyuan_secretary) -> Client:
    client = Client()
    client.force_login(shiliuyuan_secretary)
    return client


def _form_url(community) -> str:
    return reverse("concerns:public_form", args=[community.pk])


def test_a_resident_files_a_concern_without_an_account(client, community):
    response = client.get(_form_url(community))
    assert response.status_code == 200
    assert "个人信息" in response.text or "PIPL" in response.text
    response = client.post(_form_url(community), {"text": "石榴园示例一区路灯坏了一周"})
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.channel == "form" and concern.reporter is None
    assert client.get(response["Location"]).status_code == 200


def test_a_similar_open_concern_is_offered_before_filing_and_me_too_counts(client, community):
    existing = do_file_concern(
        community=community, text="石榴园示例一区3栋电梯又坏了，老人下不了楼", person="a"
    )
    Concern.objects.filter(pk=existing.pk).update(public=True)
    response = client.post(
        _form_url(community), {"text": "石榴园示例一区3栋电梯坏了，老人下不了楼"}
    )
    assert response.status_code == 200
    assert reverse("concerns:public_metoo", args=[community.pk, existing.pk]) in response.text
    assert Concern.objects.count() == 1
    response = client.post(reverse("concerns:public_metoo", args=[community.pk, existing.pk]))
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.me_too_count == 1 and MeToo.objects.count() == 1
    # Insisting files it anyway, grouped with the first as a near-duplicate.
    response = client.post(
        _form_url(community),
        {"text": "石榴园示例一区3栋电梯坏了，老人下不了楼", "confirm_new": "on"},
    )
    assert response.status_code == 302
    assert Concern.objects.get(duplicate_of=existing)


def test_similar_fragment_answers_while_typing(client, community):
    shown = do_file_concern(community=community, text="小区门口垃圾没人清运，臭气熏天", person="a")
    Concern.objects.filter(pk=shown.pk).update(public=True)
    url = reverse("concerns:public_similar", args=[community.pk])
    response = client.get(url, {"text": "门口垃圾没人清运"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "垃圾" in response.text and "<html" not in response.text
    assert "垃圾" not in client.get(url, {"text": "停车"}).text


def test_contact_details_need_consent_and_bad_input_is_a_400_not_a_500(client, community):
    response = client.post(_form_url(community), {"text": "路灯坏了", "phone": "13812345678"})
    assert response.status_code == 400 and not Concern.objects.exists()
    for data in (
        {"text": ""},
        {"text": "😡😡😡"},
        {"text": "电" * 100_000},
        {"text": "路灯", "phone": "abc"},
    ):
        assert client.post(_form_url(community), data).status_code == 400
    assert not Concern.objects.exists()
    response = client.post(
        _form_url(community),
        {"text": "路灯坏了", "phone": "13812345678", "name": "王五", "consent": "on"},
    )
    assert response.status_code == 302
    assert Reporter.objects.get().phone == "13812345678"


def test_the_honeypot_swallows_bots(client, community):
    response = client.post(
        _form_url(community), {"text": "buy cheap pills", "website": "http://spam"}
    )
    assert response.status_code == 302 and not Concern.objects.exists()


def test_too_many_submissions_are_rate_limited(client, community, settings):
    statuses = [
        client.post(
            _form_url(community), {"text": f"第{i}件事：路灯坏了{i}号", "confirm_new": "on"}
        ).status_code
        for i in range(7)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[-1] == 429


def test_script_in_the_text_is_shown_escaped(secretary_client, community):
    concern = do_file_concern(community=community, text="<script>alert(1)</script>路灯坏了")
    response = secretary_client.get(reverse("concerns:detail", args=[concern.pk]))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_phone_numbers_are_masked_for_roles_that_do_not_need_them(
    client, leader, community, secretary_client
):
    concern = do_file_concern(
        community=community,
        text="请打13812345678联系我，路灯坏了",
        reporter_name="赵六",
        reporter_phone="13912345678",
        consent=True,
    )
    url = reverse("concerns:detail", args=[concern.pk])
    full = secretary_client.get(url).text
    assert "13912345678" in full and "赵六" in full
    client.force_login(leader)
    masked = client.get(url).text
    assert "13912345678" not in masked and "139****5678" in masked
    assert "13812345678" not in masked and "138****5678" in masked
    assert "赵六" not in masked


def test_the_top_ten_lists_show_open_concerns_by_care_and_urgency(
    secretary_client, community, django_assert_max_num_queries
):
    for i in range(12):
        do_file_concern(community=community, text=f"第{i}号楼路灯不亮{i}", person=f"p{i}")
    urgent = do_file_concern(
        community=community, text="楼道电线漏电，很危险，老人小孩经过", person="x"
    )
    with django_assert_max_num_queries(20):
        response = secretary_client.get(reverse("concerns:top"), {"territory": community.pk})
    assert response.status_code == 200
    assert response.text.count('class="score"') == 20
    urgent_list = response.text.split('id="top-urgent"')[1]
    assert reverse("concerns:detail", args=[urgent.pk]) in urgent_list.split("</li>")[0]


def test_search_is_insensitive_to_script_and_width(secretary_client, community):
    do_file_concern(community=community, text="Ｋ23小区電梯壞了")
    do_file_concern(community=community, text="停车难")
    response = secretary_client.get(
        reverse("concerns:index"), {"territory": community.pk, "q": "k23 电梯"}
    )
    assert "電梯壞了" in response.text and "停车难" not in response.text
    fragment = secretary_client.get(
        reverse("concerns:index"),
        {"territory": community.pk, "q": "电梯"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200 and "<html" not in fragment.text


def test_staff_record_a_concern_from_a_patrol(client, grid_worker, community):
    client.force_login(grid_worker)
    response = client.post(
        reverse("concerns:new") + f"?community={community.pk}",
        {"channel": "patrol", "text": "第一网格井盖松动", "community": community.pk},
    )
    assert response.status_code == 302
    assert Concern.objects.get().channel == "patrol"


def test_a_secretary_moves_a_ticket_through_the_cycle(secretary_client, community, grid_worker):
    concern = do_file_concern(community=community, text="楼道灯坏了")
    url = reverse("concerns:ticket_action", args=[concern.pk])
    steps = [
        {"action": "dispatch", "assignee": grid_worker.pk},
        {"action": "sign"},
        {"action": "start"},
        {"action": "answer", "answer": "已修好"},
        {"action": "follow_up", "satisfaction": "fairly"},
    ]
    for version, step in enumerate(steps):
        response = secretary_client.post(url, {**step, "version": version})
        assert response.status_code == 302
    concern.ticket.refresh_from_db()
    assert concern.ticket.state == TicketState.CLOSED and concern.ticket.satisfaction == "fairly"
    stats = secretary_client.get(reverse("concerns:stats"), {"territory": community.pk})
    assert "100.0%" in stats.text


def test_a_wrong_step_shows_a_message_not_an_error(secretary_client, community):
    concern = do_file_concern(community=community, text="楼道灯坏了")
    response = secretary_client.post(
        reverse("concerns:ticket_action", args=[concern.pk]),
        {"action": "answer", "version": 0, "answer": "x"},
        follow=True,
    )
    assert response.status_code == 200
    concern.ticket.refresh_from_db()
    assert concern.ticket.state == TicketState.ACCEPTED
    assert (
        secretary_client.post(
            reverse("concerns:ticket_action", args=[concern.pk]), {"action": "x"}
        ).status_code
        == 302
    )


def test_wrong_methods_are_refused(secretary_client, community):
    concern = do_file_concern(community=community, text="楼道灯坏了")
    assert (
        secretary_client.get(reverse("concerns:ticket_action", args=[concern.pk])).status_code
        == 405
    )
    assert secretary_client.post(reverse("concerns:detail", args=[concern.pk])).status_code == 405
    assert secretary_client.delete(_form_url(community)).status_code == 405


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_an_xlsx_with_bad_rows_then_again_without_duplicates(secretary_client, community):
    content = _xlsx(
        [
            ["留言编号", "留言主题", "留言时间", "留言详情", "点赞数"],
            ["1", "路灯不亮", "2026/3/1 10:00:00", "示例一区路灯坏了一周", 3],
            ["2", "", "2026/3/2 10:00:00", "", 0],
            ["3", "垃圾", "not a date", "垃圾没人清运", 0],
            ["4", "噪音", "2026/3/3  9:00:00", "夜间施工噪音扰民", "x"],
            ["5", "电梯", "2026-03-04 08:00", "电梯困人", 1],
        ]
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("concerns:import_upload") + f"?territory={community.pk}"
    response = secretary_client.post(
        url, {"file": SimpleUploadedFile("board.xlsx", content), "source": "留言板"}
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    preview = secretary_client.get(response["Location"])
    assert "5 行" in preview.text or "5 rows" in preview.text
    secretary_client.post(
        response["Location"], {**{f"map_{k}": v for k, v in batch.mapping.items()}, "confirm": "1"}
    )
    batch.refresh_from_db()
    assert batch.state == "done" and batch.created_rows == 2 and len(batch.rejects) == 3
    assert Concern.objects.filter(channel="import").count() == 2
    assert Concern.objects.get(external_id="1").likes == 3
    rejects = secretary_client.get(reverse("concerns:import_rejects", args=[batch.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(rejects.streaming_content).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["3", "4", "5"] or len(rows) == 4
    # The same file again adds nothing.
    response = secretary_client.post(
        url, {"file": SimpleUploadedFile("board.xlsx", content), "source": "留言板"}
    )
    second = ImportBatch.objects.exclude(pk=batch.pk).get()
    assert second.mapping == batch.mapping
    secretary_client.post(
        response["Location"], {**{f"map_{k}": v for k, v in second.mapping.items()}, "confirm": "1"}
    )
    second.refresh_from_db()
    assert second.created_rows == 0 and second.duplicate_rows == 2
    assert Concern.objects.filter(channel="import").count() == 2


def test_import_reads_gbk_csv_and_refuses_garbage(secretary_client, community):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("concerns:import_upload") + f"?territory={community.pk}"
    gbk = "编号,内容\n1,楼道灯坏了\n2,電梯壞了\n".encode("gbk")
    response = secretary_client.post(
        url, {"file": SimpleUploadedFile("x.csv", gbk), "source": "12345"}
    )
    assert response.status_code == 302
    assert ImportBatch.objects.get().encoding == "gb18030"
    bad = b"\xff\xfe\x00\x00garbage\x81"
    response = secretary_client.post(
        url, {"file": SimpleUploadedFile("y.csv", bad), "source": "12345"}
    )
    assert response.status_code == 400
    response = secretary_client.post(
        url, {"file": SimpleUploadedFile("z.xlsx", b"PK\x03\x04broken"), "source": "12345"}
    )
    assert response.status_code == 400


def test_erasing_and_exporting_a_residents_data(secretary_client, community):
    concern = do_file_concern(
        community=community,
        text="路灯坏了",
        reporter_name="孙七",
        reporter_phone="13700001111",
        consent=True,
    )
    export = secretary_client.get(reverse("concerns:export_reporter", args=[concern.pk]))
    assert export.json()["phone"] == "13700001111"
    secretary_client.post(reverse("concerns:erase_reporter", args=[concern.pk]))
    assert Reporter.objects.get().phone == ""
    assert Concern.objects.get().text == "路灯坏了"


def test_an_import_interrupted_midway_completes_on_a_second_run_without_duplicates(
    secretary_client, community
):
    from qiangji.concerns import actions, importing

    lines = ["编号,内容"] + [f"{i},第{i}号楼的路灯坏了{i}天" for i in range(1, 1201)]
    content = "\n".join(lines).encode("utf-8")
    table = importing.read_table("x.csv", content)
    mapping = importing.guess_mapping(table.headers)
    batch = ImportBatch.objects.create(
        community=community,
        source="12345",
        filename="x.csv",
        content=content,
        mapping=mapping,
        state="running",
        # Its last sign of life an hour ago: the worker is gone (a live import has no button).
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    # The worker stored the first chunk, then died.
    first = [r for r in importing.parse_rows(table, mapping)][:500]
    items = [
        {
            "line": r.line,
            "raw": r.raw,
            "title": "",
            "text": r.values["text"],
            "compound": None,
            "reported_at": None,
            "likes": 0,
            "category": None,
            "external_id": r.values["key"],
        }
        for r in first
    ]
    actions.do_bulk_file_concerns(community=community, items=items, source="12345")
    page = secretary_client.get(reverse("concerns:import_detail", args=[batch.pk]))
    assert 'name="resume"' in page.text
    secretary_client.post(reverse("concerns:import_detail", args=[batch.pk]), {"resume": "1"})
    batch.refresh_from_db()
    assert batch.state == "done" and batch.created_rows == 700 and batch.duplicate_rows == 500
    assert Concern.objects.filter(source="12345").count() == 1200


def test_a_file_without_a_text_column_cannot_be_imported(secretary_client, community):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("concerns:import_upload") + f"?territory={community.pk}"
    response = secretary_client.post(
        url, {"file": SimpleUploadedFile("w.csv", "甲,乙\n1,2\n".encode()), "source": "x"}
    )
    page = secretary_client.get(response["Location"])
    assert 'name="confirm"' not in page.text
    secretary_client.post(response["Location"], {"confirm": "1"})
    assert ImportBatch.objects.get().state == "preview" and not Concern.objects.exists()


def test_a_photo_is_accepted_and_a_fake_one_refused(client, community):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (200, 150), "red").save(buffer, "PNG")
    photo = SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")
    response = client.post(_form_url(community), {"text": "井盖坏了，见照片", "photo": photo})
    assert response.status_code == 302 and Concern.objects.get().photo.name.endswith(".png")
    fake = SimpleUploadedFile("p.png", b"<script>alert(1)</script>", content_type="image/png")
    assert (
        client.post(_form_url(community), {"text": "另一件事：路灯不亮", "photo": fake}).status_code
        == 400
    )


def test_the_list_and_top_pages_take_a_constant_number_of_queries(secretary_client, community):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert secretary_client.get(url, {"territory": community.pk}).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        do_file_concern(community=community, text=f"第{i}栋楼道灯坏了{i}号", person=f"p{i}")
    few = {url: queries(url) for url in (reverse("concerns:index"), reverse("concerns:top"))}
    for i in range(3, 30):
        do_file_concern(
            community=community, text=f"第{i}栋的问题{i}：路面坑洼积水{i * 7}处", person=f"p{i}"
        )
    many = {url: queries(url) for url in few}
    assert many == few


def test_an_administrator_configures_categories_and_deadlines_in_the_admin(client, demo_world):
    client.force_login(demo_world.users["admin"])
    page = client.get(reverse("admin:concerns_category_changelist"))
    assert page.status_code == 200 and "养老服务" in page.text
    response = client.post(
        reverse("admin:concerns_deadlinerule_add"), {"kind": "general", "hours": "72"}
    )
    assert response.status_code == 302
    concern = do_file_concern(community=demo_world.shiliuyuan, text="楼道灯坏了")
    assert (concern.ticket.deadline_at - concern.reported_at).total_seconds() == 72 * 3600


def test_a_csv_that_mixes_utf8_and_gbk_is_refused_with_a_clear_message(secretary_client, community):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lines = [f"{i},石榴园小区第{i}栋楼道灯坏了，请尽快维修" for i in range(40)]
    content = ("编号,内容\n" + "\n".join(lines[:20]) + "\n").encode("utf-8") + "\n".join(
        lines[20:]
    ).encode("gbk")
    url = reverse("concerns:import_upload") + f"?territory={community.pk}"
    response = secretary_client.post(
        url, {"file": SimpleUploadedFile("m.csv", content), "source": "x"}
    )
    assert response.status_code == 400 and "UTF-8" in response.text
    assert not ImportBatch.objects.exists()
    gbk_only = ("编号,内容\n" + "\n".join(lines)).encode("gbk")
    response = secretary_client.post(
        url, {"file": SimpleUploadedFile("g.csv", gbk_only), "source": "x"}
    )
    assert response.status_code == 302


def test_the_poster_carries_a_qr_code_of_the_public_form(secretary_client, community):
    response = secretary_client.get(reverse("concerns:poster", args=[community.pk]))
    assert response.status_code == 200
    assert "<svg" in response.text
    assert "http://testserver" + _form_url(community) in response.text

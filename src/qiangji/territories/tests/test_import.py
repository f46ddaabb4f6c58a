import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from qiangji.lib.tabular import TableError, read_table
from qiangji.territories.models import Kind, Territory

HEADER = "层级,名称,上级路径,区划代码,人口,户数,排序\n"
GOOD = (
    HEADER
    + "社区,新华社区,黄石市/下陆区/团城山街道,,3200,1100,20\n小区,新华一区,黄石市/下陆区/团城山街道/新华社区,,,,1\n"
)


def _upload(client, territory, data: bytes, name: str):
    return client.post(
        reverse("territories:import", kwargs={"pk": territory.pk}),
        {"file": _named(data, name)},
    )


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_common_chinese_encoding_is_read(encoding):
    table = read_table(GOOD.encode(encoding), "t.csv")
    assert table.headers[:3] == ["层级", "名称", "上级路径"]
    assert table.rows[0]["名称"] == "新华社区"


def test_xlsx_is_read():
    wb = Workbook()
    ws = wb.active
    for line in GOOD.strip().split("\n"):
        ws.append(line.split(","))
    buffer = io.BytesIO()
    wb.save(buffer)
    table = read_table(buffer.getvalue(), "t.xlsx")
    assert [r["名称"] for r in table.rows] == ["新华社区", "新华一区"]


def test_a_file_over_ten_megabytes_is_refused_with_its_size():
    with pytest.raises(TableError, match="10 MB"):
        read_table(b"a" * (10 * 1024 * 1024 + 1), "big.csv")


def test_bytes_in_no_known_encoding_are_refused_clearly():
    with pytest.raises(TableError, match="UTF-8"):
        read_table(b"\x81\x30\xff\xff\xfe", "bad.csv")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from(["x.csv", "x.xlsx", "x.txt"]))
def test_reading_any_bytes_either_succeeds_or_says_why(data, name):
    try:
        table = read_table(data, name)
    except TableError as exc:
        assert str(exc)
    else:
        assert isinstance(table.rows, list)


def test_dry_run_shows_rows_and_writes_nothing(client_for, jiedao_admin, demo_world):
    client = client_for(jiedao_admin)
    before = Territory.objects.count()
    response = _upload(client, demo_world.subdistrict, GOOD.encode("gbk"), "t.csv")
    assert response.status_code == 302
    preview = client.get(response["Location"])
    text = preview.content.decode()
    assert "新华社区" in text and "新华一区" in text
    assert Territory.objects.count() == before


def test_applying_writes_valid_rows_and_offers_rejects_for_download(
    client_for, jiedao_admin, demo_world
):
    client = client_for(jiedao_admin)
    data = (
        GOOD
        + "社区,,黄石市/下陆区/团城山街道,,,,\n社区,石榴园社区,黄石市/下陆区/团城山街道,12345,,,\n社区,孤儿社区,黄石市/不存在,,,,\n网格,第一网格,黄石市/下陆区/团城山街道/新华社区,,-5,,\n"
    )
    preview_url = _upload(client, demo_world.subdistrict, data.encode("utf-8-sig"), "t.csv")[
        "Location"
    ]
    apply_url = preview_url + "apply/"
    response = client.post(apply_url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "rejects.csv" in text
    assert Territory.objects.filter(name="新华社区", kind=Kind.COMMUNITY).exists()
    assert Territory.objects.filter(name="新华一区", parent__name="新华社区").exists()
    assert not Territory.objects.filter(name="孤儿社区").exists()
    assert not Territory.objects.filter(parent__name="新华社区", kind=Kind.GRID).exists()
    rejects = client.get(preview_url + "rejects.csv")
    body = b"".join(rejects.streaming_content).decode("utf-8-sig")
    assert rejects["Content-Type"].startswith("text/csv")
    lines = body.strip().splitlines()
    assert lines[0].startswith("行号")
    assert len(lines) == 1 + 4
    assert "12位" in body or "12 digits" in body
    assert "不能为负" in body or "negative" in body


def test_reapplying_the_same_upload_adds_nothing(client_for, jiedao_admin, demo_world):
    client = client_for(jiedao_admin)
    preview_url = _upload(client, demo_world.subdistrict, GOOD.encode(), "t.csv")["Location"]
    client.post(preview_url + "apply/")
    count = Territory.objects.count()
    client.post(preview_url + "apply/")
    preview_url2 = _upload(client, demo_world.subdistrict, GOOD.encode(), "t.csv")["Location"]
    client.post(preview_url2 + "apply/")
    assert Territory.objects.count() == count


def test_a_file_with_wrong_columns_is_explained_and_nothing_written(
    client_for, jiedao_admin, demo_world
):
    client = client_for(jiedao_admin)
    before = Territory.objects.count()
    preview_url = _upload(client, demo_world.subdistrict, "名字,地址\n甲,乙\n".encode(), "t.csv")[
        "Location"
    ]
    text = client.get(preview_url).content.decode()
    assert "层级" in text and "上级路径" in text
    client.post(preview_url + "apply/")
    assert Territory.objects.count() == before


def test_an_unreadable_upload_is_refused_on_the_form(client_for, jiedao_admin, demo_world):
    response = _upload(
        client_for(jiedao_admin), demo_world.subdistrict, b"\x81\x30\xff\xff", "t.csv"
    )
    assert response.status_code == 400
    assert "encoding" in response.content.decode() or "编码" in response.content.decode()


def test_export_then_import_round_trips_without_changes(client_for, jiedao_admin, demo_world):
    client = client_for(jiedao_admin)
    exported = client.get(
        reverse("territories:export", kwargs={"pk": demo_world.subdistrict.pk}) + "?format=xlsx"
    )
    assert exported.status_code == 200
    before = Territory.objects.count()
    preview_url = _upload(client, demo_world.subdistrict, exported.content, "export.xlsx")[
        "Location"
    ]
    response = client.post(preview_url + "apply/")
    assert Territory.objects.count() == before
    assert "rejects.csv" not in response.content.decode()


def test_a_secretary_cannot_import_outside_their_community(
    client_for, shiliuyuan_secretary, demo_world
):
    client = client_for(shiliuyuan_secretary)
    response = _upload(client, demo_world.subdistrict, GOOD.encode(), "t.csv")
    assert response.status_code == 403
    data = (
        HEADER
        + "网格,第三网格,黄石市/下陆区/团城山街道/石榴园社区,,,,\n小区,越界小区,黄石市/下陆区/团城山街道/柯尔山社区,,,,\n"
    )
    preview_url = _upload(client, demo_world.shiliuyuan, data.encode(), "t.csv")["Location"]
    client.post(preview_url + "apply/")
    assert Territory.objects.filter(name="第三网格", parent=demo_world.shiliuyuan).exists()
    assert not Territory.objects.filter(name="越界小区").exists()


def test_names_with_slashes_and_backslashes_survive_export_then_import(
    client_for, jiedao_admin, demo_world
):
    community = Territory.objects.create(
        parent=demo_world.subdistrict, name="新华/东风社区", kind=Kind.COMMUNITY
    )
    Territory.objects.create(parent=community, name="A\\B/C 小区", kind=Kind.COMPOUND)
    Territory.objects.create(parent=community, name="一区/", kind=Kind.COMPOUND)
    client = client_for(jiedao_admin)
    exported = client.get(
        reverse("territories:export", kwargs={"pk": demo_world.subdistrict.pk}) + "?format=csv"
    )
    assert exported.status_code == 200
    before = Territory.objects.count()
    preview_url = _upload(client, demo_world.subdistrict, b"".join(_body(exported)), "t.csv")[
        "Location"
    ]
    response = client.post(preview_url + "apply/")
    assert "rejects.csv" not in response.content.decode()
    assert Territory.objects.count() == before
    assert set(Territory.objects.filter(parent=community).values_list("name", flat=True)) == {
        "A\\B/C 小区",
        "一区/",
    }


def test_a_path_of_names_splits_back_into_the_same_names():
    from qiangji.territories.importing import join_path, split_path

    names = ["黄石市", "新华/东风社区", "A\\B", "尾/"]
    text = join_path(names)
    assert split_path(text) == names
    assert split_path("/黄石市/下陆区/") == ["黄石市", "下陆区"]


def _body(response) -> list[bytes]:
    if response.streaming:
        return list(response.streaming_content)
    return [response.content]

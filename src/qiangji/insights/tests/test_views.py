"""The dashboards, the index pages, open data, the report and the commands."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiangji.insights.actions import do_publish_version, do_refresh_index
from qiangji.insights.models import IndexVersion, MediaReport

from .factories import add_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo_world):
    add_activity(demo_world, communities=4)
    do_refresh_index(programme=demo_world.programme, draws=50)
    return demo_world


def _url(view, world, **extra):
    return reverse(view, kwargs={"pk": world.programme.pk, **extra})


def test_overview_shows_every_community_with_traits_linked_to_their_evidence(
    world, client_for, jiedao_admin
):
    response = client_for(jiedao_admin).get(_url("insights:overview", world))
    html = response.content.decode()
    assert response.status_code == 200
    for name in world.communities:
        assert name in html
    assert "截至" in html and "数据不足" in html
    evidence = _url(
        "insights:evidence", world, community_id=world.shiliuyuan.pk, trait="refinement"
    )
    assert evidence in html


def test_a_missing_trait_says_why_on_its_evidence_page_never_zero(world, client_for, jiedao_admin):
    last = list(world.communities.values())[-1]
    response = client_for(jiedao_admin).get(
        _url("insights:evidence", world, community_id=last.pk, trait="refinement")
    )
    html = response.content.decode()
    assert (
        "数据不足" in html
        and "no plan in this programme" not in html
        or "没有方案" in html
        or "数据不足" in html
    )
    assert 'id="trait-score">数据不足<' in html


def test_unknown_trait_and_community_outside_the_programme_are_404(
    world, client_for, jiedao_admin, outsider
):
    client = client_for(jiedao_admin)
    assert (
        client.get(
            _url("insights:evidence", world, community_id=world.shiliuyuan.pk, trait="nope")
        ).status_code
        == 404
    )
    assert (
        client.get(_url("insights:community", world, community_id=world.subdistrict.pk)).status_code
        == 404
    )


def test_secretary_sees_their_community_against_the_median_but_not_others(
    world, client_for, shiliuyuan_secretary
):
    client = client_for(shiliuyuan_secretary)
    response = client.get(_url("insights:community", world, community_id=world.shiliuyuan.pk))
    html = response.content.decode()
    assert (
        response.status_code == 200
        and "radar-community" in html
        and "What to do next" in html
        or "下一步" in html
    )
    assert (
        client.get(_url("insights:community", world, community_id=world.keershan.pk)).status_code
        == 404
    )
    assert client.get(_url("insights:overview", world)).status_code == 403


def test_publishing_weights_that_do_not_sum_to_one_normalises_them_with_a_notice(
    world, client_for, jiedao_admin
):
    data = {
        f"w_{k}": 2
        for k in ("differentiation", "serialisation", "refinement", "participation", "satisfaction")
    }
    data.update(w_influence=0, aggregation="geometric", mentor_share=0.2, note="影响广暂不计")
    response = client_for(jiedao_admin).post(_url("insights:spec", world), data, follow=True)
    version = IndexVersion.objects.filter(programme=world.programme).order_by("-number").first()
    assert version.number == 2 and version.weights_rescaled
    assert version.weights["influence"] == 0 and abs(sum(version.weights.values()) - 1) < 1e-6
    assert "rescaled" in response.content.decode() or "归一" in response.content.decode()


def test_all_zero_weights_are_refused_with_a_clear_message(world, client_for, jiedao_admin):
    data = {
        f"w_{k}": 0
        for k in (
            "differentiation",
            "serialisation",
            "refinement",
            "participation",
            "satisfaction",
            "influence",
        )
    }
    data.update(aggregation="linear", mentor_share=0)
    response = client_for(jiedao_admin).post(_url("insights:spec", world), data)
    assert response.status_code == 200
    assert IndexVersion.objects.filter(programme=world.programme).count() == 1


def test_every_score_names_the_version_that_made_it(world):
    do_publish_version(programme=world.programme, weights={"differentiation": 1}, note="only one")
    snapshot = do_refresh_index(programme=world.programme, draws=10)
    assert snapshot.result["version"] == 2 and snapshot.version.number == 2


def test_refresh_and_publish_refuse_get(world, client_for, jiedao_admin):
    assert client_for(jiedao_admin).get(_url("insights:refresh", world)).status_code == 405


def test_media_report_form_records_a_report_for_ones_own_community(
    world, client_for, shiliuyuan_secretary
):
    client = client_for(shiliuyuan_secretary)
    data = {
        "community": world.shiliuyuan.pk,
        "outlet": "示例报",
        "published_on": "2026-05-01",
        "title": "示例报道",
        "link": "",
    }
    assert client.post(_url("insights:media", world), data).status_code == 302
    assert MediaReport.objects.filter(community=world.shiliuyuan, title="示例报道").exists()
    data.update(community=world.keershan.pk, title="别人的")
    response = client.post(_url("insights:media", world), data)
    assert response.status_code == 200 and not MediaReport.objects.filter(title="别人的").exists()


def test_open_data_has_no_personal_data_and_a_readme_for_every_column(world, client):
    csv_text = b"".join(
        client.get(
            _url("insights:open_data_file", world, name="traits", ext="csv")
        ).streaming_content
    )
    header = csv_text.decode("utf-8-sig").splitlines()[0].split(",")
    readme = client.get(
        _url("insights:open_data_file", world, name="traits", ext="md")
    ).content.decode()
    for column in header:
        assert f"`{column}`" in readme
    rows = json.loads(
        client.get(_url("insights:open_data_file", world, name="indicators", ext="json")).content
    )["rows"]
    assert rows and "phone" not in json.dumps(rows) and "p-" not in json.dumps(rows)
    assert (
        client.get(_url("insights:open_data_file", world, name="nope", ext="csv")).status_code
        == 404
    )


def test_the_programme_report_is_a_word_document_with_the_radar_chart(world, client_for, leader):
    response = client_for(leader).get(_url("insights:report", world))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert any(name.startswith("word/media/") for name in archive.namelist())
    body = archive.read("word/document.xml").decode()
    assert "品牌六性" in body and "石榴园社区" in body and "工作总结" in body


def test_brand_index_command_prints_exactly_the_documented_json(world):
    out = io.StringIO()
    call_command("brand-index", "--programme", world.programme.name, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"version", "communities"}
    row = data["communities"][0]
    assert set(row) == {"name", "traits", "rank_median", "rank_band"}
    assert list(row["traits"]) == ["差异化", "系列化", "精细化", "参与度", "满意度", "影响广"]
    for trait in row["traits"].values():
        assert set(trait) == {"score", "status"}
        assert (trait["score"] is None) == (trait["status"] == "insufficient")


def test_commands_refuse_an_unknown_programme_clearly(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No programme"):
        call_command("brand-index", "--programme", "没有这个工程")
    with pytest.raises(CommandError, match=".docx"):
        call_command(
            "programme-report",
            "--programme",
            world.programme.name,
            "--out",
            str(tmp_path / "x.txt"),
        )
    out = tmp_path / "report.docx"
    call_command(
        "programme-report",
        "--programme",
        world.programme.name,
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    assert zipfile.is_zipfile(out)


def test_api_gives_the_same_index_as_the_pages(world, client_for, leader, outsider):
    url = f"/api/insights/programmes/{world.programme.pk}/index"
    data = client_for(leader).get(url).json()
    assert data["version"] == 1 and len(data["communities"]) == 11
    assert client_for(outsider).get(url).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_overview_and_leader_view_run_a_constant_number_of_queries(
    demo_world, client_for, leader, jiedao_admin
):
    add_activity(demo_world, communities=2)
    do_refresh_index(programme=demo_world.programme, draws=10)
    admin, lead = client_for(jiedao_admin), client_for(leader)
    overview = _url("insights:overview", demo_world)
    small = (_queries(admin, overview), _queries(lead, reverse("insights:leader")))
    add_activity(demo_world, communities=11)
    MediaReport.objects.create(
        programme=demo_world.programme,
        community=demo_world.shiliuyuan,
        outlet="a",
        title="b",
        published_on="2026-03-01",
    )
    do_refresh_index(programme=demo_world.programme, draws=10)
    large = (_queries(admin, overview), _queries(lead, reverse("insights:leader")))
    assert small == large and min(small) > 3


def test_leader_view_lists_lagging_communities_and_the_heat_table(world, client_for, leader):
    response = client_for(leader).get(reverse("insights:leader"))
    html = response.content.decode()
    assert response.status_code == 200 and "团城山街道" in html
    assert "heat" in html
    by_compound = client_for(leader).get(reverse("insights:leader") + "?by=compound")
    assert by_compound.status_code == 200


def test_leader_cannot_open_a_territory_outside_their_scope(world, client_for, leader):
    from qiangji.territories.models import Kind, Territory

    other = Territory.objects.create(kind=Kind.DISTRICT, name="别的区", parent=world.city)
    assert (
        client_for(leader).get(reverse("insights:leader") + f"?territory={other.pk}").status_code
        == 403
    )


def test_compare_caps_the_number_of_communities_with_a_notice(world, client_for, jiedao_admin):
    ids = "&".join(f"c={c.pk}" for c in world.communities.values())
    response = client_for(jiedao_admin).get(_url("insights:compare", world) + "?" + ids)
    assert response.status_code == 200 and "radar-compare" in response.content.decode()


def test_a_programme_without_communities_or_data_shows_notices_not_errors(
    demo_world, client_for, jiedao_admin
):
    from qiangji.programmes.models import Enrolment

    Enrolment.objects.filter(programme=demo_world.programme).delete()
    response = client_for(jiedao_admin).get(_url("insights:index", demo_world))
    assert response.status_code == 200 and "NaN" not in response.content.decode()


def test_a_mentor_rates_traits_which_show_apart_and_bad_ratings_are_refused(
    world, client_for, mentor
):
    from qiangji.insights.models import TraitRating

    client = client_for(mentor)
    url = _url("insights:rate", world, community_id=world.shiliuyuan.pk)
    response = client.post(url, {"differentiation": "90", "satisfaction": "101"}, follow=True)
    assert TraitRating.objects.filter(trait="differentiation", score=90).exists()
    assert not TraitRating.objects.filter(trait="satisfaction").exists()
    assert "0" in response.content.decode() and response.status_code == 200
    snapshot = do_refresh_index(programme=world.programme, draws=10)
    row = next(r for r in snapshot.result["communities"] if r["id"] == world.shiliuyuan.pk)
    assert row["traits"]["differentiation"]["mentor"] == {"mean": 90.0, "n": 1}
    assert (
        row["traits"]["differentiation"]["score"] == row["traits"]["differentiation"]["data_score"]
    )
    assert client.get(url).status_code == 405


def test_the_overview_lists_the_subdistricts_hot_issues_when_the_concerns_app_offers_them(
    world, client_for, jiedao_admin, monkeypatch
):
    import qiangji.concerns.interface as concerns_interface

    monkeypatch.setattr(
        concerns_interface, "top_hot_issues",
        lambda territory, n=5: [{"label": "石榴园示例一区 · 电梯故障", "residents": 7, "url": "/concerns/"}],
        raising=False,
    )  # fmt: skip
    do_refresh_index(programme=world.programme, draws=10)
    html = client_for(jiedao_admin).get(_url("insights:overview", world)).content.decode()
    assert "石榴园示例一区 · 电梯故障" in html

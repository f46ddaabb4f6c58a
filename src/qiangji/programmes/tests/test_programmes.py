import datetime as dt

from django.urls import reverse

from qiangji.programmes.models import Programme


def test_the_current_phase_is_the_last_one_that_has_started(demo_world):
    programme = demo_world.programme
    assert programme.current_phase(dt.date(2026, 3, 15)).name == "问需"
    assert programme.current_phase(dt.date(2026, 1, 1)).name == "学习"
    assert programme.current_phase(dt.date(2027, 6, 1)).name == "评估"


def test_an_admin_creates_a_programme_with_default_phases(client_for, jiedao_admin, demo_world):
    response = client_for(jiedao_admin).post(
        reverse("programmes:create", kwargs={"subdistrict_pk": demo_world.subdistrict.pk}),
        {
            "name": "2027年培育强基工程",
            "description": "",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "communities": [demo_world.shiliuyuan.pk, demo_world.keershan.pk],
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get(name="2027年培育强基工程")
    assert programme.phases.count() == 6
    assert set(programme.enrolments.values_list("community__name", flat=True)) == {
        "石榴园社区",
        "柯尔山社区",
    }


def test_an_end_before_the_start_is_refused_clearly(client_for, jiedao_admin, demo_world):
    response = client_for(jiedao_admin).post(
        reverse("programmes:create", kwargs={"subdistrict_pk": demo_world.subdistrict.pk}),
        {"name": "倒置", "starts_on": "2027-12-31", "ends_on": "2027-01-01"},
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Programme.objects.filter(name="倒置").exists()


def test_a_secretary_reads_but_cannot_edit_the_programme(
    client_for, shiliuyuan_secretary, demo_world
):
    client = client_for(shiliuyuan_secretary)
    assert (
        client.get(reverse("programmes:detail", kwargs={"pk": demo_world.programme.pk})).status_code
        == 200
    )
    assert (
        client.get(reverse("programmes:edit", kwargs={"pk": demo_world.programme.pk})).status_code
        == 403
    )


def test_the_current_phase_shows_on_the_programme_page(client_for, mentor, demo_world):
    text = (
        client_for(mentor)
        .get(reverse("programmes:detail", kwargs={"pk": demo_world.programme.pk}))
        .content.decode()
    )
    current = demo_world.programme.current_phase().name
    assert f'aria-current="step">{current}' in text


def test_phases_can_be_renamed_and_added(client_for, jiedao_admin, demo_world):
    programme = demo_world.programme
    phases = list(programme.phases.all())
    data = {
        "phases-TOTAL_FORMS": len(phases) + 1,
        "phases-INITIAL_FORMS": len(phases),
        "phases-MIN_NUM_FORMS": 0,
        "phases-MAX_NUM_FORMS": 1000,
    }
    for i, phase in enumerate(phases):
        data.update(
            {
                f"phases-{i}-id": phase.pk,
                f"phases-{i}-programme": programme.pk,
                f"phases-{i}-name": phase.name,
                f"phases-{i}-order": phase.order,
                f"phases-{i}-starts_on": phase.starts_on.isoformat(),
                f"phases-{i}-ends_on": phase.ends_on.isoformat(),
            }
        )
    data["phases-0-name"] = "学习调研"
    n = len(phases)
    data.update(
        {
            f"phases-{n}-name": "总结",
            f"phases-{n}-order": 9,
            f"phases-{n}-starts_on": "",
            f"phases-{n}-ends_on": "",
        }
    )
    response = client_for(jiedao_admin).post(
        reverse("programmes:phases", kwargs={"pk": programme.pk}), data
    )
    assert response.status_code == 302
    assert list(programme.phases.values_list("name", flat=True))[0] == "学习调研"
    assert programme.phases.filter(name="总结").exists()


def test_adding_a_mentor_grants_the_role_on_the_programme(
    client_for, jiedao_admin, keershan_secretary, demo_world
):
    client_for(jiedao_admin).post(
        reverse("programmes:mentors", kwargs={"pk": demo_world.programme.pk}),
        {"username": "keershan"},
    )
    assert keershan_secretary.grants.filter(role="mentor", programme=demo_world.programme).exists()


def test_saving_the_phases_form_unchanged_in_chinese_keeps_every_date(
    demo_world, client_for, jiedao_admin
):
    from qiangji.core.testing import forms_on_page

    programme = demo_world.programme
    before = list(programme.phases.order_by("order").values_list("name", "starts_on", "ends_on"))
    current_before = programme.current_phase()
    client = client_for(jiedao_admin)
    url = f"/programmes/{programme.pk}/phases/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'value="2026-02-01"' in page.content.decode()
    (form,) = [f for f in forms_on_page(page.content.decode()) if "phases-TOTAL_FORMS" in f["data"]]
    response = client.post(url, form["data"])
    assert response.status_code == 302
    after = list(programme.phases.order_by("order").values_list("name", "starts_on", "ends_on"))
    assert after == before
    assert programme.current_phase() == current_before


def test_saving_the_programme_form_unchanged_in_chinese_keeps_its_dates(
    demo_world, client_for, jiedao_admin
):
    from qiangji.core.testing import forms_on_page

    programme = demo_world.programme
    before = (programme.starts_on, programme.ends_on, programme.name)
    client = client_for(jiedao_admin)
    url = f"/programmes/{programme.pk}/edit/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    (form,) = [f for f in forms_on_page(page.content.decode()) if "starts_on" in f["data"]]
    response = client.post(url, form["data"])
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.starts_on, programme.ends_on, programme.name) == before


def test_the_programme_page_links_only_the_communities_the_person_may_open(demo_world, client_for):
    from django.urls import reverse

    url = reverse("programmes:detail", kwargs={"pk": demo_world.programme.pk})
    own = reverse("territories:detail", args=[demo_world.shiliuyuan.pk])
    other = reverse("territories:detail", args=[demo_world.keershan.pk])
    secretary = client_for(demo_world.users["shiliuyuan"]).get(url).text
    admin = client_for(demo_world.users["jiedao"]).get(url).text
    assert f'href="{own}"' in secretary
    assert f'href="{other}"' not in secretary
    assert "柯尔山社区" in secretary  # named, not linked
    assert f'href="{other}"' in admin

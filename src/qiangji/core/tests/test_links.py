"""`{% link %}` and `{% allowed_url %}`: a link is shown only where the person may follow it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from qiangji.core.links import allowed_url, gates


def _render(source: str, user, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load links %}" + source).render(Context({"request": request, **context}))


def test_a_territory_link_is_a_link_for_its_secretary_and_plain_text_for_another_community(
    demo_world,
):
    source = '{% link "territories:detail" t %}{{ t.name }}{% endlink %}'
    own = _render(source, demo_world.users["shiliuyuan"], t=demo_world.shiliuyuan)
    other = _render(source, demo_world.users["shiliuyuan"], t=demo_world.keershan)
    url = reverse("territories:detail", args=[demo_world.shiliuyuan.pk])
    assert own == f'<a href="{url}">石榴园社区</a>'
    assert other == "柯尔山社区"


def test_allowed_url_gives_the_url_or_nothing_and_adds_the_query(demo_world):
    admin, secretary = demo_world.users["jiedao"], demo_world.users["shiliuyuan"]
    subdistrict = demo_world.subdistrict
    source = '{% allowed_url "concerns:hot_issues" territory=t as u %}[{{ u }}]'
    expected = f"[{reverse('concerns:hot_issues')}?territory={subdistrict.pk}]"
    assert _render(source, admin, t=subdistrict) == expected
    assert _render(source, secretary, t=subdistrict) == "[]"


def test_a_url_name_without_a_gate_is_refused_so_every_use_is_deliberate(demo_world):
    with pytest.raises(ImproperlyConfigured):
        allowed_url(demo_world.users["jiedao"], "plans:index")


def test_a_page_of_an_app_that_is_not_installed_gives_no_link(demo_world):
    assert allowed_url(demo_world.users["jiedao"], "nosuchapp:page", 1) == ""


def test_every_gate_names_a_url_that_exists():
    from django.urls import NoReverseMatch

    assert "territories:detail" in gates()
    for name in gates():
        try:
            reverse(name)
        except NoReverseMatch as exc:  # a URL that takes arguments exists all the same
            assert "not a valid view function or pattern name" not in str(exc), name

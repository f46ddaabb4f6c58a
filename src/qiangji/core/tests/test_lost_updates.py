"""No lost update: two people open the same edit form, both save; the second is refused.

For each editable object, two browsers (two administrators) load the edit page, each changes
the same field its own way and saves, one after the other. The first save goes through; the
second is refused with the conflict shown (409 with the other person's version, or the
plans' conflict page), and the object keeps the first person's text: nothing overwritten
without being seen, nothing dropped without a word. Simple record forms get this from
`lib/editguard.py`; plans, implementation items, hot issues and briefings from their own
version columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from qiangji.core.demo import load_capabilities, load_foundation
from qiangji.core.testing import DEMO_PASSWORD, declared_routes, forms_on_page
from qiangji.implementation.models import Item, Kind
from qiangji.plans.models import PlanNode

MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"


@dataclass(frozen=True)
class Edit:
    page: str  # URL name of the page holding the form
    field: str  # the field both people change
    action: str | None = None  # URL name the form posts to (None: the page itself)
    kwargs: Callable[[object], dict] | None = None  # None: the permission matrix's
    # What each person enters (None: the field's text with 甲改 / 乙改 added) and, when the
    # page does not show the value plainly, how to read what was stored.
    values: tuple[str, str] | None = None
    stored: Callable[[dict], str] | None = None


def _node(world) -> dict:
    node = PlanNode.objects.filter(plan__community=world.shiliuyuan).order_by("pk").first()
    return {"pk": node.plan_id, "node_id": node.pk}


def _item(world) -> dict:
    return {"pk": Item.objects.filter(kind=Kind.TASK).order_by("pk").first().pk}


EDITS = [
    Edit("territories:edit", "name"),
    Edit("programmes:edit", "name"),
    Edit("workshops:activity_edit", "title"),
    Edit("workshops:case_edit", "title"),
    Edit("workshops:briefing", "title"),
    Edit("plans:detail", "slogan", action="plans:fields"),
    Edit("plans:node_edit", "title", action="plans:node_save", kwargs=_node),
    # A note is evidence, kept even on a conflict; the figures are what two people contend for.
    Edit(
        "implementation:item",
        "actual",
        action="implementation:item_update",
        kwargs=_item,
        values=("37处", "73处"),
        stored=lambda kw: Item.objects.get(pk=kw["pk"]).actual,
    ),
    Edit("concerns:hot_issue", "label", action="concerns:hot_issue_rename"),
    # Pages of rows belonging to a programme (a formset), guarded by the programme's version.
    Edit("programmes:phases", "*-name"),
    Edit("implementation:statuses", "*-name"),
]


def _route(name: str):
    return next(r for r in declared_routes() if r.name == name)


def _url(name: str, world, kwargs=None) -> str:
    return reverse(name, kwargs=(kwargs or _route(name).kwargs)(world))


def _form(client: Client, page_url: str, action_url: str) -> dict:
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    for form in forms_on_page(page.content.decode()):
        if (form.get("action") or page_url).split("?")[0] == action_url:
            return form["data"]
    raise AssertionError(f"no form posting to {action_url} on {page_url}")


@pytest.fixture(scope="module")
def full_demo(django_db_setup, django_db_blocker):
    """The full demo, loaded once for the module inside a transaction rolled back at its end.

    Each test runs in a savepoint within it (pytest-django's `db`), so tests stay apart.
    """
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[MD5]):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = load_foundation(password=DEMO_PASSWORD)
            load_capabilities(world)
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(full_demo, db):
    return full_demo


def _admin_client(world) -> Client:
    client = Client()
    client.force_login(world.users["admin"])
    return client


def test_every_edit_page_of_the_matrix_is_covered_here():
    """A new page named *edit must be added to EDITS (or its own version check tested here)."""
    named_edit = {
        r.name for r in declared_routes() if r.name.endswith("edit") and r.method == "get"
    }
    # The rubric is versioned: a change makes a new rubric version, never an overwrite.
    assert named_edit - {e.page for e in EDITS} <= {"reviews:rubric_edit"}


@pytest.mark.parametrize("edit", EDITS, ids=[e.page for e in EDITS])
def test_the_second_of_two_simultaneous_saves_is_refused_with_the_conflict_shown(world, edit):
    if edit.page == "workshops:briefing":
        _admin_client(world).post(_url(edit.page, world), {"generate": "1"})
    page_url = _url(edit.page, world, edit.kwargs)
    action_url = _url(edit.action, world, edit.kwargs) if edit.action else page_url
    first, second = _admin_client(world), _admin_client(world)
    mine = _form(first, page_url, action_url)
    theirs = _form(second, page_url, action_url)
    field = edit.field
    if field.startswith("*"):  # the first row's field of a formset
        field = next(k for k in sorted(mine) if k.endswith(field[1:]) and mine[k][0])
    assert field in mine, sorted(mine)
    original = mine[field][0]
    a, b = edit.values or (f"{original[:8]}甲改", f"{original[:8]}乙改")
    mine[field], theirs[field] = [a], [b]

    saved = first.post(action_url, mine)
    assert saved.status_code in (200, 302), saved.status_code
    refused = second.post(action_url, theirs)
    if refused.status_code == 409 or edit.page == "workshops:briefing":
        # Shown: the page says why, and keeps the second person's input to save again (the
        # briefing answers 200 with its message).
        body = refused.content.decode()
        assert b in body
        assert any(
            mark in body for mark in ("form-errors", "errorlist", "message-error", "conflict")
        )
    elif "/conflicts/" in refused.get("Location", ""):
        # The plans' conflict page: both texts side by side, to keep, replace or merge.
        body = second.get(refused["Location"]).content.decode()
        assert a in body and b in body
    else:
        # A one-line action (a hot issue's name): refused with an error where it is done.
        assert refused.status_code == 302, refused.status_code
        body = second.get(refused["Location"]).content.decode()
        assert "message-error" in body

    # The object holds the first save; the second did not overwrite it unseen.
    if edit.stored:
        assert edit.stored((edit.kwargs or _route(edit.page).kwargs)(world)) == a
    else:
        after = first.get(page_url).content.decode()
        assert a in after and b not in after


def test_saving_again_after_seeing_the_conflict_replaces_it_on_purpose(world):
    page_url = _url("territories:edit", world)
    first, second = _admin_client(world), _admin_client(world)
    mine, theirs = _form(first, page_url, page_url), _form(second, page_url, page_url)
    mine["name"], theirs["name"] = ["石榴园甲"], ["石榴园乙"]
    assert first.post(page_url, mine).status_code == 302
    refused = second.post(page_url, theirs)
    assert refused.status_code == 409
    again = next(
        f["data"]
        for f in forms_on_page(refused.content.decode())
        if (f.get("action") or page_url) == page_url
    )
    assert again["name"] == ["石榴园乙"]  # the second person's input is kept in the form
    assert second.post(page_url, again).status_code == 302
    assert "石榴园乙" in first.get(page_url).content.decode()

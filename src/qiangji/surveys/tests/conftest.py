"""Fixtures of the surveys tests: an open and a verified survey of 石榴园, and answers."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from qiangji.surveys import actions
from qiangji.surveys.models import Kind, Mode, Survey


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    settings.SURVEYS_BURST_SOFT_LIMIT = 10
    settings.SURVEYS_BURST_HARD_LIMIT = 60


def make_survey(world, *, mode=Mode.OPEN, territory=None, **extra) -> Survey:
    now = timezone.now()
    return actions.do_create_survey(
        title=extra.pop("title", "石榴园居民满意度测评（测试）"),
        territory=territory or world.shiliuyuan,
        programme=world.programme,
        mode=mode,
        opens_at=extra.pop("opens_at", now - dt.timedelta(days=1)),
        closes_at=extra.pop("closes_at", now + dt.timedelta(days=10)),
        series=extra.pop("series", "测试系列"),
        **extra,
    )


@pytest.fixture
def open_survey(demo_world) -> Survey:
    return make_survey(demo_world)


@pytest.fixture
def verified_survey(demo_world) -> Survey:
    return make_survey(demo_world, mode=Mode.VERIFIED, title="入户测评（测试）")


def good_answers(survey: Survey, *, scale: int = 4, text: str = "") -> dict:
    """Form data answering every required question of the default template."""
    data: dict = {}
    for q in survey.questions.order_by("order", "pk"):
        if q.kind == Kind.SCALE:
            data[f"q{q.pk}"] = str(scale)
        elif q.kind == Kind.SINGLE:
            data[f"q{q.pk}"] = "0"
        elif q.kind == Kind.TEXT and text:
            data[f"q{q.pk}"] = text
    return data


def submit_values(survey: Survey, community, *, scale: int = 4, n: int = 1, **kwargs) -> list:
    """Store n responses through the action (fast set-up for figures)."""
    questions = list(survey.questions.order_by("order", "pk"))
    out = []
    for _ in range(n):
        values = {}
        for q in questions:
            if q.kind == Kind.SCALE:
                values[q.pk] = scale
            elif q.kind == Kind.SINGLE:
                values[q.pk] = 0
        out.append(
            actions.do_submit_response(
                survey=survey,
                community=community,
                client_id=uuid.uuid4(),
                values=values,
                questions=questions,
                **kwargs,
            ).response
        )
    return out

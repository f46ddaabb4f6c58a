"""Every insights URL as every persona."""

from __future__ import annotations

import pytest

from qiangji.core.testing import EVERYONE, Route, check_matrix

ORGANISERS = {"admin", "jiedao"}
READERS = ORGANISERS | {"lingdao", "daoshi"}
SHILIUYUAN = READERS | {"shiliuyuan", "shiliuyuan_staff"}


def _p(world):
    return {"pk": world.programme.pk}


def _c(world):
    return {"pk": world.programme.pk, "community_id": world.shiliuyuan.pk}


ROUTES = [
    Route("insights:home", SHILIUYUAN | {"keershan"}),
    Route("insights:leader", {"admin", "jiedao", "lingdao"}),
    Route("insights:overview", READERS, _p),
    Route("insights:index", READERS, _p),
    Route("insights:compare", READERS, _p),
    Route("insights:spec", READERS, _p),
    Route(
        "insights:spec",
        ORGANISERS,
        _p,
        method="post",
        data=lambda w: {
            **{
                f"w_{k}": 1
                for k in (
                    "differentiation",
                    "serialisation",
                    "refinement",
                    "participation",
                    "satisfaction",
                    "influence",
                )
            },
            "aggregation": "linear",
            "mentor_share": 0,
            "note": "x",
        },
    ),  # fmt: skip
    Route("insights:refresh", ORGANISERS, _p, method="post"),
    Route("insights:media", SHILIUYUAN | {"keershan"}, _p),
    Route("insights:report", READERS, _p),
    Route("insights:community", SHILIUYUAN, _c),
    Route("insights:evidence", SHILIUYUAN, lambda w: {**_c(w), "trait": "refinement"}),
    Route(
        "insights:rate",
        {"daoshi"},
        _c,
        method="post",
        data=lambda w: {"differentiation": "80"},
    ),
    Route("insights:open_data", EVERYONE),
    Route(
        "insights:open_data_file",
        EVERYONE,
        lambda w: {"pk": w.programme.pk, "name": "traits", "ext": "csv"},
    ),
]


@pytest.mark.django_db
def test_every_insights_url_answers_each_persona_as_declared(demo_world):
    from qiangji.insights.actions import do_refresh_index

    do_refresh_index(programme=demo_world.programme, draws=20)
    assert check_matrix(demo_world, ROUTES) == []

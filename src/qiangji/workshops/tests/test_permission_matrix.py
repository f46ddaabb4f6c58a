"""Who may use each URL of the workshops app: every persona against every route."""

from __future__ import annotations

from qiangji.core.testing import LOGGED_IN, Route, check_matrix
from qiangji.workshops import actions, demo
from qiangji.workshops.models import Activity, Case, IdeaCard, TableGroup

MANAGERS = {"admin", "jiedao"}
VIEWERS = LOGGED_IN - {"outsider"}
# The salon's 石榴园 table: its community, the organisers and the programme's mentor post.
SHILIUYUAN_POSTERS = MANAGERS | {"daoshi", "shiliuyuan", "shiliuyuan_staff", "wangge"}
MENTORS = MANAGERS | {"daoshi"}
# Went on the study visit: 石榴园 (and its grid), organisers, the programme's mentor.
VISIT_PARTICIPANTS = MANAGERS | {"daoshi", "shiliuyuan", "shiliuyuan_staff", "wangge"}
# Everyone who may visit 石榴园's stall except 石榴园's own people.
STALL_VISITORS = MANAGERS | {"keershan", "daoshi", "lingdao"}


def _salon(world) -> dict:
    return {"pk": Activity.objects.get(title=demo.SALON_TITLE).pk}


def _table(world) -> dict:
    return {
        "pk": TableGroup.objects.get(
            activity__title=demo.SALON_TITLE, community=world.shiliuyuan
        ).pk
    }


def _card(world) -> dict:
    return {"pk": IdeaCard.objects.filter(group__community=world.shiliuyuan).first().pk}


def _case(world) -> dict:
    return {"pk": Case.objects.first().pk}


def _photo(world) -> dict:
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from qiangji.workshops.models import Photo

    photo = Photo.objects.filter(caption="矩阵照片").first()
    if photo is None:
        out = io.BytesIO()
        Image.new("RGB", (32, 32)).save(out, "JPEG")
        photo = Photo(activity=Activity.objects.get(title=demo.SALON_TITLE), caption="矩阵照片")
        photo.image.save("m.jpg", ContentFile(out.getvalue()), save=False)
        photo.save()
    return {"pk": photo.pk}


def _visit_sign_in(world) -> dict:
    visit = Activity.objects.get(title=demo.VISIT_TITLE)
    return {"pk": visit.pk, "token": actions.make_signin_token(visit)}


ROUTES = [
    Route("workshops:index", LOGGED_IN),
    Route("workshops:activity_new", MANAGERS),
    Route("workshops:activity_detail", VIEWERS, _salon),
    Route("workshops:activity_edit", MANAGERS, _salon),
    Route("workshops:activity_ics", VIEWERS, _salon),
    Route("workshops:attendance", MANAGERS, _salon),
    Route(
        "workshops:attendance_add",
        MANAGERS,
        _salon,
        method="post",
        data=lambda w: {"person": "keershan"},
    ),
    Route("workshops:attendance_xlsx", MANAGERS, _salon),
    Route("workshops:sign_in", VISIT_PARTICIPANTS, _visit_sign_in),
    Route("workshops:sign_in", VISIT_PARTICIPANTS, _visit_sign_in, method="post"),
    Route("workshops:photo_upload", MANAGERS, _salon, method="post"),
    Route("workshops:photo", VIEWERS, _photo),
    Route("workshops:photo_delete", MANAGERS, _photo, method="post"),
    Route("workshops:groups", VIEWERS, _salon),
    Route("workshops:groups", MANAGERS, _salon, method="post"),
    Route("workshops:to_plan", VIEWERS, _salon),
    Route("workshops:stalls", VIEWERS, _salon),
    Route("workshops:stalls", MANAGERS, _salon, method="post", data=lambda w: {"minutes": 10}),
    Route("workshops:briefing", MANAGERS, _salon),
    Route("workshops:briefing_docx", MANAGERS, _salon),
    Route("workshops:board", VIEWERS, _table),
    Route("workshops:board_cards", VIEWERS, _table, query="?v=0"),
    Route(
        "workshops:card_add",
        SHILIUYUAN_POSTERS,
        _table,
        method="post",
        data=lambda w: {"kind": "goal", "text": "点子"},
    ),
    Route("workshops:group_mentor", MANAGERS, _table, method="post"),
    Route("workshops:board_toggle", MENTORS, _table, method="post"),
    Route("workshops:stall", VIEWERS, _table),
    Route(
        "workshops:stall",
        STALL_VISITORS,
        _table,
        method="post",
        data=lambda w: {"kind": "highlight", "text": "好"},
    ),
    Route("workshops:stage", VIEWERS, _table),
    Route("workshops:card_vote", SHILIUYUAN_POSTERS, _card, method="post"),
    Route(
        "workshops:card_comment",
        SHILIUYUAN_POSTERS,
        _card,
        method="post",
        data=lambda w: {"text": "评论"},
    ),
    Route("workshops:card_mark", MENTORS, _card, method="post"),
    Route("workshops:card_promote", MENTORS, _card, method="post"),
    Route("workshops:case_list", VIEWERS),
    Route("workshops:case_new", MANAGERS),
    Route("workshops:case_detail", VIEWERS, _case),
    Route("workshops:case_edit", MANAGERS, _case),
    Route("workshops:case_photo_upload", MANAGERS, _case, method="post"),
]


def test_every_workshops_url_allows_exactly_the_right_people(demo_world):
    demo.load(demo_world)
    assert check_matrix(demo_world, ROUTES) == []

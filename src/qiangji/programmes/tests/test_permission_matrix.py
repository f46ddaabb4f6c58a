from qiangji.core.testing import Route, check_matrix

ADMINS = {"admin", "jiedao"}
READERS = ADMINS | {"shiliuyuan", "keershan", "shiliuyuan_staff", "wangge", "daoshi", "lingdao"}


def prog(w):
    return {"pk": w.programme.pk}


def mentor_grant(w):
    grant = w.users["daoshi"].grants.get(programme=w.programme)
    return {"pk": w.programme.pk, "grant_pk": grant.pk}


ROUTES = [
    Route("programmes:index", READERS | {"outsider"}),
    Route("programmes:detail", READERS, kwargs=prog),
    Route("programmes:create", ADMINS, kwargs=lambda w: {"subdistrict_pk": w.subdistrict.pk}),
    Route("programmes:edit", ADMINS, kwargs=prog),
    Route("programmes:phases", ADMINS, kwargs=prog),
    Route("programmes:mentors", ADMINS, kwargs=prog),
    Route("programmes:remove_mentor", ADMINS, kwargs=mentor_grant, method="post"),
]


def test_programmes_permission_matrix(demo_world):
    assert check_matrix(demo_world, ROUTES) == []

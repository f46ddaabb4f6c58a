from qiangji.core.testing import Route, check_matrix

ADMINS = {"admin", "jiedao"}
READ_SHILIUYUAN = ADMINS | {"shiliuyuan", "shiliuyuan_staff", "wangge", "daoshi", "lingdao"}
EDIT_SHILIUYUAN = ADMINS | {"shiliuyuan"}
READ_SUBDISTRICT = ADMINS | {"lingdao"}


def sly(w):
    return {"pk": w.shiliuyuan.pk}


def sub(w):
    return {"pk": w.subdistrict.pk}


def upload(w):
    from qiangji.territories.models import TerritoryImport

    up = TerritoryImport.objects.create(
        root=w.shiliuyuan,
        uploaded_by=w.users["shiliuyuan"],
        filename="t.csv",
        content=b"a,b\n1,2\n",
    )
    return {"pk": w.shiliuyuan.pk, "upload_pk": up.pk}


ROUTES = [
    Route(
        "territories:index",
        {
            "admin",
            "jiedao",
            "shiliuyuan",
            "keershan",
            "shiliuyuan_staff",
            "wangge",
            "lingdao",
            "daoshi",
            "outsider",
        },
    ),
    Route("territories:detail", READ_SHILIUYUAN, kwargs=sly),
    Route("territories:detail", READ_SUBDISTRICT, kwargs=sub),
    Route("territories:edit", EDIT_SHILIUYUAN, kwargs=sly),
    Route("territories:create_child", EDIT_SHILIUYUAN, kwargs=sly),
    Route("territories:export", READ_SHILIUYUAN, kwargs=sly),
    Route("territories:import", EDIT_SHILIUYUAN, kwargs=sly),
    Route("territories:import", ADMINS, kwargs=sub),
    # An upload belongs to the person who made it.
    Route("territories:import_preview", {"shiliuyuan"}, kwargs=upload),
    Route("territories:import_apply", {"shiliuyuan"}, kwargs=upload, method="post"),
    Route("territories:import_rejects", {"shiliuyuan"}, kwargs=upload),
]


def test_territories_permission_matrix(demo_world):
    assert check_matrix(demo_world, ROUTES) == []

from django.urls import path

from qiangji.implementation import views

app_name = "implementation"
urlpatterns = [
    path("", views.index, name="index"),
    path("approve/<int:plan_pk>/", views.approve, name="approve"),
    path("d/<int:pk>/", views.delivery, name="delivery"),
    path("d/<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("d/<int:pk>/import/", views.import_progress, name="import"),
    path("d/<int:pk>/report.docx", views.report_docx, name="report"),
    path("item/<int:pk>/", views.item, name="item"),
    path("item/<int:pk>/update/", views.item_update, name="item_update"),
    path("item/<int:pk>/milestone/", views.milestone_add, name="milestone_add"),
    path("item/<int:pk>/spend/", views.spend_add, name="spend_add"),
    path("item/<int:pk>/press/", views.press, name="press"),
    path("item/<int:pk>/weight/", views.weight, name="weight"),
    path("update/", views.quick, name="quick"),
    path("update/<int:pk>/", views.quick_item, name="quick_item"),
    path("overdue/", views.overdue, name="overdue"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("programme/<int:programme_pk>/statuses/", views.statuses, name="statuses"),
    path(
        "programme/<int:programme_pk>/export.<str:fmt>",
        views.export_programme,
        name="export_programme",
    ),
    path(
        "programme/<int:programme_pk>/report.docx",
        views.report_programme_docx,
        name="report_programme",
    ),
    # Public: no account needed.
    path("p/<int:community_pk>/", views.public, name="public"),
]

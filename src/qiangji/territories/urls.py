from django.urls import path

from qiangji.territories import views

app_name = "territories"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/new/", views.create_child, name="create_child"),
    path("<int:pk>/export/", views.export, name="export"),
    path("<int:pk>/import/", views.import_upload, name="import"),
    path("<int:pk>/import/<int:upload_pk>/", views.import_preview, name="import_preview"),
    path("<int:pk>/import/<int:upload_pk>/apply/", views.import_apply, name="import_apply"),
    path(
        "<int:pk>/import/<int:upload_pk>/rejects.csv", views.import_rejects, name="import_rejects"
    ),
]

from django.urls import path

from qiangji.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/in/<int:subdistrict_pk>/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/phases/", views.phases, name="phases"),
    path("<int:pk>/mentors/", views.mentors, name="mentors"),
    path("<int:pk>/mentors/<int:grant_pk>/remove/", views.remove_mentor, name="remove_mentor"),
]

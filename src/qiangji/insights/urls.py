from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.home, name="home"),
    path("leader/", views.leader, name="leader"),
    path("p/<int:pk>/", views.overview, name="overview"),
    path("p/<int:pk>/index/", views.brand_index, name="index"),
    path("p/<int:pk>/compare/", views.compare, name="compare"),
    path("p/<int:pk>/spec/", views.spec, name="spec"),
    path("p/<int:pk>/refresh/", views.refresh, name="refresh"),
    path("p/<int:pk>/media/", views.media, name="media"),
    path("p/<int:pk>/report.docx", views.report, name="report"),
    path("p/<int:pk>/c/<int:community_id>/", views.community, name="community"),
    path("p/<int:pk>/c/<int:community_id>/rate/", views.rate, name="rate"),
    path("p/<int:pk>/c/<int:community_id>/<slug:trait>/", views.evidence, name="evidence"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<int:pk>/<slug:name>.<slug:ext>", views.open_data_file, name="open_data_file"),
]

from django.urls import path

from qiangji.concerns import hotissue_views, views

app_name = "concerns"
urlpatterns = [
    path("", views.index, name="index"),
    path("top/", views.top, name="top"),
    path("tickets/", views.tickets, name="tickets"),
    path("new/", views.new, name="new"),
    path("topics/", views.topics, name="topics"),
    path("stats/", views.stats, name="stats"),
    path("hot/", hotissue_views.hot_issue_list, name="hot_issues"),
    path("hot/<int:pk>/", hotissue_views.hot_issue, name="hot_issue"),
    path("hot/<int:pk>/rename/", hotissue_views.hot_issue_rename, name="hot_issue_rename"),
    path("hot/<int:pk>/merge/", hotissue_views.hot_issue_merge, name="hot_issue_merge"),
    path("hot/<int:pk>/split/", hotissue_views.hot_issue_split, name="hot_issue_split"),
    path(
        "hot/<int:pk>/move-out/<int:concern_pk>/",
        hotissue_views.hot_issue_move_out,
        name="hot_issue_move_out",
    ),
    path("hot/<int:pk>/ticket/", hotissue_views.hot_issue_ticket, name="hot_issue_ticket"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/ticket/", views.ticket_action, name="ticket_action"),
    path("<int:pk>/category/", views.recategorise, name="recategorise"),
    path("<int:pk>/public/", views.set_public, name="set_public"),
    path("<int:pk>/photo/", views.photo, name="photo"),
    path("<int:pk>/erase-reporter/", views.erase_reporter, name="erase_reporter"),
    path("<int:pk>/export-reporter/", views.export_reporter, name="export_reporter"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/rejects.csv", views.import_rejects, name="import_rejects"),
    # Public pages for residents: no account needed.
    path("c/<int:community_pk>/", views.public_form, name="public_form"),
    path("c/<int:community_pk>/similar/", views.public_similar, name="public_similar"),
    path("c/<int:community_pk>/metoo/<int:pk>/", views.public_metoo, name="public_metoo"),
    path("c/<int:community_pk>/thanks/", views.public_thanks, name="public_thanks"),
    path("c/<int:community_pk>/follow/<str:token>/", views.public_concern, name="public_concern"),
    path("c/<int:community_pk>/poster/", views.poster, name="poster"),
]

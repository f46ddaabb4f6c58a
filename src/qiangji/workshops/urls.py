from django.urls import path

from qiangji.workshops import views

app_name = "workshops"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.activity_new, name="activity_new"),
    path("a/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("a/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("a/<int:pk>/activity.ics", views.activity_ics, name="activity_ics"),
    path("a/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("a/<int:pk>/attendance/add/", views.attendance_add, name="attendance_add"),
    path("a/<int:pk>/attendance.xlsx", views.attendance_xlsx, name="attendance_xlsx"),
    path("a/<int:pk>/sign/<str:token>/", views.sign_in, name="sign_in"),
    path("a/<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("a/<int:pk>/groups/", views.groups, name="groups"),
    path("a/<int:pk>/to-plan/", views.to_plan, name="to_plan"),
    path("a/<int:pk>/stalls/", views.stalls, name="stalls"),
    path("a/<int:pk>/briefing/", views.briefing, name="briefing"),
    path("a/<int:pk>/briefing.docx", views.briefing_docx, name="briefing_docx"),
    path("g/<int:pk>/", views.board, name="board"),
    path("g/<int:pk>/cards/", views.board_cards, name="board_cards"),
    path("g/<int:pk>/cards/new/", views.card_add, name="card_add"),
    path("g/<int:pk>/toggle/", views.board_toggle, name="board_toggle"),
    path("g/<int:pk>/mentor/", views.group_mentor, name="group_mentor"),
    path("g/<int:pk>/stall/", views.stall, name="stall"),
    path("g/<int:pk>/stage/", views.stage, name="stage"),
    path("c/<int:pk>/vote/", views.card_vote, name="card_vote"),
    path("c/<int:pk>/comment/", views.card_comment, name="card_comment"),
    path("c/<int:pk>/mark/", views.card_mark, name="card_mark"),
    path("c/<int:pk>/promote/", views.card_promote, name="card_promote"),
    path("photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/photos/", views.case_photo_upload, name="case_photo_upload"),
]

from django.urls import path

from qiangji.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.home, name="home"),
    path("programme/<int:pk>/", views.programme, name="programme"),
    path("programme/<int:pk>/rubric/", views.rubric, name="rubric"),
    path("programme/<int:pk>/rubric/edit/", views.rubric_edit, name="rubric_edit"),
    path("programme/<int:pk>/assign/", views.auto_assign, name="auto_assign"),
    path("programme/<int:pk>/assignments/add/", views.assignment_add, name="assignment_add"),
    path("programme/<int:pk>/conflicts/add/", views.conflict_add, name="conflict_add"),
    path("programme/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("programme/<int:pk>/scores.xlsx", views.sheet, name="sheet"),
    path("programme/<int:pk>/stage/", views.stage, name="stage"),
    path("programme/<int:pk>/stage/publish/", views.stage_publish, name="stage_publish"),
    path("assignment/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("assignment/<int:pk>/start/", views.review_start, name="review_start"),
    path("review/<int:pk>/", views.review, name="review"),
    path("review/<int:pk>/save/", views.review_save, name="review_save"),
    path("review/<int:pk>/submit/", views.review_submit, name="review_submit"),
    path("review/<int:pk>/reopen/", views.review_reopen, name="review_reopen"),
    path("review/<int:pk>/suggestions/", views.suggestion_add, name="suggestion_add"),
    path("suggestion/<int:pk>/delete/", views.suggestion_delete, name="suggestion_delete"),
    path("suggestion/<int:pk>/answer/", views.suggestion_answer, name="suggestion_answer"),
    path("plan/<int:pk>/", views.plan, name="plan"),
    path("plan/<int:pk>/remarks/", views.remark_add, name="remark_add"),
    path("plan/<int:pk>/report/<int:number>/", views.report, name="report"),
]

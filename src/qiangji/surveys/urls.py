from django.urls import path

from qiangji.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/questions/", views.question_add, name="question_add"),
    path(
        "<int:pk>/questions/<int:question_pk>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("<int:pk>/new-version/", views.new_version, name="new_version"),
    path("<int:pk>/codes/", views.codes, name="codes"),
    path("<int:pk>/codes/<int:batch_pk>/", views.code_sheet, name="code_sheet"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/texts/<int:question_pk>/", views.texts, name="texts"),
    path("<int:pk>/answers/<int:answer_pk>/concern/", views.answer_concern, name="answer_concern"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/review/<int:response_pk>/", views.review_response, name="review_response"),
    path("<int:pk>/responses.<str:fmt>", views.export_responses, name="export_responses"),
    path("<int:pk>/results.<str:fmt>", views.export_aggregates, name="export_aggregates"),
    path("<int:pk>/summary.docx", views.summary_docx, name="summary_docx"),
    # Public pages for residents: no account, no JavaScript needed.
    path("c/<int:community_pk>/", views.public_entry, name="public_entry"),
    path("c/<int:community_pk>/summary/", views.public_summary, name="public_summary"),
    path("c/<int:community_pk>/poster/", views.poster, name="poster"),
    path("c/<int:community_pk>/<int:pk>/", views.public_form, name="public_form"),
    path("c/<int:community_pk>/<int:pk>/thanks/", views.public_thanks, name="public_thanks"),
    path("s/<int:pk>/", views.public_pick, name="public_pick"),
]

from django.urls import path

from qiangji.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/<int:programme_id>/<int:community_id>/", views.start, name="start"),
    path("rounds/<int:programme_id>/", views.round_names, name="round_names"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/fields/", views.save_fields, name="fields"),
    path("<int:pk>/nodes/add/", views.add_node, name="node_add"),
    path("<int:pk>/nodes/<int:node_id>/", views.node_view, name="node"),
    path("<int:pk>/nodes/<int:node_id>/tasks/", views.node_tasks, name="node_tasks"),
    path("<int:pk>/nodes/<int:node_id>/edit/", views.node_edit, name="node_edit"),
    path("<int:pk>/nodes/<int:node_id>/save/", views.node_save, name="node_save"),
    path("<int:pk>/nodes/<int:node_id>/move/", views.node_move, name="node_move"),
    path("<int:pk>/nodes/<int:node_id>/delete/", views.node_delete, name="node_delete"),
    path("<int:pk>/close-round/", views.close_round, name="close_round"),
    path("<int:pk>/versions/", views.versions, name="versions"),
    path("<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("<int:pk>/diff/", views.diff, name="diff"),
    path("<int:pk>/conflicts/<int:conflict_id>/", views.conflict, name="conflict"),
    path("<int:pk>/comments/", views.add_comment, name="comment_add"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/export.docx", views.export_docx, name="export_docx"),
    path("<int:pk>/tasks.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/import/", views.import_tasks, name="import_tasks"),
    path("<int:pk>/print/", views.printable, name="print"),
]

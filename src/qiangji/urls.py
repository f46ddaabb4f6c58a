"""The project's URLs: one include per app, the API, health checks and the admin."""

from django.contrib import admin
from django.urls import include, path

from qiangji.api import api
from qiangji.core import views as core_views

urlpatterns = [
    path("", include("qiangji.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("qiangji.accounts.urls")),
    path("territories/", include("qiangji.territories.urls")),
    path("programmes/", include("qiangji.programmes.urls")),
    path("audit/", include("qiangji.audit.urls")),
    path("inbox/", include("qiangji.notifications.urls")),
    path("concerns/", include("qiangji.concerns.urls")),
    path("workshops/", include("qiangji.workshops.urls")),
    path("plans/", include("qiangji.plans.urls")),
    path("reviews/", include("qiangji.reviews.urls")),
    path("implementation/", include("qiangji.implementation.urls")),
    path("surveys/", include("qiangji.surveys.urls")),
    path("insights/", include("qiangji.insights.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
# No route serves MEDIA_ROOT: every upload goes through its app's view and its permission
# check (`lib.files.file_response`), in development too.

handler403 = "qiangji.core.views.permission_denied"
handler404 = "qiangji.core.views.page_not_found"
handler500 = "qiangji.core.views.server_error"

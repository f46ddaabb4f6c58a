"""The project's URLs: one include per app, the API, health checks and the admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

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
# Uploaded files: in production the reverse proxy serves /media/ itself (docs/deploy.md);
# this route keeps a single-machine `qiangji serve` complete.
urlpatterns += [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

handler403 = "qiangji.core.views.permission_denied"
handler404 = "qiangji.core.views.page_not_found"
handler500 = "qiangji.core.views.server_error"

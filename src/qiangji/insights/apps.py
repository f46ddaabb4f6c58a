from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

#: Saving or deleting a row of these models changes the index or the dashboards: it marks the
#: figures as changed (one cache write, no callback, no query), and the `refresh_changed` job
#: (every two minutes) recomputes them in the background. Labels, not imports: insights reads
#: the other apps through their interfaces only.
WATCHED = frozenset(
    {
        "plans.planversion",
        "plans.plannode",
        "reviews.review",
        "reviews.suggestionanswer",
        "concerns.ticket",
        "workshops.attendance",
        "workshops.activity",
        "workshops.ideacard",
        "workshops.case",
        "territories.territory",
        "programmes.enrolment",
    }
)
WATCHED_APPS = frozenset({"implementation", "surveys"})


def _changed(sender, **kwargs) -> None:
    label = sender._meta.label_lower
    if label in WATCHED or sender._meta.app_label in WATCHED_APPS:
        from qiangji.insights.tasks import mark_changed

        mark_changed()


class InsightsConfig(AppConfig):
    name = "qiangji.insights"
    label = "insights"
    verbose_name = _("Brand index and dashboards")

    def ready(self) -> None:
        post_save.connect(_changed, dispatch_uid="insights-refresh-on-save")
        post_delete.connect(_changed, dispatch_uid="insights-refresh-on-delete")
        from qiangji.audit import registry

        from .models import IndexVersion, MediaReport, TraitRating

        registry.register(IndexVersion, territory=lambda obj: obj.programme.subdistrict_id)
        registry.register(MediaReport, territory=lambda obj: obj.community_id)
        registry.register(TraitRating, territory=lambda obj: obj.community_id)

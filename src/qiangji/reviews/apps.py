from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "qiangji.reviews"
    label = "reviews"
    verbose_name = _("Mentor review")

    def ready(self) -> None:
        from qiangji.audit import registry
        from qiangji.plans import timeline
        from qiangji.reviews import models
        from qiangji.reviews.interface import timeline_events

        registry.register(models.Assignment, territory=lambda a: a.plan.community_id)
        registry.register(models.Conflict, territory=lambda c: c.community_id)
        registry.register(models.Remark, territory=lambda r: r.plan.community_id)
        registry.register(
            models.SuggestionAnswer,
            territory=lambda a: a.suggestion.review.plan_version.plan.community_id,
        )
        registry.register(models.Rubric, territory=lambda r: r.programme.subdistrict_id)
        if timeline_events not in timeline.TIMELINE_SOURCES:
            timeline.TIMELINE_SOURCES.append(timeline_events)

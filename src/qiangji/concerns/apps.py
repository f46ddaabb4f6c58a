from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "qiangji.concerns"
    label = "concerns"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qiangji.audit import registry
        from qiangji.concerns import models

        registry.register(
            models.Concern,
            territory=lambda c: c.community_id,
            exclude=(
                "search_text",
                "care_score",
                "urgency_score",
                "priority_score",
                "urgency_factors",
                "reporter_key",
                "last_reported_at",
            ),
        )
        registry.register(
            models.Ticket, territory=lambda t: t.concern.community_id, exclude=("version",)
        )
        registry.register(models.Reporter, territory=lambda r: None, redact=("name", "phone"))
        registry.register(models.Category)
        registry.register(models.DeadlineRule)

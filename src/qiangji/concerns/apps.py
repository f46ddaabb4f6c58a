from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConcernsConfig(AppConfig):
    name = "qiangji.concerns"
    label = "concerns"
    verbose_name = _("Residents' concerns")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_install_search, sender=self)
        from qiangji.concerns import tasks

        tasks.connect_signals()
        from qiangji.audit import registry
        from qiangji.concerns import models

        registry.register(
            models.Concern,
            territory=lambda c: c.community_id,
            exclude=(
                "search_text",
                "search_tokens",
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


def _install_search(sender, using="default", **kwargs) -> None:
    """Re-create the full-text index's triggers if a migration copied the table (SQLite)."""
    from django.db import connections

    from qiangji.concerns import search

    search.install(connections[using])

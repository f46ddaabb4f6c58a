from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "qiangji.workshops"
    label = "workshops"
    verbose_name = _("Workshops and learning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qiangji.audit import registry
        from qiangji.workshops import models

        registry.register(
            models.Activity, territory=lambda a: a.programme.subdistrict_id, exclude=("qr_secret",)
        )
        registry.register(
            models.Attendance, territory=lambda a: a.activity.programme.subdistrict_id
        )
        registry.register(
            models.Photo,
            territory=lambda p: (
                p.activity.programme.subdistrict_id if p.activity_id else p.case.subdistrict_id
            ),
        )
        registry.register(
            models.TableGroup, territory=lambda g: g.community_id, exclude=("board_version",)
        )
        registry.register(
            models.Case,
            territory=lambda c: c.subdistrict_id,
            exclude=("search_text",),
            redact=("contact_name", "contact_phone"),
        )
        registry.register(models.Briefing, territory=lambda b: b.activity.programme.subdistrict_id)

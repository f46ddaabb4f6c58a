from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "qiangji.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from qiangji.accounts.models import RoleGrant, User
        from qiangji.audit import registry
        from qiangji.programmes.models import Enrolment, Phase, Programme
        from qiangji.territories.models import Territory

        # A deleted territory is logged on its parent, which still exists.
        registry.register(
            Territory,
            territory=lambda t: t.parent_id if getattr(t, "_audit_deleted", False) else t.pk,
        )
        registry.register(Programme, territory=lambda p: p.subdistrict_id)
        registry.register(Phase, territory=lambda p: p.programme.subdistrict_id)
        registry.register(Enrolment, territory=lambda e: e.community_id)
        registry.register(
            RoleGrant, territory=lambda g: g.territory_id or g.programme.subdistrict_id
        )
        registry.register(
            User,
            exclude=("password", "last_login"),
            redact=("mobile", "email"),
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImplementationConfig(AppConfig):
    name = "qiangji.implementation"
    label = "implementation"
    verbose_name = _("Implementation")

    def ready(self) -> None:
        from qiangji.audit.registry import register
        from qiangji.implementation.models import Item, Rules, Spend, Status

        register(
            Item,
            territory=lambda item: item.community_id,
            exclude=("revision", "last_update_at", "sort_index", "version_node", "label"),
        )
        register(Spend, territory=lambda spend: spend.item.community_id)
        register(Status, territory=lambda status: status.programme.subdistrict_id)
        register(Rules, territory=lambda rules: rules.programme.subdistrict_id)

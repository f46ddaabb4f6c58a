from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "qiangji.plans"
    label = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from qiangji.audit.registry import register
        from qiangji.plans.models import Comment, Plan, PlanNode

        register(Plan, territory=lambda plan: plan.community_id, exclude=("revision",))
        register(PlanNode, territory=lambda node: node.plan.community_id, exclude=("revision",))
        register(Comment, territory=lambda comment: comment.plan.community_id)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "qiangji.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from qiangji.audit import registry
        from qiangji.surveys import models

        registry.register(models.Survey, territory=lambda s: s.territory_id)
        registry.register(models.Question, territory=lambda q: q.survey.territory_id)
        registry.register(models.CodeBatch, territory=lambda b: b.survey.territory_id)
        # Responses are residents' anonymous answers and are not audited row by row; an
        # organiser's exclusion or inclusion is recorded with record_event (actions.py).

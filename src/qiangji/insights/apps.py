from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "qiangji.insights"
    label = "insights"

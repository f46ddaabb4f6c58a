from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "qiangji.concerns"
    label = "concerns"

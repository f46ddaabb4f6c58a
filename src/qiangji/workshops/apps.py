from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "qiangji.workshops"
    label = "workshops"

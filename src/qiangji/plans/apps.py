from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "qiangji.plans"
    label = "plans"

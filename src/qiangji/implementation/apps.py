from django.apps import AppConfig


class ImplementationConfig(AppConfig):
    name = "qiangji.implementation"
    label = "implementation"

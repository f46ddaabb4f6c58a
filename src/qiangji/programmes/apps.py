from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "qiangji.programmes"
    label = "programmes"

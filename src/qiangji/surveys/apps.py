from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "qiangji.surveys"
    label = "surveys"

from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "qiangji.territories"
    label = "territories"

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "qiangji.notifications"
    label = "notifications"

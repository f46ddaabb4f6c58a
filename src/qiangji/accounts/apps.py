from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "qiangji.accounts"
    label = "accounts"

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "qiangji.reviews"
    label = "reviews"

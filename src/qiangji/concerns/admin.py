"""The configurable parts of the concerns app: the taxonomy and the deadlines by kind."""

from django.contrib import admin

from qiangji.concerns.models import Category, DeadlineRule


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "active", "keywords")
    list_editable = ("order", "active")
    search_fields = ("name", "keywords")


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "hours")

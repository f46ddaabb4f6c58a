from django.contrib import admin

from qiangji.notifications.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "count", "updated_at", "read_at"]
    list_filter = ["kind"]

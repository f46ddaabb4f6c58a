from django.contrib import admin

from qiangji.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, not data to edit."""

    list_display = ["at", "actor", "action", "content_type", "object_repr", "territory"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from qiangji.accounts.models import ApiToken, LoginLock, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    raw_id_fields = ["territory", "programme"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Qiangji"), {"fields": ("display_name", "title", "mobile")}),
    )
    list_display = ["username", "display_name", "title", "is_active", "is_superuser"]
    search_fields = ["username", "display_name", "mobile"]
    inlines = [RoleGrantInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "key_hash"]


@admin.register(LoginLock)
class LoginLockAdmin(admin.ModelAdmin):
    list_display = ["identifier", "failures", "locked_until"]

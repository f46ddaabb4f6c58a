from django.contrib import admin

from qiangji.programmes.models import Enrolment, Phase, Programme


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    raw_id_fields = ["community"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "subdistrict", "starts_on", "ends_on"]
    search_fields = ["name"]
    raw_id_fields = ["subdistrict"]
    inlines = [PhaseInline, EnrolmentInline]

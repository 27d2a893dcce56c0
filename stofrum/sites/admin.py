from django.contrib import admin

from stofrum.audit.admin_mixins import AuditedAdminMixin
from stofrum.sites.models import Booth, IntakeMethod, OpeningHours, Site


class BoothInline(admin.TabularInline):
    model = Booth
    extra = 0


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Site)
class SiteAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "status", "women_only", "opening_date"]
    list_filter = ["status", "women_only"]
    filter_horizontal = ["intake_methods"]
    inlines = [BoothInline, OpeningHoursInline]
    search_fields = ["name", "slug", "street"]

    def _audit_site(self, obj):
        return obj if isinstance(obj, Site) else super()._audit_site(obj)


@admin.register(IntakeMethod)
class IntakeMethodAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name_da", "name_en", "booth_prefix", "sort_order"]

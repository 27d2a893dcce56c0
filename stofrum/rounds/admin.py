from django.contrib import admin

from stofrum.audit.admin_mixins import AuditedAdminMixin
from stofrum.rounds.models import RoundSchedule, Zone


@admin.register(Zone)
class ZoneAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The named areas around each site that rounds cover."""

    list_display = ["name", "site", "code", "sort_order", "is_active"]
    list_filter = ["site", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(RoundSchedule)
class RoundScheduleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """How often a round is due at a site (a site without one: every
    DEFAULT_EVERY_MINUTES)."""

    list_display = ["site", "every_minutes"]

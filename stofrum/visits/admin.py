from django.contrib import admin

from stofrum.audit.admin_mixins import AuditedAdminMixin
from stofrum.visits.models import Substance


@admin.register(Substance)
class SubstanceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The substance code list is configuration: administrators extend it here."""

    list_display = ["code", "name_da", "name_en", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]

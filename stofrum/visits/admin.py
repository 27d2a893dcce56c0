from django.contrib import admin

from stofrum.audit.admin_mixins import AuditedAdminMixin
from stofrum.codelists import CodeListAdmin
from stofrum.visits.models import Substance


@admin.register(Substance)
class SubstanceAdmin(AuditedAdminMixin, CodeListAdmin, admin.ModelAdmin):
    """The substance code list is configuration: administrators extend it here."""

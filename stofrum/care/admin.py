from django.contrib import admin

from stofrum.audit.admin_mixins import AuditedAdminMixin
from stofrum.care.models import ReferralTarget, ServiceKind
from stofrum.codelists import CodeListAdmin


@admin.register(ServiceKind)
class ServiceKindAdmin(AuditedAdminMixin, CodeListAdmin, admin.ModelAdmin):
    """The services staff record (DOMAIN.md §7); administrators extend the list here."""


@admin.register(ReferralTarget)
class ReferralTargetAdmin(AuditedAdminMixin, CodeListAdmin, admin.ModelAdmin):
    """Where staff refer people to (brobygning); administrators extend the list here."""

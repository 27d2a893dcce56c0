from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from stofrum.audit.admin_mixins import AuditedAdminMixin
from stofrum.staff.models import StaffMember


@admin.register(StaffMember)
class StaffMemberAdmin(AuditedAdminMixin, UserAdmin):
    audit_action_prefix = "staff.staffmember"
    list_display = ["username", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "sites"]
    filter_horizontal = ["sites", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Name"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Role and sites"), {"fields": ["role", "sites", "is_active", "is_staff"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "usable_password", "password1", "password2", "role",
                           "sites"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

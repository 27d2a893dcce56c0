from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from stofrum.audit.admin_mixins import AuditedAdminMixin
from stofrum.staff import services
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not obj.is_active:  # deactivated: their API tokens end with their sessions
            services.revoke_api_tokens(request.user, obj, reason="deactivated")

    def user_change_password(self, request, id, form_url=""):
        """The administrator's password reset, audited and ending the member's API tokens
        in the same transaction as the new password."""
        member = self.get_object(request, unquote(id))
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if member is not None and request.method == "POST":
                before = member.password
                member.refresh_from_db(fields=["password"])
                if member.password != before:
                    services.record_password_reset(request.user, member)
        return response

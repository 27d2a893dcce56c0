from django.contrib import admin

from stofrum.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is never edited."""

    list_display = ["at", "actor_username", "action", "object_type", "object_id", "site",
                    "client_address"]
    list_filter = ["action", "site"]
    search_fields = ["actor_username", "action", "object_id", "request_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

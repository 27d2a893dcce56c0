from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "stofrum.audit"
    label = "audit"
    verbose_name = "Audit"

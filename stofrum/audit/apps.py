from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "stofrum.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self):
        from stofrum.audit import checks

        checks.register()

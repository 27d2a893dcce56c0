from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "stofrum.idempotency"
    label = "idempotency"
    verbose_name = "Requests answered once"

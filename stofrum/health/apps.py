from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "stofrum.health"
    label = "health"
    verbose_name = "Health"

    def ready(self):
        from stofrum.health import board, checks

        board.connect()
        checks.register()

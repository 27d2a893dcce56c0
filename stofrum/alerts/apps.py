from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "stofrum.alerts"
    label = "alerts"
    verbose_name = "Drug alerts"

    def ready(self):
        from stofrum.alerts import board, receivers

        receivers.connect()
        board.connect()

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "stofrum.stats"
    label = "stats"
    verbose_name = "Statistics"

    def ready(self):
        from stofrum.stats import receivers

        receivers.connect()

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "stofrum.stats"
    label = "stats"
    verbose_name = "Statistics"

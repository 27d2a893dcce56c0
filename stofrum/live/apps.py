from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "stofrum.live"
    label = "live"
    verbose_name = "Live updates"

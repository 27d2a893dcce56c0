from django.apps import AppConfig


class ConductConfig(AppConfig):
    name = "stofrum.conduct"
    label = "conduct"
    verbose_name = "Conduct"

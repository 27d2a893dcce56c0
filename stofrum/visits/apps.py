from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "stofrum.visits"
    label = "visits"
    verbose_name = "Visits"

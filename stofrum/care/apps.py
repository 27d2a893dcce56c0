from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "stofrum.care"
    label = "care"
    verbose_name = "Care"

from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "stofrum.sites"
    label = "sites"
    verbose_name = "Sites"

from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "stofrum.public"
    label = "public"
    verbose_name = "Public pages"

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "stofrum.people"
    label = "people"
    verbose_name = "People"

from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "stofrum.staff"
    label = "staff"
    verbose_name = "Staff"

from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The top layer (ARCHITECTURE.md): the staff's pages and use cases that gather several
    apps — the home page, the staff URL namespace, the context every staff page gets,
    merging two persons. Nothing below imports from here."""

    name = "stofrum.desk"
    label = "desk"
    verbose_name = "Desk"

"""`manage.py runserver` refuses to serve without the CPR key, like stofrum/asgi.py: the app
never makes the key by itself (README, "The CPR key")."""

from django.contrib.staticfiles.management.commands.runserver import Command as Runserver
from django.core.management import CommandError

from stofrum.startup import refusal


class Command(Runserver):
    def handle(self, *args, **options):
        if why := refusal():
            raise CommandError(why)
        return super().handle(*args, **options)

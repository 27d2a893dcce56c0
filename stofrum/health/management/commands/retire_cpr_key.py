from django.core.management.base import BaseCommand, CommandError

from stofrum.errors import DomainError
from stofrum.health import services


class Command(BaseCommand):
    help = ("Remove an old CPR key from the key ring, only when no stored CPR number needs "
            "it (run rotate_cpr_key first). Audited.")

    def add_arguments(self, parser):
        parser.add_argument("key_id")

    def handle(self, *args, **options):
        try:
            services.retire_cpr_key(options["key_id"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"Retired key {options['key_id']}.")

from django.core.management.base import BaseCommand, CommandError

from stofrum.errors import DomainError
from stofrum.health import services


class Command(BaseCommand):
    help = (
        "Make the CPR key ring of a new installation at STOFRUM_CPR_KEY_FILE (mode 0600). "
        "Stofrum never makes one by itself; it refuses when a key is configured or when "
        "journals already hold CPR numbers (restore the lost key file from its backup). "
        "Audited."
    )
    requires_system_checks = []  # the checks refuse to pass until this command has run

    def add_arguments(self, parser):
        parser.add_argument("--if-missing", action="store_true",
                            help="Do nothing when a key is already configured (make run).")

    def handle(self, *args, **options):
        try:
            key_id = services.create_cpr_key(if_missing=options["if_missing"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        if key_id is None:
            self.stdout.write("A CPR key is already configured; nothing made.")
        else:
            self.stdout.write(f"Made the CPR key ring with key {key_id}. Back it up now, "
                              f"apart from the database backup.")

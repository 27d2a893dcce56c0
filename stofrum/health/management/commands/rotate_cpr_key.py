from django.core.management.base import BaseCommand, CommandError

from stofrum.errors import DomainError
from stofrum.health import services


class Command(BaseCommand):
    help = (
        "Add a new current CPR key and re-encrypt every stored CPR number with it. Rows that "
        "cannot be read are reported and skipped; a repeated run resumes under the key the "
        "earlier run added (no second new key) unless --new-key. Old keys stay in the ring "
        "until `retire_cpr_key` removes them. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true",
                            help="Add a new key even when rows from an earlier rotation "
                                 "are still under older keys.")

    def handle(self, *args, **options):
        def report(pk, reason):
            self.stderr.write(f"Cannot read CPR number of patient identifier {pk}: {reason}")

        try:
            result = services.rotate_cpr_key(new_key=options["new_key"], report=report)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{'New' if result['added'] else 'Resumed under'} key {result['key']}; "
            f"re-encrypted {result['reencrypted']} CPR numbers, "
            f"{len(result['unreadable'])} unreadable, {result['left']} still under older keys.")

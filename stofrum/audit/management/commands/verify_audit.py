from django.core.management.base import BaseCommand, CommandError

from stofrum.audit import chain, services


class Command(BaseCommand):
    help = ("Check the audit trail's hash chain: exit 0 when it is whole, else name the first "
            "changed, forged or missing row and exit non-zero. `--anchor SEQ:HASH` (a line "
            "printed by an earlier run, kept outside the database) also catches removed "
            "newest rows.")

    def add_arguments(self, parser):
        parser.add_argument("--anchor", help="SEQ:HASH printed by an earlier run")

    def handle(self, *args, **options):
        anchor = None
        if options["anchor"]:
            try:
                anchor = chain.parse_anchor(options["anchor"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        verdict = services.verify_chain(anchor)
        if not verdict.whole:
            raise CommandError(f"audit trail broken: {verdict.problem}")
        self.stdout.write(f"audit trail whole: {verdict.rows} rows (anchor {verdict.anchor})")

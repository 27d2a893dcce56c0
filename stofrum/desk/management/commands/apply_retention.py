from datetime import date

from django.core.management.base import BaseCommand, CommandError

from stofrum.desk.services import RETENTION_COUNTS, apply_retention


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Delete and anonymise what has passed its retention time: journal records past their "
        "keep-until date, persons inactive for STOFRUM_INACTIVE_YEARS (anonymised), client "
        "addresses older than STOFRUM_ADDRESS_DAYS, expired complaint rate windows, "
        "neighbours' contact details STOFRUM_NEIGHBOUR_CONTACT_DAYS after their report "
        "closed. Prints counts only. Run it daily; a second run the same day finds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Count what a run would do, and change nothing.")
        parser.add_argument("--today", metavar="YYYY-MM-DD",
                            help="The date the limits count back from (default: today in "
                                 "Copenhagen).")

    def handle(self, *args, dry_run=False, today=None, **options):
        day = _day(today) if today is not None else None
        counts = apply_retention(day, dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed. A run would report:")
        for key, label in RETENTION_COUNTS:
            self.stdout.write(f"{label}: {counts[key]}")

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Min

from stofrum.sites.models import Site
from stofrum.stats.summaries import local_day, rebuild
from stofrum.visits.models import Visit


class Command(BaseCommand):
    help = ("Rebuild the statistics summary tables from the visits, for all days or a range "
            "(after restoring a backup or correcting data outside the application).")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="day_from", type=date.fromisoformat)
        parser.add_argument("--to", dest="day_to", type=date.fromisoformat)

    def handle(self, *args, day_from, day_to, **options):
        span = Visit.objects.aggregate(first=Min("checked_in_at"), last=Max("checked_in_at"),
                                       last_booth=Max("booth_at"))
        if span["first"] is None:
            self.stdout.write("No visits; nothing to rebuild.")
            return
        day_from = day_from or local_day(span["first"])
        # A visit's booth-minutes count on the day it got its booth, which may be the day
        # after its check-in.
        day_to = day_to or local_day(max(m for m in (span["last"], span["last_booth"]) if m))
        if day_from > day_to:
            raise CommandError("--from must not be after --to")
        rebuild(Site.objects.values_list("pk", flat=True), day_from, day_to)
        self.stdout.write(f"Rebuilt the statistics from {day_from} to {day_to}.")

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from stofrum.sites.models import Site
from stofrum.staff.models import StaffMember
from stofrum.staff.roles import Role


class Command(BaseCommand):
    help = ("Load realistic synthetic data (no real people): persons, visits with the "
            "rhythm of a room, incidents, services, referrals, quarantines. Deterministic "
            "for a given --seed and --end.")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=2000)
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--visits-per-day", type=int, default=2450,
                            help="visits on an average day, all sites together")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--end", type=date.fromisoformat, default=None,
                            help="last day (default today)")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when there are visits already")

    def handle(self, *args, persons, days, visits_per_day, seed, end, if_empty, **options):
        from stofrum.audit.services import record
        from stofrum.stats.demo import Generator
        from stofrum.visits.models import Visit

        if persons < 1 or days < 1 or visits_per_day < 0:
            raise CommandError("--persons and --days must be at least 1")
        if not Site.objects.exists():
            raise CommandError("Load the sites first: python manage.py seed_sites")
        if if_empty and Visit.objects.exists():
            self.stdout.write("There are visits already; no demo data loaded.")
            return
        staff = StaffMember.objects.filter(username="demo-data").first()
        if staff is None:
            staff = StaffMember.objects.create(username="demo-data", role=Role.RECEPTION,
                                               is_active=False)
            staff.set_unusable_password()
            staff.save()
        started = time.monotonic()
        generator = Generator(persons=persons, days=days, visits_per_day=visits_per_day,
                              seed=seed, end=end or timezone.localdate(), staff=staff)
        try:
            with transaction.atomic():
                generator.make_persons()
        except IntegrityError as exc:
            raise CommandError("Demo data with this --seed is loaded already; choose another "
                               "--seed (or --if-empty).") from exc
        generator.make_visits()
        from stofrum.rounds.demo import make_rounds

        make_rounds(start=generator.start, end=generator.end, seed=seed, staff=staff,
                    now=timezone.now())
        record(None, "stats.demo_data_loaded", None, summary=(
            f"{generator.totals.persons} persons, {generator.totals.visits} visits"))
        if connection.vendor == "postgresql":
            # VACUUM sets the visibility map, so index-only scans work at once; it cannot
            # run inside a transaction (as in the tests), where ANALYZE must do.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        t = generator.totals
        self.stdout.write(f"Loaded {t.persons} persons, {t.visits} visits, {t.incidents} "
                          f"incidents, {t.services} services, {t.referrals} referrals in "
                          f"{time.monotonic() - started:.1f} s.")

from django.core.management.base import BaseCommand

from stofrum.rounds.services import seed_zones


class Command(BaseCommand):
    help = ("Load example zones around the five sites for rounds (idempotent; sites that "
            "have zones already are left as they are).")

    def handle(self, *args, **options):
        created = seed_zones()
        self.stdout.write(f"Created {created} zones.")

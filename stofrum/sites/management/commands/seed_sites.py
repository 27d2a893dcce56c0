from django.core.management.base import BaseCommand

from stofrum.sites.services import seed_sites


class Command(BaseCommand):
    help = "Load the five Copenhagen sites (idempotent: existing sites are left as they are)."

    def handle(self, *args, **options):
        created = seed_sites()
        if created:
            self.stdout.write("Created sites: " + ", ".join(s.slug for s in created))
        else:
            self.stdout.write("All sites already present; nothing changed.")

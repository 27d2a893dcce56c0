from django.core.management.base import BaseCommand

from stofrum.watch.services import sweep


class Command(BaseCommand):
    help = ("Booth watch: record and announce the occupied booths that went past their "
            "check interval (or escalated) since the last sweep. Safe to run from several "
            "places at once; the systemd timer deploy/stofrum-watch.timer runs it.")

    def handle(self, *args, **options):
        counts = sweep()
        self.stdout.write(f"overdue {counts['overdue']} escalated {counts['escalated']} "
                          f"closed {counts['closed']}")

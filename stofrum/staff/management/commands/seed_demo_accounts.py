from django.core.management.base import BaseCommand
from django.db import transaction

from stofrum.staff.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from stofrum.staff.models import StaffMember
from stofrum.staff.services import create_staff


class Command(BaseCommand):
    help = "DEMO ONLY: create one account per role with public passwords (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        for account in DEMO_ACCOUNTS:
            if StaffMember.objects.filter(username=account["username"]).exists():
                continue
            create_staff(None, account["username"], account["role"], account["sites"],
                         DEMO_PASSWORD, validate=False, totp_key=account["totp_key"])
            self.stdout.write(f"Demo account {account['username']} ({account['role']})")

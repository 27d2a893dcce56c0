from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from stofrum.staff.services import confirmed_device


class Command(BaseCommand):
    help = (
        "Print the current TOTP code of an account's authenticator (for the demo accounts, "
        "and for operators with server access helping a colleague who lost a phone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        from stofrum.staff.models import StaffMember

        staff = StaffMember.objects.filter(username=username).first()
        device = staff and confirmed_device(staff)
        if not device:
            raise CommandError("no such account with a confirmed authenticator")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")

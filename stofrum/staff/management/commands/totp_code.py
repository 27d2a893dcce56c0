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
        parser.add_argument(
            "--unused", action="store_true",
            help="A code not used yet: now's, or the next time step's when now's was used "
                 "(a sign-in accepts one step either side of now, each step once).")

    def handle(self, *args, username, unused=False, **options):
        from stofrum.staff.models import StaffMember

        staff = StaffMember.objects.filter(username=username).first()
        device = staff and confirmed_device(staff)
        if not device:
            raise CommandError("no such account with a confirmed authenticator")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if unused and device.last_t >= totp.t():
            # A sign-in at step now+1 moves the device's drift by one, so that step is now's
            # afterwards and the next unused one is again at most one step ahead.
            totp.time = device.t0 + (device.last_t + 1 - device.drift) * device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")

import sys

from django.core.management.base import BaseCommand, CommandError

from stofrum.errors import DomainError
from stofrum.staff.roles import Role
from stofrum.staff.services import create_staff


class Command(BaseCommand):
    help = (
        "Create a staff account. For roles that need two-factor login the enrolment URI "
        "(otpauth://...) is printed on a line of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--sites", default="",
                            help="comma-separated site slugs, e.g. h17,skyen")
        parser.add_argument("--password-stdin", action="store_true",
                            help="read the password from standard input")

    def handle(self, *args, username, role, sites, password_stdin, **options):
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            import getpass

            password = getpass.getpass("Password: ")
        slugs = [s.strip() for s in sites.split(",") if s.strip()]
        try:
            staff, uri = create_staff(None, username, role, slugs, password)
        except DomainError as exc:
            detail = "; ".join(exc.extra.get("reasons", [])) or str(exc.extra or "")
            raise CommandError(f"{exc.code}: {exc.message} {detail}".strip()) from exc
        self.stdout.write(f"Created {staff.username} ({staff.role})")
        if uri:
            self.stdout.write(uri)

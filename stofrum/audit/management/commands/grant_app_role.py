from django.core.management.base import BaseCommand, CommandError

from stofrum.audit.db_roles import RESTRICTED, grant_app_role
from stofrum.errors import DomainError


class Command(BaseCommand):
    help = ("PostgreSQL: give the application's role (which owns nothing) the rights it needs "
            "on every table: read and write, but only insert and read on the audit trail and "
            "the health journal. Run as the owner after every migrate; idempotent. Audited.")

    def add_arguments(self, parser):
        parser.add_argument("role")

    def handle(self, *args, **options):
        try:
            granted = grant_app_role(options["role"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        limited = ", ".join(f"{t} ({' '.join(granted[t])})" for t in RESTRICTED if t in granted)
        self.stdout.write(f"granted {options['role']} {len(granted)} tables; limited: {limited}")

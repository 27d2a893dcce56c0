"""Use cases for staff accounts: provisioning, logging in, two-factor, API tokens."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from stofrum.audit.services import record
from stofrum.errors import DomainError, Forbidden, InvalidInput
from stofrum.sites.models import Site
from stofrum.staff.models import ApiToken, StaffMember
from stofrum.staff.roles import Role

DEVICE_NAME = "authenticator"


def _sites_from_slugs(slugs: list[str]) -> list[Site]:
    sites = list(Site.objects.filter(slug__in=slugs))
    missing = set(slugs) - {s.slug for s in sites}
    if missing:
        raise DomainError("unknown_site", site=sorted(missing))
    return sites


@transaction.atomic
def create_staff(
    actor,
    username: str,
    role: str,
    site_slugs: list[str],
    password: str,
    *,
    validate: bool = True,
    totp_key: str | None = None,
) -> tuple[StaffMember, str | None]:
    """Create a staff account with a role and site memberships.

    For roles that need two-factor login a confirmed TOTP device is created and its
    enrolment URI (otpauth://...) returned, so provisioning can be scripted.
    Refuses: `invalid_input` (empty username), `unknown_role`, `unknown_site`,
    `username_taken`, `weak_password`. Emits `staff.created`.
    """
    username = (username or "").strip()
    if not username:
        raise InvalidInput("invalid_input", field="username")
    if role not in Role.values:
        raise DomainError("unknown_role", role=role)
    sites = _sites_from_slugs(site_slugs)
    if StaffMember.objects.filter(username__iexact=username).exists():
        raise DomainError("username_taken", status=409)
    staff = StaffMember(username=username, role=role, is_staff=role == Role.ADMIN)
    if validate:
        try:
            validate_password(password, staff)
        except ValidationError as exc:
            raise DomainError("weak_password", reasons=[str(m) for m in exc.messages]) from exc
    staff.set_password(password)
    staff.save()
    staff.sites.set(sites)
    uri = None
    if staff.needs_two_factor:
        device = TOTPDevice(user=staff, name=DEVICE_NAME, confirmed=True)
        if totp_key:
            device.key = totp_key
        device.save()
        uri = device.config_url
    record(actor, "staff.created", staff, summary=f"{username} ({role})",
           changes={"role": role, "sites": sorted(site_slugs)})
    return staff, uri


def confirmed_device(staff) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=staff, confirmed=True).first()


def pending_device(staff) -> TOTPDevice:
    """The unconfirmed device shown during enrolment (created on first call)."""
    device = TOTPDevice.objects.filter(user=staff, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=staff, name=DEVICE_NAME, confirmed=False)
    return device


def verify_otp(staff, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts `token`, or None (devices throttle failures)."""
    token = (token or "").strip().replace(" ", "")
    device = confirmed_device(staff)
    if device is None or not token.isdigit() or not device.verify_token(token):
        return None
    return device


@transaction.atomic
def confirm_enrolment(staff, token: str) -> TOTPDevice:
    """Confirm the pending TOTP device with a first code. Refuses `invalid_otp`.
    Emits `staff.two_factor.enrolled`."""
    device = pending_device(staff)
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or not device.verify_token(token):
        raise DomainError("invalid_otp")
    TOTPDevice.objects.filter(user=staff, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(staff, "staff.two_factor.enrolled", staff, summary=staff.username)
    return device


def record_login(staff, *, via: str) -> None:
    record(staff, "staff.login", staff, summary=via)


def record_login_failed(username: str, *, via: str) -> None:
    record(None, "staff.login_failed", None, object_type="staff.staffmember",
           summary=f"{via}: {username[:100]}")


def record_logout(staff, *, reason: str = "") -> None:
    record(staff, "staff.logout", staff, summary=reason)


def issue_api_token(request, username: str, password: str, otp: str | None) -> tuple[str, object]:
    """Exchange credentials (and a TOTP code where the role needs one) for a bearer token.

    Refuses: `locked_out` (403), `invalid_credentials` (401), `otp_required` (401),
    `invalid_otp` (401). Goes through django-axes, so failures count towards lock-out;
    failures are recorded outside the token transaction so that they are kept.
    Emits `staff.api_token.issued`.
    """
    staff = authenticate(request, username=username, password=password)
    if staff is None:
        if getattr(request, "axes_locked_out", False):
            raise DomainError("locked_out", status=403)
        record_login_failed(username, via="api")
        raise DomainError("invalid_credentials", status=401)
    if staff.needs_two_factor:
        if not otp:
            raise DomainError("otp_required", status=401)
        if verify_otp(staff, otp) is None:
            record_login_failed(username, via="api-otp")
            raise DomainError("invalid_otp", status=401)
    expires_at = timezone.now() + timedelta(hours=settings.STOFRUM_API_TOKEN_HOURS)
    with transaction.atomic():
        token, raw = ApiToken.issue(staff, expires_at)
        record(staff, "staff.api_token.issued", token,
               summary=f"expires {expires_at:%Y-%m-%d %H:%M}")
    return raw, expires_at


@transaction.atomic
def revoke_api_token(staff, token: ApiToken | None) -> None:
    """Revoke a bearer token (no-op for session callers). Emits `staff.api_token.revoked`."""
    if token is None:
        return
    record(staff, "staff.api_token.revoked", token)
    token.delete()


@transaction.atomic
def revoke_api_tokens(actor, staff, *, reason: str) -> int:
    """End every API token of `staff` at once (their password was reset, or their account
    deactivated). Returns how many; emits `staff.api_tokens.revoked` when there were any."""
    revoked, _ = ApiToken.objects.filter(staff=staff).delete()
    if revoked:
        record(actor, "staff.api_tokens.revoked", staff, summary=reason,
               changes={"tokens": revoked})
    return revoked


@transaction.atomic
def record_password_reset(actor, staff) -> None:
    """An administrator set a new password for `staff` (or turned password login off): the
    reset is audited (never the password) and the member's API tokens end, as their
    sessions do. Emits `staff.password_reset`."""
    record(actor, "staff.password_reset", staff, summary=staff.username,
           changes={"password_login": staff.has_usable_password()})
    revoke_api_tokens(actor, staff, reason="password_reset")


@transaction.atomic
def create_wall_screen(staff, site, name: str, *, show_names: bool = False):
    """Set up a wall screen for `site` (leader or administrator of the site). Returns the
    screen and its key, which is shown once and never stored. Emits `wall_screen.created`."""
    from stofrum.staff.models import WallScreen
    from stofrum.staff.roles import Capability

    if not staff.can(Capability.WALL_SCREENS, site):
        raise Forbidden()
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InvalidInput("invalid_input", field="name")
    raw, key_hash = WallScreen.new_key()
    screen = WallScreen.objects.create(site=site, name=name, show_names=bool(show_names),
                                       key_hash=key_hash, created_by=staff)
    record(staff, "wall_screen.created", screen, site=site,
           changes={"name": name, "show_names": screen.show_names})
    return screen, raw


@transaction.atomic
def revoke_wall_screen(staff, screen) -> None:
    """Revoke a wall screen: its open board goes dark within a minute. Audited."""
    from stofrum.staff.roles import Capability

    if not staff.can(Capability.WALL_SCREENS, screen.site):
        raise Forbidden()
    if screen.revoked_at is None:
        screen.revoked_at = timezone.now()
        screen.save(update_fields=["revoked_at"])
        record(staff, "wall_screen.revoked", screen, site=screen.site)

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from stofrum.staff.roles import (
    ALL_SITES_ROLES,
    TWO_FACTOR_ROLES,
    Capability,
    Role,
    capabilities_of,
)

# Which Django admin apps a capability opens, and whether only for reading. Health data,
# persons and visits are never edited in the admin.
ADMIN_APPS = {
    "sites": (Capability.SITES_MANAGE, False),
    "visits": (Capability.SITES_MANAGE, False),  # the substance code list
    "care": (Capability.SITES_MANAGE, False),  # services and referral targets
    "staff": (Capability.STAFF_MANAGE, False),
    "audit": (Capability.AUDIT_VIEW, True),
}


class StaffMember(AbstractUser):
    """A member of staff. Persons using the rooms are never accounts."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    sites = models.ManyToManyField(
        "sites.Site", blank=True, related_name="staff", verbose_name=_("sites")
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    @property
    def needs_two_factor(self) -> bool:
        return self.role in TWO_FACTOR_ROLES

    @property
    def sees_all_sites(self) -> bool:
        return self.role in ALL_SITES_ROLES

    def can(self, capability: str, site=None) -> bool:
        """Whether this staff member may do `capability` (at `site`, when given)."""
        if not self.is_active or capability not in capabilities_of(self.role):
            return False
        if site is None or self.sees_all_sites:
            return True
        return site.pk in self.site_ids

    @cached_property
    def site_ids(self) -> frozenset[int]:
        return frozenset(self.sites.values_list("pk", flat=True))

    def has_perm(self, perm, obj=None):
        """Django admin permissions follow the role (see ADMIN_APPS) besides any granted."""
        if super().has_perm(perm, obj):
            return True
        app_label, _, codename = perm.partition(".")
        return self._admin_may(app_label, codename)

    def has_module_perms(self, app_label):
        return super().has_module_perms(app_label) or self._admin_may(app_label, "view_")

    def _admin_may(self, app_label: str, codename: str) -> bool:
        if not self.is_active or not self.is_staff:
            return False
        capability, read_only = ADMIN_APPS.get(app_label, (None, True))
        if capability is None or not self.can(capability):
            return False
        return codename.startswith("view_") or not read_only

    def visible_sites(self):
        from stofrum.sites.models import Site

        if self.sees_all_sites:
            return Site.objects.all()
        return self.sites.all()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(expires_at__gt=timezone.now(), staff__is_active=True)

    def lookup(self, raw: str):
        return self.valid().select_related("staff").filter(key_hash=_hash_token(raw)).first()


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored."""

    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.staff.username} until {self.expires_at:%Y-%m-%d %H:%M}"

    @classmethod
    def issue(cls, staff, expires_at) -> tuple["ApiToken", str]:
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(staff=staff, key_hash=_hash_token(raw), expires_at=expires_at)
        return token, raw



class WallScreenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def lookup(self, raw: str):
        if not raw or len(raw) > 100:
            return None
        return self.active().select_related("site").filter(key_hash=_hash_token(raw)).first()


class WallScreen(models.Model):
    """A screen on the wall of one site: shows its board and alarms and never logs out.

    Its credential (a random key, only its SHA-256 stored) opens nothing else: no person
    page, no action, no other site. A screen that faces the room shows no aliases or
    person codes (`show_names` off)."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="wall_screens",
                             verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=80)
    show_names = models.BooleanField(_("show aliases and person codes"), default=False)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = WallScreenQuerySet.as_manager()

    class Meta:
        verbose_name = _("wall screen")
        verbose_name_plural = _("wall screens")
        ordering = ["site", "name"]

    def __str__(self):
        return f"{self.site.slug}: {self.name}"

    @classmethod
    def new_key(cls) -> tuple[str, str]:
        raw = secrets.token_urlsafe(32)
        return raw, _hash_token(raw)

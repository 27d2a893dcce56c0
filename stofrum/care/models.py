"""Services (ydelser) and referrals (brobygning), DOMAIN.md §7."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stofrum.care.choices import CLOSED_STATUSES, ReferralStatus
from stofrum.codelists import CodeListEntry


class ServiceKind(CodeListEntry):
    """What staff did besides supervising: first aid, wound care, advice, ... (editable)."""

    class Meta(CodeListEntry.Meta):
        verbose_name = _("kind of service")
        verbose_name_plural = _("kinds of service")


class ReferralTarget(CodeListEntry):
    """Where a person is bridged to: health clinic, GP, drug treatment, ... (editable)."""

    class Meta(CodeListEntry.Meta):
        verbose_name = _("referral target")
        verbose_name_plural = _("referral targets")


class Service(models.Model):
    """One service given at a site, to a known person (and visit) or anonymously."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(ServiceKind, on_delete=models.PROTECT, related_name="services")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="services")
    visit = models.ForeignKey("visits.Visit", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="services")
    note = models.TextField(_("note"), blank=True)
    given_at = models.DateTimeField(_("given at"), db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["site", "given_at"])]

    def __str__(self):
        return f"{self.kind.code} {self.given_at:%Y-%m-%d %H:%M}"


class Referral(models.Model):
    """Bridge-building to another part of the health, social or employment system, with
    its status and a date to follow it up."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="referrals")
    visit = models.ForeignKey("visits.Visit", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="referrals")
    target = models.ForeignKey(ReferralTarget, on_delete=models.PROTECT,
                               related_name="referrals")
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices,
                              default=ReferralStatus.SUGGESTED)
    note = models.TextField(_("note"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["site", "follow_up_on"], name="referral_follow_up",
                         condition=Q(closed_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, status__in=["suggested", "contacted",
                                                                "appointment"])
                | Q(closed_at__isnull=False, status__in=sorted(CLOSED_STATUSES)),
                name="referral_closed_iff_final_status"),
        ]

    def __str__(self):
        return f"{self.person.code} → {self.target.code} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

"""Rounds in the streets around a site (nærmiljørunder, DOMAIN.md §13): the zones a site
walks, how often a round is due, and each round with its counts. A count of people seen
using in public is never an identity: nothing here names a person."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# A round is due this often at a site without a schedule of its own (README, "Rounds").
DEFAULT_EVERY_MINUTES = 180


class Zone(models.Model):
    """A named area around a site that rounds cover (kept by administrators)."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["site", "sort_order", "name"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        constraints = [models.UniqueConstraint(fields=["site", "code"],
                                               name="zone_code_unique_per_site")]

    def __str__(self):
        return self.name


class RoundSchedule(models.Model):
    """How often a round is due at a site while it is open; 0: rounds are never due."""

    site = models.OneToOneField("sites.Site", on_delete=models.CASCADE, primary_key=True,
                                related_name="+")
    every_minutes = models.PositiveIntegerField(
        _("a round is due every (minutes)"), default=DEFAULT_EVERY_MINUTES,
        help_text=_("While the site is open. 0: no rounds are due."))

    class Meta:
        verbose_name = _("round schedule")
        verbose_name_plural = _("round schedules")

    def __str__(self):
        return f"{self.site_id}: {self.every_minutes} min"


class Round(models.Model):
    """One round around a site: when, where, and what was collected, seen and said."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    zones = models.ManyToManyField(Zone, blank=True, related_name="rounds")
    syringes = models.PositiveIntegerField(_("syringes and needles collected"), default=0)
    litter = models.PositiveIntegerField(_("other drug litter collected"), default=0)
    public_use_seen = models.PositiveIntegerField(_("people seen using in public"),
                                                  default=0)
    contacts_neighbours = models.PositiveIntegerField(_("talks with neighbours"), default=0)
    contacts_shops = models.PositiveIntegerField(_("talks with shops"), default=0)
    contacts_police = models.PositiveIntegerField(_("talks with the police"), default=0)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-ended_at"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        indexes = [models.Index(fields=["site", "ended_at"], name="round_site_ended")]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__gte=F("started_at")),
                                   name="round_ends_after_it_starts"),
        ]

    def __str__(self):
        return f"{self.site_id} {self.ended_at:%Y-%m-%d %H:%M}"

    @property
    def contacts(self) -> dict:
        return {"neighbours": self.contacts_neighbours, "shops": self.contacts_shops,
                "police": self.contacts_police}

"""Reports from neighbours (the surrounding environment, nærmiljø): a syringe found, drug
litter, use in public, a disturbance or another concern near a room, sent by anyone on
the public page or the API without login.

`contact` is personal data about someone who is not a user of the rooms: shown only to
the staff of the report's site (of no site: the leaders), never in statistics or exports,
and removed by `apply_retention` STOFRUM_NEIGHBOUR_CONTACT_DAYS after the report is
closed (`contact_removed_at` says it was)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stofrum.neighbours.choices import ReportKind, ReportOutcome

PLACE_MAX = 200
CONTACT_MAX = 200


class NeighbourReport(models.Model):
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    kind = models.CharField(_("what"), max_length=20, choices=ReportKind.choices)
    place = models.CharField(_("where"), max_length=PLACE_MAX)
    text = models.TextField(_("more about it"), blank=True)
    contact = models.CharField(_("how to answer you"), max_length=CONTACT_MAX, blank=True)
    received_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReportOutcome.choices,
                               blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    contact_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("report from a neighbour")
        verbose_name_plural = _("reports from neighbours")
        constraints = [
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True, outcome="")
                           | Q(closed_at__isnull=False) & ~Q(outcome="")),
                name="neighbour_report_closed_with_outcome"),
            models.CheckConstraint(condition=Q(contact_removed_at__isnull=True) | Q(contact=""),
                                   name="neighbour_report_removed_contact_is_empty"),
        ]
        indexes = [models.Index(fields=["site", "closed_at"], name="neighbour_report_open")]

    def __str__(self):
        return f"{self.kind} {self.received_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def pickup_minutes(self) -> int | None:
        """Whole minutes from the report to its pickup (closing), or None while open."""
        if self.closed_at is None:
            return None
        return max(0, int((self.closed_at - self.received_at).total_seconds() // 60))

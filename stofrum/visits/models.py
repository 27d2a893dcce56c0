import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stofrum.codelists import CodeListEntry
from stofrum.lookups import at_sites_of
from stofrum.visits.choices import OPEN_STATES, RefusalCode, VisitState


class Substance(CodeListEntry):
    """Code list of substances (API.md), extendable in the admin."""

    class Meta(CodeListEntry.Meta):
        verbose_name = _("substance")
        verbose_name_plural = _("substances")


class VisitQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def for_staff(self, staff):
        return at_sites_of(self, staff)


class Visit(models.Model):
    """One check-in for one consumption (besøg / indtag)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="visits")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="visits")
    method = models.ForeignKey("sites.IntakeMethod", on_delete=models.PROTECT, related_name="+")
    substances = models.ManyToManyField(Substance, related_name="visits")
    state = models.CharField(max_length=12, choices=VisitState.choices)
    booth = models.ForeignKey(
        "sites.Booth", on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    checked_in_at = models.DateTimeField(default=timezone.now)
    # The arrival number at the site, allocated at check-in under a row lock on the site
    # (visits.services): the queue is ordered by it, and the position told at the door is
    # counted by it. Unique per site in the database. Empty for visits from before it
    # existed (and bulk-loaded demo data); those come first, by check-in time.
    queue_number = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    booth_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assisted_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assistant_assessment = models.TextField(blank=True)
    assistance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    assistance_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_in_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            # The database, not Python, guarantees these under concurrent check-ins.
            models.UniqueConstraint(
                fields=["person"], condition=Q(state__in=OPEN_STATES),
                name="visit_one_open_per_person",
            ),
            models.UniqueConstraint(
                fields=["booth"], condition=Q(state=VisitState.IN_BOOTH),
                name="visit_one_per_booth",
            ),
            # No two visits at a site share an arrival number, so no two people are told
            # the same place in the queue.
            models.UniqueConstraint(
                fields=["site", "queue_number"], name="visit_queue_number_unique_per_site",
            ),
            models.CheckConstraint(
                condition=~Q(state=VisitState.IN_BOOTH) | Q(booth__isnull=False),
                name="visit_in_booth_has_booth",
            ),
            models.CheckConstraint(
                condition=Q(assisted_by__isnull=True) | ~Q(assisted_by=models.F("person")),
                name="visit_assistant_is_another_person",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "state", "checked_in_at"]),
            # Covering: statistics count distinct persons by site and time from the index
            # alone (an index-only scan), without reading millions of visit rows.
            models.Index(fields=["site", "checked_in_at"], include=["person", "state"],
                         name="visit_site_time_cover"),
            models.Index(fields=["person", "-checked_in_at"]),
            # The board's check-outs that can still be undone (`recent_checkouts`): the
            # last minutes of a site's check-outs, not every visit the site ever had
            # (47 → 0.1 ms on 400,000 visits).
            models.Index(fields=["site", "ended_at"], name="visit_site_ended"),
        ]

    def __str__(self):
        return f"{self.site.slug} {self.person.code} {self.state}"

    @property
    def is_assisted(self) -> bool:
        return self.assisted_by_id is not None


class RefusedCheckIn(models.Model):
    """A check-in the rules refused, so "turned away, and why" can be counted (§12).
    No person data beyond the person code."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40, choices=RefusalCode.choices)
    at = models.DateTimeField(default=timezone.now)
    person_code = models.CharField(max_length=12, blank=True)
    method = models.CharField(max_length=30, blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["site", "at"])]

    def __str__(self):
        return f"{self.site.slug} {self.code} {self.at:%Y-%m-%d %H:%M}"

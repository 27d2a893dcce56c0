"""Summary tables for statistics at city scale (DOMAIN.md §11: about a million visits a
year). Each row aggregates the visits of one site and one Copenhagen calendar day, so a
year's figures add up some thousand rows instead of scanning a million visits.

They are derived data, never edited by hand: stofrum/stats/summaries.py rebuilds a site's
day from the visits. Use cases that change visits mark the day as stale (StaleDay) in
their own transaction, and every statistics read first rebuilds the stale days, so the
figures are always those of the visits.
"""

from django.db import models


class StaleDay(models.Model):
    """A mark that a site's day must be rebuilt before its summaries are read.

    Marks are only ever inserted (never upserted), one per change, so concurrent check-ins
    never wait on each other for them. A mark commits with the visit it is about, so a
    rebuild that sees the mark sees the visit; marks still being written are invisible to
    it and are left for the next read."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    def __str__(self):
        return f"{self.site_id} {self.day}"


class VisitDay(models.Model):
    """Check-ins of one site and day by intake method, gender, age band, whether the
    intake was assisted and whether the person left the queue instead."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    method = models.ForeignKey("sites.IntakeMethod", on_delete=models.CASCADE,
                               related_name="+")
    gender = models.CharField(max_length=10)
    age_band = models.CharField(max_length=8)
    assisted = models.BooleanField()
    left_queue = models.BooleanField()
    visits = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "site"])]

    def __str__(self):
        return f"{self.site_id} {self.day} {self.visits}"


class MunicipalityDay(models.Model):
    """Visits (consumptions) of one site and day by the person's home municipality."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    municipality = models.CharField(max_length=20)
    visits = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "site"])]

    def __str__(self):
        return f"{self.site_id} {self.day} {self.municipality}"


class SubstanceDay(models.Model):
    """Visits of one site and day that named a substance (a visit may name several)."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    substance = models.ForeignKey("visits.Substance", on_delete=models.CASCADE,
                                  related_name="+")
    visits = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "site"])]

    def __str__(self):
        return f"{self.site_id} {self.day} {self.substance_id}"


class HourDay(models.Model):
    """Check-ins, booth-minutes and waits of one site, day and hour of the day (the hour
    a visit got its booth; booth-minutes are counted in that hour)."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    check_ins = models.PositiveIntegerField(default=0)
    booth_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "site"])]

    def __str__(self):
        return f"{self.site_id} {self.day} {self.hour}"


class WaitDay(models.Model):
    """How many visits of one site and day waited this many whole minutes for a booth
    (capped at WAIT_CAP_MINUTES), for the median and 90th percentile of waits."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    visits = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "site"])]

    def __str__(self):
        return f"{self.site_id} {self.day} {self.minutes}"

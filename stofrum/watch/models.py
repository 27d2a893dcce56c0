"""Booth watch (DOMAIN.md §4, heightened attention): how often staff look in on an occupied
booth, each look-in, and each time a booth went past its check interval without one.

Nothing here is a timer: whether a booth is overdue is worked out from these rows and the
visit whenever anyone asks (stofrum/watch/services.py), so every process, and one just
restarted, gives the same answer. `Overdue` rows record that it happened: one per overdue
period, claimed by the first process to see it (a unique constraint), so `booth_overdue`
goes out once, and escalation is claimed the same way (a conditional UPDATE)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_MINUTES, MAX_MINUTES = 1, 120


class CheckInterval(models.Model):
    """A site's check interval for one intake method: minutes an occupied booth may go
    without a look-in, shorter for an assisted intake. Without a row the defaults of
    `stofrum.watch.services.DEFAULT_MINUTES` apply."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    method = models.ForeignKey("sites.IntakeMethod", on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("intake method"))
    minutes = models.PositiveSmallIntegerField(
        _("minutes without a look-in"),
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)])
    assisted_minutes = models.PositiveSmallIntegerField(
        _("minutes without a look-in (assisted intake)"),
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)])
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("booth check interval")
        verbose_name_plural = _("booth check intervals")
        constraints = [
            models.UniqueConstraint(fields=["site", "method"],
                                    name="watch_interval_one_per_site_method"),
            models.CheckConstraint(
                condition=Q(minutes__gte=MIN_MINUTES, minutes__lte=MAX_MINUTES,
                            assisted_minutes__gte=MIN_MINUTES,
                            assisted_minutes__lte=MAX_MINUTES),
                name="watch_interval_minutes_in_range"),
        ]

    def __str__(self):
        return f"{self.site_id} {self.method_id} {self.minutes}/{self.assisted_minutes}"


class LookIn(models.Model):
    """A staff member looked in on the person in the booth ("Tjekket")."""

    visit = models.ForeignKey("visits.Visit", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    booth = models.ForeignKey("sites.Booth", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("look-in")
        verbose_name_plural = _("look-ins")
        indexes = [models.Index(fields=["visit", "at"])]

    def __str__(self):
        return f"{self.visit_id} {self.at:%H:%M}"


class Resolution(models.TextChoices):
    LOOK_IN = "look_in", _("Looked in")
    ALARM = "alarm", _("Alarm raised")
    LEFT_BOOTH = "left_booth", _("Left the booth")


class Overdue(models.Model):
    """One overdue period of an occupied booth: from `due_at` (the last look-in, or entering
    the booth, plus the interval) until someone looked in, raised the alarm, or the visit
    left the booth. `anchor_at` is that last look-in or entry: one row per visit and
    anchor, so two processes that see the same overdue booth cannot both announce it."""

    visit = models.ForeignKey("visits.Visit", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    booth = models.ForeignKey("sites.Booth", on_delete=models.PROTECT, related_name="+")
    assisted = models.BooleanField(default=False)
    anchor_at = models.DateTimeField()
    due_at = models.DateTimeField()
    noticed_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=12, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("overdue booth")
        verbose_name_plural = _("overdue booths")
        constraints = [
            models.UniqueConstraint(fields=["visit", "anchor_at"],
                                    name="watch_overdue_once_per_period"),
        ]
        indexes = [models.Index(fields=["site", "due_at"]),
                   models.Index(fields=["resolved_at"], name="watch_overdue_open",
                                condition=Q(resolved_at__isnull=True))]

    def __str__(self):
        return f"{self.booth_id} {self.due_at:%Y-%m-%d %H:%M}"

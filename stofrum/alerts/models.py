import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertSource(models.TextChoices):
    CLUSTER = "cluster", _("Cluster of overdoses")
    MANUAL = "manual", _("Raised by a leader")


class DrugAlertQuerySet(models.QuerySet):
    def active(self, now):
        """In force at `now`: not ended by a leader or marked ended, and its end (the last
        case, or the start of a manual alert, plus STOFRUM_DRUG_ALERT_HOURS) still ahead."""
        return self.filter(ended_at__isnull=True, ends_at__gt=now)


class DrugAlert(models.Model):
    """A warning to every room about one substance: raised by a cluster of overdoses with
    it (stofrum/alerts/services.py) or by a leader. It holds no person data: a substance,
    times, counts and the sites where its overdoses happened.

    It ends by itself at `ends_at`, derived from the data (last case + the window), so no
    timer is needed; `ended_at` is set when a leader ends it, or, once `ends_at` has passed,
    when the substance is next evaluated (to `ends_at`). At most one alert per substance is
    not yet ended (`drug_alert_one_open_per_substance`): concurrent overdoses raise one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    substance = models.ForeignKey("visits.Substance", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("substance"))
    source = models.CharField(_("source"), max_length=10, choices=AlertSource.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("started"))
    # The overdoses it counts: those with the substance from `first_case_at` (a manual
    # alert: from its start) until it ends.
    first_case_at = models.DateTimeField(null=True, blank=True)
    last_case_at = models.DateTimeField(null=True, blank=True)
    incident_count = models.PositiveIntegerField(_("overdoses"), default=0)
    case_sites = models.JSONField(default=list, blank=True)
    ends_at = models.DateTimeField(_("ends"))
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")

    objects = DrugAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("drug alert")
        verbose_name_plural = _("drug alerts")
        indexes = [models.Index(fields=["ended_at", "ends_at"]),
                   models.Index(fields=["started_at"])]
        constraints = [
            models.UniqueConstraint(fields=["substance"],
                                    condition=models.Q(ended_at__isnull=True),
                                    name="drug_alert_one_open_per_substance"),
            models.CheckConstraint(condition=models.Q(source__in=AlertSource.values),
                                   name="drug_alert_source_known"),
        ]

    def __str__(self):
        return f"{self.substance_id} {self.source} {self.started_at:%Y-%m-%d %H:%M}"


class Acknowledgement(models.Model):
    """A site has seen the alert ("Acknowledge for this site"): once per site."""

    alert = models.ForeignKey(DrugAlert, on_delete=models.CASCADE,
                              related_name="acknowledgements")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        constraints = [models.UniqueConstraint(fields=["alert", "site"],
                                               name="drug_alert_acknowledged_once_per_site")]

    def __str__(self):
        return f"{self.alert_id} at {self.site_id}"

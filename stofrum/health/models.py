import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stofrum.health.choices import (
    DisclosureConsent,
    IncidentKind,
    InterventionKind,
    NaloxoneRoute,
    Outcome,
)


class IncidentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class Incident(models.Model):
    """An overdose or other acute event at a site: the alarm, then the record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(_("kind"), max_length=30, choices=IncidentKind.choices,
                            default=IncidentKind.UNKNOWN)
    visit = models.ForeignKey("visits.Visit", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="incidents")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="incidents")
    booth = models.ForeignKey("sites.Booth", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    started_at = models.DateTimeField(_("onset"), default=timezone.now)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices,
                               blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [models.Index(fields=["site", "closed_at", "started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | ~models.Q(outcome=""),
                name="incident_closed_has_outcome",
            ),
            # One alarm per emergency: a second alarm on the visit joins the open incident
            # (stofrum/health/services.py raise_alarm), and concurrent alarms cannot race.
            models.UniqueConstraint(
                fields=["visit"], condition=models.Q(closed_at__isnull=True,
                                                     visit__isnull=False),
                name="incident_one_open_per_visit",
            ),
        ]

    def __str__(self):
        return f"{self.site.slug} {self.kind} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Responder(models.Model):
    """A staff member who acknowledged the alarm ("I'm on it")."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="responders")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]
        constraints = [models.UniqueConstraint(fields=["incident", "staff"],
                                               name="responder_once_per_incident")]

    def __str__(self):
        return f"{self.staff} on {self.incident_id}"


class Intervention(models.Model):
    """One thing done during an incident, with its time (editable afterwards, audited)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT,
                                 related_name="interventions")
    kind = models.CharField(_("intervention"), max_length=30, choices=InterventionKind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    dose_mg = models.DecimalField(_("dose (mg)"), max_digits=5, decimal_places=2, null=True,
                                  blank=True)
    route = models.CharField(_("route"), max_length=4, choices=NaloxoneRoute.choices,
                             blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "recorded_at"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self):
        return f"{self.kind} {self.at:%H:%M:%S}"


class AppendOnlyError(Exception):
    """Journal records are never changed or deleted: a correction is an addendum."""


class PatientIdentifier(models.Model):
    """One CPR number (real or fictitious), encrypted, shared by all journals of the same
    patient. It lives apart from the append-only journal so that a key rotation can
    re-encrypt it in place; the keyed hash finds it again without decrypting anything."""

    ciphertext = models.BinaryField()
    cpr_hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16)
    fictitious = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("patient identifier")
        verbose_name_plural = _("patient identifiers")

    def __str__(self):
        return f"patient {self.pk}"


class JournalRecord(models.Model):
    """The health record written after treatment (journaliseringspligt).

    The CPR number exists only in its PatientIdentifier, encrypted (stofrum/health/vault.py)
    and found again by a keyed hash, so that journals of the same patient link.
    Append-only: the application never updates or deletes a record, and on PostgreSQL a
    trigger refuses it; a correction is a new record whose `addendum_to` points at it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="journals")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    addendum_to = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="addenda")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)
    treated_by = models.CharField(_("treated by"), max_length=300)
    treated_at = models.DateTimeField(_("treated at"))
    assessment = models.TextField(_("assessment"))
    treatment = models.TextField(_("treatment given"))
    information_given = models.TextField(_("information given to the person"), blank=True)
    disclosure_consent = models.CharField(_("consent to disclose to the Region"), max_length=12,
                                          choices=DisclosureConsent.choices)
    patient = models.ForeignKey(PatientIdentifier, on_delete=models.PROTECT,
                                related_name="journals")
    retain_until = models.DateField(_("keep until"))

    class Meta:
        ordering = ["-written_at"]
        verbose_name = _("journal record")
        verbose_name_plural = _("journal records")

    def __str__(self):
        return f"journal {self.pk} ({self.written_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("journal records cannot be changed; write an addendum")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("journal records cannot be deleted")


class Disclosure(models.Model):
    """Information from a journal passed to the Region, with the person's consent."""

    journal = models.ForeignKey(JournalRecord, on_delete=models.PROTECT,
                                related_name="disclosures")
    to_whom = models.CharField(_("disclosed to"), max_length=200)
    disclosed_at = models.DateTimeField(auto_now_add=True)
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")

    def __str__(self):
        return f"{self.journal_id} to {self.to_whom}"

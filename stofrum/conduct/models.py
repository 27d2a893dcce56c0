from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class QuarantineKind(models.TextChoices):
    QUARANTINE = "quarantine", _("Quarantine")
    DAY_EXCLUSION = "day_exclusion", _("Excluded for the rest of the day")


class Violation(models.Model):
    """A breach of the house rules, recorded by staff (what happened, which rule, when)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="violations")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("when"))
    rule = models.CharField(_("which rule"), max_length=200)
    description = models.TextField(_("what happened"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")

    def __str__(self):
        return f"{self.person.code} {self.occurred_at:%Y-%m-%d}: {self.rule}"


class QuarantineQuerySet(models.QuerySet):
    def in_force(self, day):
        """Quarantines running on the Copenhagen calendar day `day` (both ends inclusive)."""
        return self.filter(starts_on__lte=day, ends_on__gte=day, lifted_at__isnull=True)

    def covering(self, site):
        return self.filter(Q(all_sites=True) | Q(sites=site)).distinct()


class Quarantine(models.Model):
    """A leader's decision that a person may not use one, several or all sites from one
    date until another, both included (karantæne); or staff's exclusion of a person from
    one site for the rest of the day. It ends by itself after `ends_on` (Copenhagen
    calendar days); a leader may lift it early with a reason."""

    kind = models.CharField(_("kind"), max_length=20, choices=QuarantineKind.choices,
                            default=QuarantineKind.QUARANTINE)
    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="quarantines")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="quarantines")
    all_sites = models.BooleanField(_("all sites"), default=False)
    sites = models.ManyToManyField("sites.Site", blank=True, related_name="+")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    lift_reason = models.TextField(blank=True)

    objects = QuarantineQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("quarantine")
        verbose_name_plural = _("quarantines")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="quarantine_ends_after_start"),
            models.CheckConstraint(
                condition=Q(kind="quarantine") | Q(ends_on=models.F("starts_on"),
                                                   all_sites=False),
                name="day_exclusion_is_one_day_one_site"),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""),
                name="quarantine_lift_has_reason"),
        ]

    def __str__(self):
        return f"{self.person.code} {self.starts_on}–{self.ends_on}"

    def in_force_on(self, day) -> bool:
        return self.lifted_at is None and self.starts_on <= day <= self.ends_on

    def scope_label(self) -> str:
        if self.all_sites:
            return str(_("all sites"))
        return ", ".join(s.name for s in self.sites.all())

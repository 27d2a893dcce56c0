from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class QuarantineQuerySet(models.QuerySet):
    def in_force(self, day):
        """Quarantines running on the Copenhagen calendar day `day` (both ends inclusive)."""
        return self.filter(starts_on__lte=day, ends_on__gte=day, lifted_at__isnull=True)

    def covering(self, site):
        return self.filter(Q(all_sites=True) | Q(sites=site)).distinct()


class Quarantine(models.Model):
    """A leader's decision that a person may not use one, several or all sites until a
    date (karantæne). The conduct issue adds violations and the decision flow."""

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
        ]

    def __str__(self):
        return f"{self.person.code} {self.starts_on}–{self.ends_on}"

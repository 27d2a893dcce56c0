from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
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
    # When the rule was picked from the site's house rules: that version and the line's
    # number in it (from 1); both empty for "other" (the rule written in `rule`).
    house_rules = models.ForeignKey("sites.HouseRules", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    rule_number = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.TextField(_("what happened"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        constraints = [
            models.CheckConstraint(
                condition=Q(house_rules__isnull=True, rule_number__isnull=True)
                | Q(house_rules__isnull=False, rule_number__gte=1),
                name="violation_rule_picked_with_its_number"),
        ]

    def __str__(self):
        return f"{self.person.code} {self.occurred_at:%Y-%m-%d}: {self.rule}"


# An exclusion for the rest of the day never lasts longer than this (a database check).
EXCLUSION_MAX = timedelta(hours=24)


class QuarantineQuerySet(models.QuerySet):
    def in_force_at(self, moment):
        """Quarantines in force at `moment`: a quarantine on every Copenhagen calendar day
        from its first to its last (both included); an exclusion for the rest of the day
        from the moment it was made until the site's day ended (`ends_at`). The one rule
        check-in asks (stofrum/visits/rules.py); `Quarantine.in_force_at` is the same."""
        day = timezone.localdate(moment)
        return self.filter(starts_on__lte=day, ends_on__gte=day, lifted_at__isnull=True).filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=moment),
            Q(ends_at__isnull=True) | Q(ends_at__gt=moment))

    def covering(self, site):
        return self.filter(Q(all_sites=True) | Q(sites=site)).distinct()


def in_force_covering_sql(alias: str, site_id: int, moment) -> tuple[str, list]:
    """`in_force_at(moment).covering(site)` as a SQL condition on the quarantine row named
    `alias`, with its parameters: for the door's one hand-written query of a person's facts
    (stofrum/visits/rules.py `person_facts`), which would otherwise build the ORM's
    subqueries on every check-in. The same rule as the queryset's just above and
    `Quarantine.in_force_at`; stofrum/conduct/tests/test_in_force_forms.py checks that
    the three agree."""
    from django.db import connection

    day = connection.ops.adapt_datefield_value(timezone.localdate(moment))
    at = connection.ops.adapt_datetimefield_value(moment)
    sites = Quarantine.sites.through._meta.db_table
    sql = (f"{alias}.starts_on <= %s AND {alias}.ends_on >= %s"  # noqa: S608 - names only
           f" AND {alias}.lifted_at IS NULL"
           f" AND ({alias}.starts_at IS NULL OR {alias}.starts_at <= %s)"
           f" AND ({alias}.ends_at IS NULL OR {alias}.ends_at > %s)"
           f" AND ({alias}.all_sites OR EXISTS (SELECT 1 FROM {sites} s"
           f" WHERE s.quarantine_id = {alias}.id AND s.site_id = %s))")
    return sql, [day, day, at, at, site_id]


class Quarantine(models.Model):
    """A leader's decision that a person may not use one, several or all sites from one
    date until another, both included (karantæne); or staff's exclusion of a person from
    one site for the rest of the day. A quarantine ends by itself after `ends_on`
    (Copenhagen calendar days); an exclusion at `ends_at`, when the site's day ends (its
    closing time, or the day boundary for a room open around the clock), with `starts_on`
    and `ends_on` the calendar days it touches. A leader may lift either early with a
    reason."""

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
    # Exclusions only: the moments it starts and ends (quarantines run in whole days).
    starts_at = models.DateTimeField(_("from (time)"), null=True, blank=True)
    ends_at = models.DateTimeField(_("until (time)"), null=True, blank=True)
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
                condition=Q(kind="quarantine", starts_at__isnull=True, ends_at__isnull=True)
                | Q(kind="day_exclusion", all_sites=False, starts_at__isnull=False,
                    ends_at__isnull=False, ends_at__gt=F("starts_at"),
                    ends_at__lte=F("starts_at") + EXCLUSION_MAX),
                name="day_exclusion_is_bounded_one_site"),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""),
                name="quarantine_lift_has_reason"),
        ]

    def __str__(self):
        return f"{self.person.code} {self.starts_on}–{self.ends_on}"

    def in_force_at(self, moment) -> bool:
        """The same rule as `Quarantine.objects.in_force_at`, for one loaded row."""
        day = timezone.localdate(moment)
        return (self.lifted_at is None and self.starts_on <= day <= self.ends_on
                and (self.starts_at is None or self.starts_at <= moment)
                and (self.ends_at is None or moment < self.ends_at))

    def is_over_at(self, moment) -> bool:
        """Ended by itself (not lifted) before `moment`."""
        if self.ends_at is not None:
            return self.ends_at <= moment
        return self.ends_on < timezone.localdate(moment)

    @property
    def is_exclusion(self) -> bool:
        return self.kind == QuarantineKind.DAY_EXCLUSION

    def scope_label(self) -> str:
        if self.all_sites:
            return str(_("all sites"))
        return ", ".join(s.name for s in self.sites.all())

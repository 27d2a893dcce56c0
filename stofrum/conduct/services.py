"""Use cases for house-rule violations, quarantines and exclusions for the day
(DOMAIN.md §8). Check-in refuses a person while a quarantine covering the site is in force
(stofrum/visits/rules.py); a quarantine ends by itself after its last day, in Copenhagen
time, without any job having to run.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from stofrum.audit.services import record
from stofrum.conduct.models import Quarantine, QuarantineKind, Violation
from stofrum.errors import DomainError, Forbidden, InvalidInput, NotFound
from stofrum.lookups import at_sites_of, by_int_pk
from stofrum.sites.models import Site
from stofrum.staff.roles import Capability
from stofrum.text import SHORT_TEXT_MAX, clean_text

ALL_SITES = "all"


def _may_see(staff, quarantine: Quarantine) -> bool:
    if not (staff.can(Capability.CONDUCT_RECORD) or staff.can(Capability.QUARANTINE_DECIDE)):
        return False
    if quarantine.all_sites or staff.sees_all_sites:
        return True
    return any(s.pk in staff.site_ids for s in quarantine.sites.all())


def get_quarantine_for(staff, quarantine_id) -> Quarantine:
    """The quarantine if it covers one of the staff member's sites (or all), else
    `not_found`; `forbidden` for a role that neither records conduct nor decides."""
    if not (staff.can(Capability.CONDUCT_RECORD) or staff.can(Capability.QUARANTINE_DECIDE)):
        raise Forbidden()
    quarantine = by_int_pk(Quarantine.objects.select_related("person")
                           .prefetch_related("sites"), quarantine_id)
    if quarantine is None or not _may_see(staff, quarantine):
        raise NotFound()
    return quarantine


OTHER_RULE = "other"


def house_rule_choices(site) -> list[tuple[str, str]]:
    """The rules a violation at `site` can name: each line of the site's current house
    rules (shared, then its own), as (`<version id>:<line number>`, the line), in the
    current language. Anything else is "other", written out."""
    from stofrum.sites.services import current_house_rules

    return [(f"{rules.pk}:{n}", line) for rules in current_house_rules(site)
            for n, line in enumerate(rules.lines(), start=1)]


def _picked_rule(site, rule_ref: str):
    """(house rules, line number, line) for a rule picked from `site`'s current rules."""
    from stofrum.sites.services import current_house_rules

    rules_pk, _sep, number = (rule_ref or "").partition(":")
    for rules in current_house_rules(site):
        if str(rules.pk) == rules_pk and number.isdigit():
            lines = rules.lines()
            if 1 <= int(number) <= len(lines):
                return rules, int(number), lines[int(number) - 1][:SHORT_TEXT_MAX]
    raise InvalidInput("unknown_rule", field="rule")


def record_violation(staff, person, site, *, rule: str = "", description: str,
                     occurred_at=None, rule_ref: str | None = None,
                     exclude_today: bool = False) -> Violation:
    """Record a breach of the house rules at `site`: which rule, what happened, when. The
    rule is picked from the site's current house rules (`rule_ref`, see
    `house_rule_choices`), or is "other" (or absent) and written out in `rule`.
    With `exclude_today` the person is also excluded from `site` for the rest of its day
    (`exclude_for_today`, the description as the reason), in the same transaction: both
    are recorded or neither. The exclusion is then `violation.exclusion` (else None).

    Refuses: (400) `text_required`, `text_too_long`, `unknown_rule` (not a current rule of
    the site); (422) `invalid_date` (in the future).
    """
    if not staff.can(Capability.CONDUCT_RECORD, site):
        raise NotFound()
    house_rules = number = None
    if rule_ref and rule_ref != OTHER_RULE:
        house_rules, number, rule = _picked_rule(site, rule_ref)
    rule = clean_text(rule, "rule", max_length=SHORT_TEXT_MAX, required=True)
    description = clean_text(description, "description", required=True)
    now = timezone.now()
    if occurred_at is not None and occurred_at > now:
        raise DomainError("invalid_date", field="occurred_at")
    with transaction.atomic():
        violation = Violation.objects.create(
            person=person, site=site, occurred_at=occurred_at or now, rule=rule,
            house_rules=house_rules, rule_number=number,
            description=description, recorded_by=staff)
        record(staff, "conduct.violation_recorded", violation, site=site, summary=rule,
               changes={"person": person.code, "rule": rule,
                        "house_rules": f"{house_rules.label}#{number}" if house_rules
                        else OTHER_RULE, "exclude_today": exclude_today})
        violation.exclusion = (
            exclude_for_today(staff, person, site, reason=description, violation=violation,
                              now=now) if exclude_today else None)
    return violation


def _scope(staff, sites) -> tuple[bool, list[Site]]:
    """(all_sites, sites) for a scope of "all" or a list of sites the leader leads."""
    if sites == ALL_SITES:
        return True, []
    chosen = list(dict.fromkeys(sites or []))
    if not chosen:
        raise InvalidInput("quarantine_scope", field="sites")
    for site in chosen:
        if not staff.can(Capability.QUARANTINE_DECIDE, site):
            raise NotFound("unknown_site", site=site.slug)
    return False, chosen


def decide_quarantine(staff, person, sites, *, until: date, reason: str,
                      starts_on: date | None = None, violation: Violation | None = None
                      ) -> Quarantine:
    """A leader quarantines `person` at the sites they lead, or at all sites ("all"),
    from `starts_on` (default today) until `until`, both days included.

    Refuses: (403) not a leader; (404) a site the leader does not lead; (400)
    `quarantine_scope`, `text_required`; (422) `until_in_past`, `invalid_date`.
    """
    if not staff.can(Capability.QUARANTINE_DECIDE):
        raise DomainError("forbidden", status=403)
    all_sites, chosen = _scope(staff, sites)
    reason = clean_text(reason, "reason", required=True)
    today = timezone.localdate()
    starts_on = starts_on or today
    if until < today:
        raise DomainError("until_in_past", field="until")
    if starts_on > until:
        raise DomainError("invalid_date", field="starts_on")
    with transaction.atomic():
        quarantine = Quarantine.objects.create(
            person=person, all_sites=all_sites, starts_on=starts_on, ends_on=until,
            reason=reason, decided_by=staff, violation=violation)
        quarantine.sites.set(chosen)
        record(staff, "conduct.quarantine_decided", quarantine,
               site=chosen[0] if len(chosen) == 1 else None,
               summary=f"{person.code} until {until.isoformat()}",
               changes={"person": person.code,
                        "sites": ALL_SITES if all_sites else [s.slug for s in chosen],
                        "starts_on": starts_on, "ends_on": until})
    return quarantine


def exclude_for_today(staff, person, site, *, reason: str,
                      violation: Violation | None = None, now=None) -> Quarantine:
    """Staff at the door exclude a person from `site` for the rest of the site's day: until
    its closing time (after midnight in a room open at night), or the day boundary in a
    room open around the clock (`Site.day_ends_at`); no leader needed.
    Refuses: (400) `text_required`."""
    if not staff.can(Capability.CONDUCT_RECORD, site):
        raise NotFound()
    reason = clean_text(reason, "reason", required=True)
    now = now or timezone.now()
    ends_at = site.day_ends_at(now)
    # The calendar days it touches; one ending at midnight sharp does not touch the next.
    last_day = timezone.localdate(ends_at - timedelta(microseconds=1))
    with transaction.atomic():
        exclusion = Quarantine.objects.create(
            kind=QuarantineKind.DAY_EXCLUSION, person=person,
            starts_on=timezone.localdate(now), ends_on=last_day, starts_at=now,
            ends_at=ends_at, reason=reason, decided_by=staff, violation=violation)
        exclusion.sites.set([site])
        record(staff, "conduct.excluded_for_today", exclusion, site=site,
               summary=person.code, changes={"person": person.code, "until": ends_at})
    return exclusion


def lift_quarantine(staff, quarantine: Quarantine, *, reason: str) -> Quarantine:
    """A leader of a covered site lifts a quarantine (or exclusion) early, with a reason.

    Refuses: (400) `text_required`; (422) `not_quarantined` (already lifted or over).
    """
    if not staff.can(Capability.QUARANTINE_DECIDE) or not (
            quarantine.all_sites or staff.sees_all_sites
            or any(staff.can(Capability.QUARANTINE_DECIDE, s)
                   for s in quarantine.sites.all())):
        raise NotFound()
    reason = clean_text(reason, "reason", required=True)
    with transaction.atomic():
        quarantine = Quarantine.objects.select_for_update().get(pk=quarantine.pk)
        if quarantine.lifted_at is not None or quarantine.is_over_at(timezone.now()):
            raise DomainError("not_quarantined")
        quarantine.lifted_at, quarantine.lifted_by = timezone.now(), staff
        quarantine.lift_reason = reason
        quarantine.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        record(staff, "conduct.quarantine_lifted", quarantine, summary=quarantine.person.code,
               changes={"lifted": True})
    return quarantine


def active_quarantines(site, moment=None):
    """Quarantines and exclusions in force at `site` at `moment` (default now)."""
    return (Quarantine.objects.in_force_at(moment or timezone.now()).covering(site)
            .select_related("person", "decided_by").prefetch_related("sites")
            .order_by("ends_on"))


def history(person, staff):
    """A person's violations and quarantines, newest first, as far as `staff`'s sites hold
    them: violations at their sites; quarantines covering one of their sites or all."""
    covering_mine = at_sites_of(Quarantine.objects.all(), staff, "sites").values("pk")
    return {
        "violations": at_sites_of(person.violations, staff).select_related("site",
                                                                            "recorded_by"),
        "quarantines": person.quarantines.filter(Q(all_sites=True) | Q(pk__in=covering_mine))
        .select_related("decided_by", "lifted_by")
        .prefetch_related("sites").order_by("-starts_on", "-pk"),
    }

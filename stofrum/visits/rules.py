"""The rules of the door (DOMAIN.md §3–4, §8), each a small function of plain facts, so
that check-in and the assistance use case apply the same ones."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from stofrum.errors import DomainError
from stofrum.people.choices import Gender
from stofrum.people.rules import check_adult, is_adult  # noqa: F401 - the age rule
from stofrum.visits.choices import OPEN_STATES

CANNABIS = "cannabis"
SMOKING = "smoking"
# An assistant counts as present at the site if they have an open visit there, or ended
# one this recently (they stay around after their own intake).
ASSISTANT_PRESENT_MINUTES = 60


def check_site_open(site, now) -> None:
    if not site.is_open_at(now):
        raise DomainError("site_closed")


def check_women_only(site, person) -> None:
    if site.women_only and person.gender != Gender.FEMALE:
        raise DomainError("site_women_only")


def check_method_offered(site, method_code: str):
    method = next((m for m in site.intake_methods.all() if m.code == method_code), None)
    if method is None:
        raise DomainError("method_not_offered", method=method_code)
    return method


def check_substances_allowed(substance_codes, method_code: str) -> None:
    if method_code == SMOKING and CANNABIS in substance_codes:
        raise DomainError("substance_not_allowed", substance=CANNABIS, method=SMOKING)


def quarantines_in_force(site, now):
    """Quarantines and exclusions that keep persons out of `site` at `now`: the conduct
    app's own query (conduct sits above visits, so it is imported where it is used)."""
    from stofrum.conduct.models import Quarantine

    return Quarantine.objects.in_force_at(now).covering(site)


def quarantines_by_person(person_ids, site, now) -> dict:
    """{person id: the quarantine or exclusion in force at `site` at `now`} in one query,
    for badges in search results; the one ending last when there are several."""
    found = {}
    for quarantine in (quarantines_in_force(site, now).filter(person_id__in=person_ids)
                       .order_by("ends_on")):
        found[quarantine.person_id] = quarantine
    return found


def _in_force_ends(site, now) -> dict:
    """Annotations for a queryset of persons: the last day of the quarantine covering
    `site` at `now` that ends last (`quarantined_until`), and the end of the exclusion for
    the rest of the day that ends last (`excluded_until`); None when there is none."""
    from stofrum.conduct.models import QuarantineKind

    in_force = quarantines_in_force(site, now).filter(person=OuterRef("pk"))
    return {
        "quarantined_until": Subquery(
            in_force.filter(kind=QuarantineKind.QUARANTINE).order_by("-ends_on")
            .values("ends_on")[:1]),
        "excluded_until": Subquery(
            in_force.exclude(kind=QuarantineKind.QUARANTINE)
            .order_by(F("ends_at").desc(nulls_last=True)).values("ends_at")[:1]),
    }


@dataclass(frozen=True)
class PersonFacts:
    """What the door's rules ask about a person at a site, read in one query."""

    quarantined_until: date | None
    excluded_until: datetime | None
    has_agreement: bool


def person_facts(person, site, now) -> PersonFacts:
    """The quarantine, exclusion and first-aid agreement facts of `person` at `site` at
    `now`, in one query (check-in asks them all)."""
    from stofrum.people.models import FirstAidAgreement, Person

    row = (Person.objects.filter(pk=person.pk)
           .annotate(**_in_force_ends(site, now),
                     has_agreement=Exists(FirstAidAgreement.objects.filter(
                         person=OuterRef("pk"))))
           .values_list("quarantined_until", "excluded_until", "has_agreement").first())
    return PersonFacts(*(row or (None, None, False)))


def check_not_quarantined(person, site, now, facts: PersonFacts | None = None) -> None:
    """Refuse while a quarantine (`quarantined`, with its last day) or an exclusion for the
    rest of the day (`excluded_today`, with the moment it ends) covers `site` at `now`
    (`facts`, when given, are the person's at `site` at `now`)."""
    facts = facts or person_facts(person, site, now)
    if facts.quarantined_until is not None:
        until = facts.quarantined_until
        message = _("The person is in quarantine until %(date)s.") % {
            "date": date_format(until, "SHORT_DATE_FORMAT")}
        raise DomainError("quarantined", message, until=until.isoformat())
    if facts.excluded_until is not None:
        until = timezone.localtime(facts.excluded_until)
        message = _("The person is excluded from this room for the rest of the day (until "
                    "%(time)s).") % {"time": date_format(until, "H:i")}
        raise DomainError("excluded_today", message, until=until.isoformat())


def check_first_aid_agreement(facts: PersonFacts) -> None:
    if not facts.has_agreement:
        raise DomainError("no_first_aid_agreement")


def check_assistant(site, person, assistant, assessment: str, now) -> None:
    """Only another registered adult user present at the site may assist, never staff;
    the staff member's assessment is required; the site must have capacity for it."""
    from stofrum.visits.models import Visit

    if not site.assisted_intake_available:
        raise DomainError("assisted_intake_unavailable")
    if assistant is None or assistant.pk == person.pk or assistant.merged_into_id:
        raise DomainError("invalid_assistant", reason="not_another_person")
    if not is_adult(assistant, timezone.localdate(now)):
        raise DomainError("invalid_assistant", reason="underage")
    present = Visit.objects.filter(site=site, person=assistant).filter(
        state__in=OPEN_STATES
    ).exists() or Visit.objects.filter(
        site=site, person=assistant,
        ended_at__gte=now - timedelta(minutes=ASSISTANT_PRESENT_MINUTES),
    ).exists()
    if not present:
        raise DomainError("invalid_assistant", reason="not_present")
    try:
        check_not_quarantined(assistant, site, now)
    except DomainError as exc:
        raise DomainError("invalid_assistant", reason="quarantined") from exc
    if not (assessment or "").strip():
        raise DomainError("invalid_assistant", reason="assessment_required")

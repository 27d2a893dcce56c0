"""The rules of the door (DOMAIN.md §3–4, §8), each a small function of plain facts, so
that check-in and the assistance use case apply the same ones."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
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


@dataclass(frozen=True)
class PersonFacts:
    """What the door's rules ask about a person at a site, read in one query."""

    quarantined_until: date | None
    excluded_until: datetime | None
    has_agreement: bool


def person_facts_statement(person, site, now) -> tuple[str, list]:
    """The one query of `person_facts`, as (SQL, parameters), to send with other statements
    (stofrum/round_trip.py). Hand-written: building it with the ORM cost more than
    running it. The rule of what is in force is conduct's (`in_force_covering_sql`)."""
    from stofrum.conduct.models import Quarantine, QuarantineKind, in_force_covering_sql
    from stofrum.people.models import FirstAidAgreement, Person

    in_force, params = in_force_covering_sql("q", site.pk, now)
    person_id = Person._meta.pk.get_db_prep_value(person.pk, connection)
    quarantine = QuarantineKind.QUARANTINE.value
    quarantines = Quarantine._meta.db_table
    sql = (f"SELECT (SELECT MAX(q.ends_on) FROM {quarantines} q"  # noqa: S608 - model tables
           f" WHERE q.person_id = %s AND q.kind = %s AND {in_force}),"
           f" (SELECT MAX(q.ends_at) FROM {quarantines} q"
           f" WHERE q.person_id = %s AND q.kind <> %s AND {in_force}),"
           f" EXISTS (SELECT 1 FROM {FirstAidAgreement._meta.db_table} a"
           f" WHERE a.person_id = %s)")
    return sql, [person_id, quarantine, *params, person_id, quarantine, *params, person_id]


def person_facts_from_row(row) -> PersonFacts:
    """PersonFacts from the row of `person_facts_statement` (SQLite gives dates and times
    back as text there)."""
    until, excluded, agreement = row
    if isinstance(until, str):
        until = date.fromisoformat(until)
    if isinstance(excluded, str):
        excluded = connection.ops.convert_datetimefield_value(excluded, None, connection)
    return PersonFacts(until, excluded, bool(agreement))


def person_facts(person, site, now) -> PersonFacts:
    """The quarantine, exclusion and first-aid agreement facts of `person` at `site` at
    `now`, in one query (check-in asks them all): the last day of the quarantine covering
    `site` at `now` that ends last, the end of the exclusion for the rest of the day that
    ends last (None when there is none), and whether the person signed an agreement."""
    with connection.cursor() as cursor:
        cursor.execute(*person_facts_statement(person, site, now))
        return person_facts_from_row(cursor.fetchone())


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

"""Use cases for persons: register, correct, and the first-aid agreement (merging two
persons gathers several apps: stofrum/desk/services.py)."""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from stofrum.audit.services import diff, record, snapshot
from stofrum.errors import Conflict, DomainError, InvalidInput, NotFound
from stofrum.lookups import by_pk, clean_key
from stofrum.people import municipalities
from stofrum.people.choices import Gender
from stofrum.people.models import FirstAidAgreement, Person
from stofrum.people.rules import check_adult, check_adult_born
from stofrum.people.search import find_duplicates
from stofrum.people.signals import person_changed
from stofrum.sites.services import current_house_rules, house_rules_label
from stofrum.staff.access import require_capability
from stofrum.staff.roles import Capability
from stofrum.text import ALIAS_MAX, SIGNATURE_MAX, refuse_cpr

MIN_BIRTH_YEAR = 1900
MAX_ALIAS = ALIAS_MAX
SIGNATURE_PREFIX = "data:image/png;base64,"
MAX_SIGNATURE_BYTES = SIGNATURE_MAX
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")
EDITABLE_FIELDS = ("alias", "birth_year", "gender", "municipality")


def get_person_for(staff, person_id) -> Person:
    """The person by id or person code, for staff who work at the door; else not found.
    Persons are shared by all sites (a person may use any room)."""
    require_capability(staff, Capability.PERSONS_REGISTER)
    qs = Person.objects.select_related("merged_into")
    person = by_pk(qs, person_id)
    if person is None and (code := clean_key(person_id)) is not None:
        person = qs.filter(code=code.upper()).first()
    if person is None:
        raise NotFound()
    return person.merged_into if person.merged_into_id else person


def _clean(alias, birth_year, gender, municipality) -> dict:
    alias = " ".join((alias or "").split())
    if not alias:
        raise InvalidInput("invalid_input", field="alias")
    if len(alias) > MAX_ALIAS:
        raise InvalidInput("invalid_input", field="alias", max_length=MAX_ALIAS)
    refuse_cpr(alias, "alias")
    this_year = timezone.localdate().year
    try:
        birth_year = int(birth_year)
    except (TypeError, ValueError) as exc:
        raise DomainError("invalid_birth_year", status=400) from exc
    if not MIN_BIRTH_YEAR <= birth_year <= this_year:
        raise DomainError("invalid_birth_year", status=400)
    if gender not in Gender.values:
        raise InvalidInput("invalid_input", field="gender")
    municipality = str(municipality or "").strip()
    if not municipalities.is_valid(municipality):
        raise DomainError("invalid_municipality", status=400)
    return {"alias": alias, "birth_year": birth_year, "gender": gender,
            "municipality": municipality}


@transaction.atomic
def register_person(staff, site, *, alias, birth_year, gender, municipality,
                    confirm_new: bool = False) -> Person:
    """Register a person anonymously: alias, birth year, gender, home municipality.

    Refuses (422) `underage` (the same rule as at check-in); (409) `possible_duplicate`
    with `candidates` when a near-identical person is registered, unless `confirm_new`;
    (400) `invalid_input`, `invalid_birth_year`, `invalid_municipality`,
    `cpr_in_free_text` (a CPR number as the alias). Emits
    `people.person.registered`.
    """
    if not staff.can(Capability.PERSONS_REGISTER, site):
        raise NotFound()
    fields = _clean(alias, birth_year, gender, municipality)
    check_adult_born(fields["birth_year"], timezone.localdate())
    if not confirm_new:
        duplicates = find_duplicates(fields["alias"], fields["birth_year"], fields["gender"])
        if duplicates:
            raise Conflict("possible_duplicate", candidates=[
                {"id": p.pk, "code": p.code, "alias": p.alias, "birth_year": p.birth_year,
                 "gender": p.gender} for p in duplicates])
    for _attempt in range(5):
        try:
            with transaction.atomic():
                person = Person.objects.create(created_by=staff, created_site=site, **fields)
            break
        except IntegrityError:  # person code collision: draw another
            continue
    else:  # pragma: no cover - 31^6 codes
        raise Conflict("code_exhausted")
    record(staff, "people.person.registered", person, site=site, summary=person.code,
           changes=fields)
    return person


@transaction.atomic
def update_person(staff, person: Person, **changes) -> Person:
    """Correct a person's alias, birth year, gender or municipality (audited).
    Refuses as register_person does. Emits `people.person.changed`."""
    if not staff.can(Capability.PERSONS_REGISTER):
        raise NotFound()
    person = Person.objects.select_for_update().get(pk=person.pk)
    current = {f: getattr(person, f) for f in EDITABLE_FIELDS}
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput("invalid_input", field=sorted(unknown))
    fields = _clean(**{**current, **{k: v for k, v in changes.items() if v is not None}})
    before = snapshot(person, EDITABLE_FIELDS)
    for name, value in fields.items():
        setattr(person, name, value)
    person.save()
    person_changed.send(sender=Person, person=person, before=before)
    record(staff, "people.person.changed", person, summary=person.code,
           changes=diff(before, snapshot(person, EDITABLE_FIELDS)))
    return person


def _clean_signature(signature: str | None) -> str:
    if not signature:
        return ""
    if not signature.startswith(SIGNATURE_PREFIX) or len(signature) > MAX_SIGNATURE_BYTES:
        raise InvalidInput("invalid_input", field="signature")
    if not _BASE64.match(signature[len(SIGNATURE_PREFIX):]):
        raise InvalidInput("invalid_input", field="signature")
    return signature


@transaction.atomic
def sign_first_aid_agreement(staff, person: Person, site, *, signature: str | None = None,
                             house_rules_shown: bool = False,
                             house_rules_version: str = "") -> FirstAidAgreement:
    """Record the signed first-aid agreement (with the drawn signature as a PNG data URL)
    and whether the house rules were shown (and which versions: the current ones of the
    site unless given). Refuses (422) `underage` (the same rule as at check-in);
    (400) `invalid_input` for a malformed signature. Emits
    `people.first_aid_agreement.signed`."""
    if not staff.can(Capability.PERSONS_REGISTER, site):
        raise NotFound()
    check_adult(person, timezone.localdate())
    if house_rules_shown and not house_rules_version:
        house_rules_version = house_rules_label(current_house_rules(site))
    agreement = FirstAidAgreement.objects.create(
        person=person, site=site, recorded_by=staff, signature=_clean_signature(signature),
        house_rules_shown=house_rules_shown, house_rules_version=house_rules_version[:40],
    )
    record(staff, "people.first_aid_agreement.signed", agreement, site=site,
           summary=person.code, changes={"signature": bool(agreement.signature),
                                         "house_rules_shown": house_rules_shown})
    return agreement

from datetime import datetime
from uuid import UUID

from django.db.models import Prefetch, prefetch_related_objects
from ninja import Router, Schema, Status

from stofrum.api_auth import require, staff_auth
from stofrum.api_errors import errors
from stofrum.lookups import at_site_of
from stofrum.paging import Rows, paged
from stofrum.people import services
from stofrum.people.models import FirstAidAgreement, Person
from stofrum.people.search import search
from stofrum.staff.access import get_site_for
from stofrum.staff.roles import Capability
from stofrum.text import Alias, Key, Signature

router = Router(tags=["persons"], auth=staff_auth)
SEARCH_CANDIDATES = 50


class PersonIn(Schema):
    alias: Alias
    birth_year: int
    gender: Key
    municipality: Key
    site: Key
    confirm_new: bool = False


class PersonPatch(Schema):
    alias: Alias | None = None
    birth_year: int | None = None
    gender: Key | None = None
    municipality: Key | None = None


class AgreementOut(Schema):
    id: int
    site: str
    signed_at: datetime
    has_signature: bool
    house_rules_shown: bool


class PersonOut(Schema):
    id: UUID
    code: str
    alias: str
    birth_year: int
    gender: str
    municipality: str
    first_aid_agreement: AgreementOut | None
    created_at: datetime
    score: float | None = None


class AgreementIn(Schema):
    site: Key
    signature: Signature | None = None
    house_rules_shown: bool = False


def agreement_out(agreement) -> dict | None:
    if agreement is None:
        return None
    return {"id": agreement.pk, "site": agreement.site.slug, "signed_at": agreement.signed_at,
            "has_signature": bool(agreement.signature),
            "house_rules_shown": agreement.house_rules_shown}


def _load_agreements(persons: list[Person]) -> None:
    """Each person's agreements (newest first, with their site) in one query for all."""
    prefetch_related_objects(persons, Prefetch(
        "agreements", queryset=FirstAidAgreement.objects.select_related("site")))


def person_out(person: Person, staff, score: float | None = None) -> dict:
    """The person as the API shows them to `staff`: the first-aid agreement only when it
    was signed at one of their sites."""
    if "agreements" not in getattr(person, "_prefetched_objects_cache", {}):
        _load_agreements([person])
    agreement = next((a for a in person.agreements.all()  # the newest first
                      if at_site_of(staff, a.site_id)), None)
    return {"id": person.pk, "code": person.code, "alias": person.alias,
            "birth_year": person.birth_year, "gender": person.gender,
            "municipality": person.municipality, "first_aid_agreement": agreement_out(agreement),
            "created_at": person.created_at, "score": score}


@router.post("", response={201: PersonOut, **errors(404, 409, 422)})
def register(request, payload: PersonIn):
    """Register a person anonymously. 409 `possible_duplicate` with `candidates` unless
    `confirm_new`."""
    site = get_site_for(request.auth, payload.site, Capability.PERSONS_REGISTER)
    person = services.register_person(
        request.auth, site, alias=payload.alias, birth_year=payload.birth_year,
        gender=payload.gender, municipality=payload.municipality,
        confirm_new=payload.confirm_new)
    return Status(201, person_out(person, request.auth))


@router.get("", response={200: list[PersonOut], **errors(403, 404)})
@paged
def find(request, q: str = "", birth_year: int | None = None, gender: str | None = None,
         site: str = "", **kwargs):
    """Ranked candidates for an alias fragment (typos, æ/ae, ø/oe, å/aa, case; several
    words match word starts) or a person code. With `site`, equally good matches are
    ordered by who was seen most recently at that site. At most `SEARCH_CANDIDATES`
    candidates, paged like every list."""
    require(request, Capability.PERSONS_REGISTER)
    at = get_site_for(request.auth, site, Capability.PERSONS_REGISTER) if site else None
    matches = search(q, birth_year=birth_year, gender=gender, limit=SEARCH_CANDIDATES, site=at)
    return Rows(matches, lambda m: person_out(m.person, request.auth, round(m.score, 3)),
                prepare=lambda page: _load_agreements([m.person for m in page]))


@router.get("/{person_id}", response={200: PersonOut, **errors(404)})
def detail(request, person_id: str):
    return person_out(services.get_person_for(request.auth, person_id), request.auth)


@router.patch("/{person_id}", response={200: PersonOut, **errors(404, 422)})
def correct(request, person_id: str, payload: PersonPatch):
    """Correct alias, birth year, gender or municipality (audited)."""
    person = services.get_person_for(request.auth, person_id)
    person = services.update_person(request.auth, person,
                                    **payload.dict(exclude_unset=True))
    return person_out(person, request.auth)


@router.post("/{person_id}/first-aid-agreement",
             response={201: AgreementOut, **errors(404)})
def first_aid_agreement(request, person_id: str, payload: AgreementIn):
    """Record the signed first-aid agreement (signature as a PNG data URL)."""
    person = services.get_person_for(request.auth, person_id)
    site = get_site_for(request.auth, payload.site, Capability.PERSONS_REGISTER)
    agreement = services.sign_first_aid_agreement(
        request.auth, person, site, signature=payload.signature,
        house_rules_shown=payload.house_rules_shown)
    return Status(201, agreement_out(agreement))

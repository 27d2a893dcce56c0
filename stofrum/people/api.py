from datetime import datetime
from uuid import UUID

from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from stofrum.api_auth import require, staff_auth
from stofrum.people import services
from stofrum.people.models import Person
from stofrum.people.search import search
from stofrum.staff.access import get_site_for
from stofrum.staff.roles import Capability
from stofrum.text import Alias, Key, Signature

router = Router(tags=["persons"], auth=staff_auth)


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


class MergeIn(Schema):
    duplicate: Key


def agreement_out(agreement) -> dict | None:
    if agreement is None:
        return None
    return {"id": agreement.pk, "site": agreement.site.slug, "signed_at": agreement.signed_at,
            "has_signature": bool(agreement.signature),
            "house_rules_shown": agreement.house_rules_shown}


def person_out(person: Person, score: float | None = None) -> dict:
    agreement = person.agreements.select_related("site").first()
    return {"id": person.pk, "code": person.code, "alias": person.alias,
            "birth_year": person.birth_year, "gender": person.gender,
            "municipality": person.municipality, "first_aid_agreement": agreement_out(agreement),
            "created_at": person.created_at, "score": score}


@router.post("", response={201: PersonOut})
def register(request, payload: PersonIn):
    """Register a person anonymously. 409 `possible_duplicate` with `candidates` unless
    `confirm_new`."""
    site = get_site_for(request.auth, payload.site, Capability.PERSONS_REGISTER)
    person = services.register_person(
        request.auth, site, alias=payload.alias, birth_year=payload.birth_year,
        gender=payload.gender, municipality=payload.municipality,
        confirm_new=payload.confirm_new)
    return Status(201, person_out(person))


@router.get("", response=list[PersonOut])
@paginate(LimitOffsetPagination)
def find(request, q: str = "", birth_year: int | None = None, gender: str | None = None,
         site: str = "", **kwargs):
    """Ranked candidates for an alias fragment (typos, æ/ae, ø/oe, å/aa, case; several
    words match word starts) or a person code. With `site`, equally good matches are
    ordered by who was seen most recently at that site."""
    require(request, Capability.PERSONS_REGISTER)
    at = get_site_for(request.auth, site, Capability.PERSONS_REGISTER) if site else None
    matches = search(q, birth_year=birth_year, gender=gender, limit=50, site=at)
    return [person_out(m.person, round(m.score, 3)) for m in matches]


@router.get("/{person_id}", response=PersonOut)
def detail(request, person_id: str):
    return person_out(services.get_person_for(request.auth, person_id))


@router.patch("/{person_id}", response=PersonOut)
def correct(request, person_id: str, payload: PersonPatch):
    """Correct alias, birth year, gender or municipality (audited)."""
    person = services.get_person_for(request.auth, person_id)
    person = services.update_person(request.auth, person,
                                    **payload.dict(exclude_unset=True))
    return person_out(person)


@router.post("/{person_id}/first-aid-agreement", response={201: AgreementOut})
def first_aid_agreement(request, person_id: str, payload: AgreementIn):
    """Record the signed first-aid agreement (signature as a PNG data URL)."""
    person = services.get_person_for(request.auth, person_id)
    site = get_site_for(request.auth, payload.site, Capability.PERSONS_REGISTER)
    agreement = services.sign_first_aid_agreement(
        request.auth, person, site, signature=payload.signature,
        house_rules_shown=payload.house_rules_shown)
    return Status(201, agreement_out(agreement))


@router.post("/{person_id}/merge", response=PersonOut)
def merge(request, person_id: str, payload: MergeIn):
    """Merge the person `duplicate` into this one (visits and history move over)."""
    keep = services.get_person_for(request.auth, person_id)
    duplicate = services.get_person_for(request.auth, payload.duplicate)
    return person_out(services.merge_persons(request.auth, keep, duplicate))

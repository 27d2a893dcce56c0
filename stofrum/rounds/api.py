"""Rounds around a site through the API (API.md, "Surrounding environment")."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Router, Schema, Status

from stofrum.api_auth import staff_auth
from stofrum.api_errors import errors
from stofrum.idempotency.api import idempotent
from stofrum.limits import EventTime
from stofrum.paging import Rows, paged
from stofrum.rounds import services
from stofrum.rounds.models import Round
from stofrum.rounds.services import COUNT_MAX, RECORD_ROUNDS
from stofrum.staff.access import get_site_for
from stofrum.text import Key, Note

router = Router(tags=["surrounding environment"], auth=staff_auth)
zones_router = Router(tags=["surrounding environment"], auth=staff_auth)


def _count(field: str, description: str):
    return Annotated[int, Field(ge=0, le=COUNT_MAX[field], description=description)]


class ContactsIn(Schema):
    neighbours: _count("contacts_neighbours", "talks with neighbours") = 0
    shops: _count("contacts_shops", "talks with shops and businesses") = 0
    police: _count("contacts_police", "talks with the police") = 0


class RoundIn(Schema):
    site: Key
    started_at: EventTime
    ended_at: EventTime
    zones: Annotated[list[Key], Field(max_length=50)] = []
    syringes: _count("syringes", "syringes and needles collected")
    litter: _count("litter", "other drug litter collected (items)") = 0
    public_use_seen: _count("public_use_seen",
                            "people seen using in public (a count, never who)") = 0
    contacts: ContactsIn | None = None
    note: Note = ""


class ContactsOut(Schema):
    neighbours: int
    shops: int
    police: int


class RoundOut(Schema):
    id: int
    site: str
    started_at: datetime
    ended_at: datetime
    zones: list[str]
    syringes: int
    litter: int
    public_use_seen: int
    contacts: ContactsOut
    note: str
    recorded_at: datetime


class ZoneOut(Schema):
    code: str
    name: str


def round_out(round_: Round) -> dict:
    return {"id": round_.pk, "site": round_.site.slug, "started_at": round_.started_at,
            "ended_at": round_.ended_at,
            "zones": [z.code for z in round_.zones.all()],
            "syringes": round_.syringes, "litter": round_.litter,
            "public_use_seen": round_.public_use_seen, "contacts": round_.contacts,
            "note": round_.note, "recorded_at": round_.recorded_at}


@router.post("", response={201: RoundOut, **errors(404, 422)})
@idempotent
def record_round(request, payload: RoundIn):
    """Record a round around a site (staff of the site): when, which of the site's zones
    (codes, see `GET /neighbourhood/zones`), what was collected, how many people were seen
    using in public (a count, never who) and the talks with neighbours, shops and police."""
    site = get_site_for(request.auth, payload.site, RECORD_ROUNDS)
    round_ = services.record_round(
        request.auth, site, started_at=payload.started_at, ended_at=payload.ended_at,
        zones=payload.zones, syringes=payload.syringes, litter=payload.litter,
        public_use_seen=payload.public_use_seen,
        contacts=payload.contacts.dict() if payload.contacts else None, note=payload.note)
    return Status(201, round_out(round_))


@router.get("", response={200: list[RoundOut], **errors(404)})
@paged
def list_rounds(request, site: str, **kwargs):
    """A site's rounds, the last ended first."""
    site_obj = get_site_for(request.auth, site, RECORD_ROUNDS)
    return Rows(Round.objects.filter(site=site_obj).select_related("site")
                .prefetch_related("zones").order_by("-ended_at", "-pk"), round_out)


@zones_router.get("", response={200: list[ZoneOut], **errors(404)})
@paged
def list_zones(request, site: str, **kwargs):
    """The zones in use around a site, in their order (kept by administrators)."""
    site_obj = get_site_for(request.auth, site, RECORD_ROUNDS)
    return Rows(services.zones_of(site_obj),
                lambda zone: {"code": zone.code, "name": zone.name})

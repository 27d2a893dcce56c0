"""The JSON API of the use cases that gather several apps (under /api/v1/persons)."""

from ninja import Router, Schema

from stofrum.api_auth import staff_auth
from stofrum.api_errors import errors
from stofrum.desk import services
from stofrum.people.api import PersonOut, person_out
from stofrum.people.services import get_person_for
from stofrum.text import Key

router = Router(tags=["persons"], auth=staff_auth)


class MergeIn(Schema):
    duplicate: Key


@router.post("/{person_id}/merge", response={200: PersonOut, **errors(404, 409)})
def merge(request, person_id: str, payload: MergeIn):
    """Merge the person `duplicate` into this one (visits and history move over)."""
    keep = get_person_for(request.auth, person_id)
    duplicate = get_person_for(request.auth, payload.duplicate)
    return person_out(services.merge_persons(request.auth, keep, duplicate), request.auth)

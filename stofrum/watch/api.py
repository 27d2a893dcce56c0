from datetime import datetime
from uuid import UUID

from ninja import Router, Schema, Status

from stofrum.api_auth import staff_auth
from stofrum.api_errors import errors
from stofrum.text import Note
from stofrum.watch import services

router = Router(tags=["watch"], auth=staff_auth)


class LookInIn(Schema):
    note: Note = ""


class LookInOut(Schema):
    id: int
    visit: UUID
    booth: str
    at: datetime
    by: str
    note: str

    @staticmethod
    def resolve_visit(look):
        return look.visit_id

    @staticmethod
    def resolve_booth(look):
        return look.booth.label

    @staticmethod
    def resolve_by(look):
        return look.staff.username


@router.post("/{visit_id}/checks", response={201: LookInOut, **errors(404, 409)})
def check(request, visit_id: str, payload: LookInIn | None = None):
    """A staff member has looked in on the person in the booth: the booth's check interval
    starts again, and an overdue booth is back to normal on every board
    (`booth_checked`). 409 `not_in_booth` when the visit is not in a booth."""
    look = services.record_look_in(request.auth, visit_id,
                                   payload.note if payload else "")
    return Status(201, look)

from datetime import datetime

from ninja import Field, Router, Schema

from stofrum.api_auth import require, staff_auth
from stofrum.api_errors import errors
from stofrum.audit.filters import filter_events
from stofrum.paging import paged
from stofrum.staff.roles import Capability

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: str = Field(alias="actor_username")
    action: str
    object_type: str
    object_id: str
    site: str | None
    client_address: str | None
    request_id: str
    summary: str
    changes: dict

    @staticmethod
    def resolve_site(event):
        return event.site.slug if event.site else None


@router.get("", response={200: list[AuditEventOut], **errors(403, 404)}, auth=staff_auth)
@paged
def list_audit(request, actor: str = "", action: str = "", object: str = "",
               site: str = "", since: str = "", until: str = "", **kwargs):
    """The audit trail, newest first: all sites for admins, own sites for leaders.
    `object` is "type" or "type:id"; `since`/`until` ISO dates or datetimes."""
    require(request, Capability.AUDIT_VIEW)
    return filter_events(request.auth, actor=actor, action=action, object=object,
                         site=site, since=since, until=until)

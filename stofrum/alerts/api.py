from datetime import datetime
from uuid import UUID

from ninja import Router, Schema, Status

from stofrum.alerts import services
from stofrum.api_auth import staff_auth
from stofrum.api_errors import errors
from stofrum.paging import Rows, paged
from stofrum.text import Key, Note

router = Router(tags=["alerts"], auth=staff_auth)


class AlertIn(Schema):
    substance: Key
    note: Note = ""


class AcknowledgeIn(Schema):
    site: Key


class AlertOut(Schema):
    id: UUID
    substance: str
    substance_name: str
    sites: list[str]
    started_at: datetime
    incident_count: int
    source: str
    note: str
    acknowledged_by_site: dict[str, datetime]
    ends_at: datetime
    ended_at: datetime | None
    active: bool


def _alert(request, alert_id):
    return services.get_alert(request.auth, alert_id)


def _out(alert):
    return services.fresh_payload(alert)


@router.get("", response={200: list[AlertOut]})
@paged
def list_alerts(request, active: bool | None = None, **kwargs):
    """Drug alerts, newest first; `active=true` for those in force now (every site shows
    them), `active=false` for those that have ended. No person data."""
    return Rows(services.list_alerts(request.auth, active=active), services.alert_payload)


@router.post("", response={201: AlertOut, **errors(409)})
def raise_alert(request, payload: AlertIn):
    """A leader raises a drug alert by hand (e.g. a warning from the Region or the police
    about a batch): every board of every site shows it."""
    return Status(201, _out(services.raise_alert(request.auth, payload.substance,
                                                 payload.note)))


@router.get("/{alert_id}", response={200: AlertOut, **errors(404)})
def detail(request, alert_id: str):
    return _out(_alert(request, alert_id))


@router.post("/{alert_id}/acknowledge", response={200: AlertOut, **errors(404, 409)})
def acknowledge(request, alert_id: str, payload: AcknowledgeIn):
    """Staff of a site acknowledge the alert for their site (once per site)."""
    ack = services.acknowledge(request.auth, _alert(request, alert_id), payload.site)
    return _out(ack.alert)


@router.post("/{alert_id}/end", response={200: AlertOut, **errors(404, 409)})
def end(request, alert_id: str):
    """A leader ends the alert before its time."""
    return _out(services.end_alert(request.auth, _alert(request, alert_id)))

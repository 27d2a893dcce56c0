"""Filtering the audit trail: one function used by the page and the API alike."""

from datetime import datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from stofrum.audit.models import AuditEvent
from stofrum.errors import InvalidInput


def _moment(raw: str, field: str, end_of_day: bool = False):
    day = parse_date(raw) if len(raw) == 10 else None
    if day is not None:  # a whole day: `until` includes it
        value = datetime.combine(day, time.max if end_of_day else time.min)
    else:
        value = parse_datetime(raw)
        if value is None:
            raise InvalidInput("invalid_input", field=field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def filter_events(staff, *, actor="", action="", object="", site="", since="", until=""):
    """Events visible to `staff`, narrowed by the given filters (all optional).

    `object` is "type" or "type:id" (e.g. "staff.staffmember:3"); `action` matches a prefix;
    `since`/`until` are ISO dates or datetimes (Copenhagen time when no offset).
    Refuses `invalid_input` for unreadable dates.
    """
    qs = AuditEvent.objects.for_staff(staff).select_related("site")
    if actor:
        qs = qs.filter(actor_username=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if object:
        kind, _, oid = object.partition(":")
        qs = qs.filter(object_type=kind)
        if oid:
            qs = qs.filter(object_id=oid)
    if site:
        qs = qs.filter(site__slug=site)
    try:
        parsed_since = _moment(since, "since") if since else None
        parsed_until = _moment(until, "until", end_of_day=True) if until else None
    except ValueError as exc:
        raise InvalidInput("invalid_input", field="since/until") from exc
    if parsed_since:
        qs = qs.filter(at__gte=parsed_since)
    if parsed_until:
        qs = qs.filter(at__lte=parsed_until)
    return qs


# The history panel of a person's or a visit's page shows at most this many events.
HISTORY_LIMIT = 50


def history_for(staff, obj, *, also_ids=()) -> dict | None:
    """The "who did what, when" panel of one object's page (a person, a visit): the newest
    `HISTORY_LIMIT` events about it that `staff` may see in the audit trail (leaders: their
    own sites' events; administrators: all), and the `object` filter for the whole trail.
    None for staff who may not see the audit trail (no panel). `also_ids` are other keys
    the object's events were once written under (a person's code, in older refusals).
    """
    from stofrum.staff.roles import Capability

    if not staff.can(Capability.AUDIT_VIEW):
        return None
    object_type = obj._meta.label_lower
    events = list(
        AuditEvent.objects.for_staff(staff).select_related("site")
        .filter(object_type=object_type, object_id__in=[str(obj.pk), *also_ids])
        .only("at", "actor_username", "action", "site__slug", "site__name")
        [:HISTORY_LIMIT + 1])
    return {"events": events[:HISTORY_LIMIT], "more": len(events) > HISTORY_LIMIT,
            "object": f"{object_type}:{obj.pk}"}

"""Use cases for services (ydelser) and referrals (brobygning), DOMAIN.md §7.

Staff record them at a site they work at; a service may be anonymous, a referral always
belongs to a person. Every change is audited in the same transaction.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stofrum.audit.services import diff, record, snapshot
from stofrum.care.choices import CLOSED_STATUSES, NEXT_STATUSES, ReferralStatus
from stofrum.care.models import Referral, ReferralTarget, Service, ServiceKind
from stofrum.errors import DomainError, InvalidInput, NotFound
from stofrum.lookups import by_int_pk
from stofrum.staff.access import require_capability
from stofrum.staff.roles import Capability
from stofrum.text import clean_text


def _require(staff, site):
    if not staff.can(Capability.CARE_RECORD, site):
        raise NotFound()


def _active(model, code: str, error: str):
    entry = model.objects.filter(code=(code or "").strip(), is_active=True).first()
    if entry is None:
        raise DomainError(error, status=400)
    return entry


def _check_visit(visit, site, person):
    if visit is None:
        return
    if visit.site_id != site.pk or (person is not None and visit.person_id != person.pk):
        raise DomainError("visit_elsewhere")


def get_referral_for(staff, referral_id) -> Referral:
    """The referral if the staff member records care at its site, else `not_found`;
    `forbidden` when their role does not record care."""
    require_capability(staff, Capability.CARE_RECORD)
    referral = by_int_pk(Referral.objects.select_related("site", "person", "target"),
                         referral_id)
    if referral is None or not staff.can(Capability.CARE_RECORD, referral.site):
        raise NotFound()
    return referral


def record_service(staff, site, kind: str, *, person=None, visit=None, note: str = "",
                   given_at=None) -> Service:
    """Record one service given at `site` (one or two taps from the board or the person
    page). The person follows from the visit when only the visit is given.

    Refuses: (400) `unknown_service_kind`, `text_too_long`; (422) `visit_elsewhere`.
    """
    _require(staff, site)
    kind_entry = _active(ServiceKind, kind, "unknown_service_kind")
    note = clean_text(note, "note")
    if visit is not None and person is None:
        person = visit.person
    _check_visit(visit, site, person)
    with transaction.atomic():
        service = Service.objects.create(
            site=site, kind=kind_entry, person=person, visit=visit, note=note,
            given_at=given_at or timezone.now(), recorded_by=staff)
        record(staff, "care.service_recorded", service, site=site, summary=kind_entry.code,
               changes={"kind": kind_entry.code, "person": getattr(person, "code", None),
                        "visit": getattr(visit, "pk", None)})
    return service


def default_follow_up(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(
        days=settings.STOFRUM_REFERRAL_FOLLOW_UP_DAYS)


def refer(staff, site, person, target: str, *, note: str = "", visit=None,
          follow_up_on: date | None = None) -> Referral:
    """Suggest a referral (brobygning) of `person` to `target`. Without a follow-up date it
    is followed up after STOFRUM_REFERRAL_FOLLOW_UP_DAYS.

    Refuses: (400) `unknown_referral_target`, `text_too_long`; (422) `visit_elsewhere`,
    `invalid_date` (follow-up in the past).
    """
    _require(staff, site)
    target_entry = _active(ReferralTarget, target, "unknown_referral_target")
    note = clean_text(note, "note")
    _check_visit(visit, site, person)
    today = timezone.localdate()
    if follow_up_on is not None and follow_up_on < today:
        raise DomainError("invalid_date", field="follow_up_on")
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.create(
            site=site, person=person, visit=visit, target=target_entry, note=note,
            follow_up_on=follow_up_on or default_follow_up(today), created_at=now,
            updated_at=now, created_by=staff)
        record(staff, "care.referral_made", referral, site=site, summary=target_entry.code,
               changes={"person": person.code, "target": target_entry.code,
                        "follow_up_on": referral.follow_up_on})
    return referral


UNSET = object()


def update_referral(staff, referral: Referral, *, status: str | None = None,
                    outcome: str | None = None, follow_up_on=UNSET,
                    note: str | None = None) -> Referral:
    """Move a referral on (suggested → contacted → appointment → attended / not attended /
    declined), record its outcome or a new follow-up date.

    Refuses: (400) `invalid_status`, `text_too_long`; (422) `invalid_status_change`,
    `referral_closed`, `invalid_date`.
    """
    _require(staff, referral.site)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        before = snapshot(referral, ["status", "outcome", "follow_up_on", "note"])
        if status is not None and status != referral.status:
            if status not in ReferralStatus.values:
                raise InvalidInput("invalid_status", field="status")
            if status not in NEXT_STATUSES[ReferralStatus(referral.status)]:
                raise DomainError("referral_closed" if not referral.is_open
                                  else "invalid_status_change",
                                  current=referral.status, requested=status)
            referral.status = status
            referral.closed_at = timezone.now() if status in CLOSED_STATUSES else None
        elif not referral.is_open and (follow_up_on is not UNSET or note is not None):
            raise DomainError("referral_closed")
        if outcome is not None:
            referral.outcome = clean_text(outcome, "outcome")
        if note is not None:
            referral.note = clean_text(note, "note")
        if follow_up_on is not UNSET:
            if follow_up_on is not None and follow_up_on < timezone.localdate():
                raise DomainError("invalid_date", field="follow_up_on")
            referral.follow_up_on = follow_up_on
        changes = diff(before, snapshot(referral, list(before)))
        if not changes:
            return referral
        referral.updated_at = timezone.now()
        referral.save()
        record(staff, "care.referral_updated", referral, site=referral.site,
               summary=referral.status, changes=changes)
    return referral


def follow_ups_due(site, today: date | None = None):
    """Open referrals at `site` whose follow-up date has come, oldest first."""
    today = today or timezone.localdate()
    return (Referral.objects.filter(site=site, closed_at__isnull=True,
                                    follow_up_on__lte=today)
            .select_related("person", "target").order_by("follow_up_on", "created_at"))

"""Drug alerts: when overdoses with the same substance reach STOFRUM_DRUG_ALERT_CASES
within STOFRUM_DRUG_ALERT_HOURS across the city's rooms, every room is warned; a leader can
also raise one by hand (a warning from the Region or the police about a batch).

The rule lives here, once: `evaluate` decides for one substance, and is run inside the
transaction of every use case that may change what counts (health raises or re-kinds an
incident: stofrum/alerts/receivers.py). What counts as a case: an incident of an overdose
kind (`overdose_*`) whose visit had the substance, at its onset (`started_at`). Incidents
without a visit have no substance and count for none.

An alert is in force until `ends_at`: its last case (a manual alert: its start, or a later
case) plus the window, so it ends by itself, derived from the data, with no timer; a leader
may end it earlier. The database holds at most one open alert per substance (a partial
unique index), so two overdoses at two sites at the same moment raise it once. No person
data: a substance, times, counts and site slugs.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stofrum.alerts.models import Acknowledgement, AlertSource, DrugAlert
from stofrum.audit.services import record
from stofrum.errors import Conflict, InvalidInput, NotFound
from stofrum.health.choices import IncidentKind
from stofrum.health.models import Incident
from stofrum.live.publish import publish_after_commit
from stofrum.lookups import by_pk, clean_key
from stofrum.sites.models import Site
from stofrum.staff.access import require_capability
from stofrum.staff.roles import Capability
from stofrum.text import clean_text
from stofrum.visits.models import Substance

# pg_advisory_xact_lock's first key for "evaluating a substance" ("DRGA" in ASCII); the
# second is the substance's id.
SUBSTANCE_LOCK = 0x44524741
OVERDOSE_KINDS = tuple(k for k in IncidentKind.values if k.startswith("overdose_"))
NOTE_MAX = 500
ALREADY_ACTIVE = _("A drug alert for this substance is already in force.")
ENDED = _("This drug alert has ended.")


def window() -> timedelta:
    return timedelta(hours=settings.STOFRUM_DRUG_ALERT_HOURS)


def cases_of(substance):
    """The overdoses that count for `substance`: an overdose kind, and a visit that had it."""
    return Incident.objects.filter(kind__in=OVERDOSE_KINDS, visit__substances=substance)


def active_alerts(now=None):
    """The alerts in force now, oldest first, with their acknowledgements."""
    now = now or timezone.now()
    return (DrugAlert.objects.active(now).select_related("substance")
            .prefetch_related("acknowledgements__site").order_by("started_at", "pk"))


def with_site_names(alerts: list) -> list:
    """The alerts, each with `site_names`: where its overdoses happened, for a page."""
    if alerts:
        names = dict(Site.objects.values_list("slug", "name"))
        for alert in alerts:
            alert.site_names = ", ".join(names.get(s, s) for s in alert.case_sites)
    return alerts


def alert_payload(alert: DrugAlert, now=None) -> dict:
    """An alert as the API and the `drug_alert` event give it (API.md; no person data)."""
    now = now or timezone.now()
    return {
        "id": str(alert.pk), "substance": alert.substance.code,
        "substance_name": alert.substance.name, "sites": list(alert.case_sites),
        "started_at": alert.started_at.isoformat(), "incident_count": alert.incident_count,
        "source": alert.source, "note": alert.note,
        "acknowledged_by_site": {a.site.slug: a.at.isoformat()
                                 for a in alert.acknowledgements.all()},
        "ends_at": alert.ends_at.isoformat(),
        "ended_at": alert.ended_at.isoformat() if alert.ended_at else None,
        "active": alert.ended_at is None and alert.ends_at > now,
    }


def fresh_payload(alert: DrugAlert, now=None) -> dict:
    """`alert_payload` of the alert as stored now, acknowledgements included."""
    return alert_payload(DrugAlert.objects.select_related("substance")
                         .prefetch_related("acknowledgements__site").get(pk=alert.pk), now)


def _announce(alert: DrugAlert, now) -> None:
    """`drug_alert` at every site, and a board event so that every board redraws its
    banner."""
    data = fresh_payload(alert, now)
    for slug in Site.objects.order_by("slug").values_list("slug", flat=True):
        publish_after_commit(slug, "drug_alert", data)
        publish_after_commit(slug, "board", {"reason": "drug_alert"})


def _close_expired(substance, now) -> None:
    """An open alert whose end has passed is marked ended at that end."""
    DrugAlert.objects.filter(substance=substance, ended_at__isnull=True,
                             ends_at__lte=now).update(ended_at=F("ends_at"))


def _recount(alert: DrugAlert, now) -> bool:
    """Count the alert's cases again from the data (a kind corrected away from overdose
    drops out); its end follows its last case. True when anything changed."""
    since = alert.first_case_at if alert.source == AlertSource.CLUSTER else alert.started_at
    cases = cases_of(alert.substance).filter(started_at__gte=since, started_at__lte=now)
    totals = cases.aggregate(n=Count("pk", distinct=True), last=Max("started_at"))
    sites = sorted(set(cases.values_list("site__slug", flat=True)))
    last = totals["last"]
    start = alert.started_at if alert.source == AlertSource.MANUAL else None
    anchor = max(t for t in (last, start, alert.first_case_at) if t is not None)
    before = (alert.incident_count, alert.last_case_at, alert.ends_at, alert.case_sites)
    alert.incident_count, alert.last_case_at = totals["n"], last
    alert.ends_at, alert.case_sites = anchor + window(), sites
    if alert.ends_at <= now:
        alert.ended_at = alert.ends_at
    changed = before != (alert.incident_count, alert.last_case_at, alert.ends_at,
                         alert.case_sites)
    if changed:
        alert.save(update_fields=["incident_count", "last_case_at", "ends_at", "case_sites",
                                  "ended_at"])
    return changed


def _open_alert(substance):
    return (DrugAlert.objects.select_for_update().select_related("substance")
            .filter(substance=substance, ended_at__isnull=True).first())


def _cluster_now(substance, now):
    """The cluster standing at `now`, as (first case, last case, count), or None: the
    newest case within the window before `now`, and at least K cases within the window
    up to it (a case exactly the window before it is outside)."""
    last = (cases_of(substance).filter(started_at__gt=now - window(), started_at__lte=now)
            .aggregate(last=Max("started_at"))["last"])
    if last is None:
        return None
    totals = (cases_of(substance).filter(started_at__gt=last - window(), started_at__lte=last)
              .aggregate(n=Count("pk", distinct=True), first=Min("started_at")))
    if totals["n"] < settings.STOFRUM_DRUG_ALERT_CASES:
        return None
    return totals["first"], last, totals["n"]


def _lock(substance) -> None:
    """One evaluation of a substance at a time (PostgreSQL: an advisory lock held until
    commit). Two overdoses at two sites at the same moment: the second waits, then reads
    the first's incident (a new statement sees what was committed), so together they reach
    K; and the partial unique index keeps it one alert whatever happens. Taken after the
    audit chain's lock (the use cases record before they signal), always in that order.
    On SQLite the transaction's write lock serialises them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                           [SUBSTANCE_LOCK, substance.pk])


def evaluate(substance, *, staff=None, now=None) -> DrugAlert | None:
    """Raise, extend or recount the alert for `substance` from the overdoses on record.
    Call inside the transaction that changed an incident, after its audit record. Returns
    the open alert, if any. Emits `alerts.alert.raised` (source cluster) and a `drug_alert`
    event at every site when an alert is raised or its count changes."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock(substance)
        _close_expired(substance, now)
        alert = _open_alert(substance)
        if alert is None:
            cluster = _cluster_now(substance, now)
            if cluster is None:
                return None
            first, last, count = cluster
            try:
                with transaction.atomic():
                    alert = DrugAlert.objects.create(
                        substance=substance, source=AlertSource.CLUSTER, started_at=now,
                        first_case_at=first, last_case_at=last, incident_count=count,
                        ends_at=last + window())
            except IntegrityError:
                # Another overdose raised it at the same moment: this one joins it.
                alert = _open_alert(substance)
                if alert is None:
                    raise
            else:
                _recount(alert, now)
                record(staff, "alerts.alert.raised", alert, summary=substance.code,
                       changes={"source": alert.source, "incident_count": alert.incident_count,
                                "sites": alert.case_sites})
                _announce(alert, now)
                return alert
        if _recount(alert, now):
            _announce(alert, now)
        return None if alert.ended_at else alert


def evaluate_incident(incident, *, staff=None, now=None) -> list[DrugAlert]:
    """`evaluate` for every substance of the incident's visit (none without a visit)."""
    if incident.visit_id is None:
        return []
    substances = Substance.objects.filter(visits=incident.visit_id).order_by("code")
    return [a for s in substances if (a := evaluate(s, staff=staff, now=now)) is not None]


def statistics(sites, start, end, *, city: bool) -> dict:
    """The drug-alert indicators of stofrum/stats (docs/indicators.md) for `sites` and the
    moments [start, end): `drug_alerts`, the alerts started then that concern the sites (a
    cluster: one of its overdoses was at one of them; a manual alert warned every site;
    the city: every alert), and `drug_alert_incidents`, the overdoses at the sites that
    those alerts counted (from their first case to their last). Counts only."""
    site_ids = {s.pk for s in sites}
    slugs = {s.slug for s in sites}
    alerts = list(DrugAlert.objects.filter(started_at__gte=start, started_at__lt=end)
                  .select_related("substance"))
    concerned = [a for a in alerts if city or a.source == AlertSource.MANUAL
                 or slugs & set(a.case_sites)]
    incidents = 0
    for alert in concerned:
        if not alert.incident_count or alert.last_case_at is None:
            continue
        since = alert.first_case_at if alert.source == AlertSource.CLUSTER else alert.started_at
        incidents += (cases_of(alert.substance)
                      .filter(site_id__in=site_ids, started_at__gte=since,
                              started_at__lte=alert.last_case_at)
                      .values("pk").distinct().count())
    return {"drug_alerts": len(concerned), "drug_alert_incidents": incidents}


def _substance(code) -> Substance:
    key = clean_key(code, max_length=40)
    substance = Substance.objects.filter(code=key).first() if key else None
    if substance is None:
        raise InvalidInput("invalid_input", field="substance")
    return substance


def get_alert(staff, alert_id, capability: str = Capability.SITE_BOARD) -> DrugAlert:
    """An alert, for staff who see a board (alerts concern the whole city); `forbidden`
    for roles without `capability`, `not_found` for a missing or malformed id."""
    require_capability(staff, capability)
    alert = by_pk(DrugAlert.objects.select_related("substance"), alert_id)
    if alert is None:
        raise NotFound()
    return alert


def list_alerts(staff, *, active: bool | None = None, now=None):
    """Alerts newest first (`active`: only those in force, or only those that are not)."""
    require_capability(staff, Capability.SITE_BOARD)
    now = now or timezone.now()
    alerts = (DrugAlert.objects.select_related("substance")
              .prefetch_related("acknowledgements__site").order_by("-started_at", "pk"))
    if active is True:
        alerts = alerts.active(now)
    elif active is False:
        alerts = alerts.exclude(pk__in=DrugAlert.objects.active(now).values("pk"))
    return alerts


@transaction.atomic
def raise_alert(staff, substance_code, note: str = "") -> DrugAlert:
    """A leader raises an alert by hand (a warning from the Region or the police about a
    batch). It counts the overdoses with the substance from now on and ends like any alert
    (its start, or its last case, plus the window), or when a leader ends it. Refuses
    `forbidden` (not a leader), `invalid_input` (unknown substance), `cpr_in_free_text`,
    `alert_already_active` (409, with `alert`). Emits `alerts.alert.raised` and
    `drug_alert` at every site."""
    require_capability(staff, Capability.ALERTS_RAISE)
    substance = _substance(substance_code)
    note = clean_text(note, "note", max_length=NOTE_MAX)
    now = timezone.now()
    _close_expired(substance, now)
    if (existing := _open_alert(substance)) is not None:
        raise Conflict("alert_already_active", ALREADY_ACTIVE, alert=str(existing.pk))
    try:
        with transaction.atomic():
            alert = DrugAlert.objects.create(
                substance=substance, source=AlertSource.MANUAL, note=note, started_at=now,
                ends_at=now + window(), raised_by=staff)
    except IntegrityError as exc:
        existing = _open_alert(substance)
        raise Conflict("alert_already_active", ALREADY_ACTIVE,
                       alert=str(existing.pk) if existing else None) from exc
    record(staff, "alerts.alert.raised", alert, summary=substance.code,
           changes={"source": alert.source, "note": note})
    _announce(alert, now)
    return alert


@transaction.atomic
def end_alert(staff, alert: DrugAlert) -> DrugAlert:
    """A leader ends an alert before its time. Refuses `forbidden` (not a leader),
    `alert_ended` (409). Emits `alerts.alert.ended` and `drug_alert` (active false)."""
    alert = get_alert(staff, alert.pk, Capability.ALERTS_RAISE)
    alert = DrugAlert.objects.select_for_update().select_related("substance").get(pk=alert.pk)
    now = timezone.now()
    if alert.ended_at is not None or alert.ends_at <= now:
        raise Conflict("alert_ended", ENDED)
    alert.ended_at, alert.ended_by = now, staff
    alert.save(update_fields=["ended_at", "ended_by"])
    record(staff, "alerts.alert.ended", alert, summary=alert.substance.code)
    _announce(alert, now)
    return alert


def _site_for(staff, slug) -> Site:
    key = clean_key(slug)
    site = Site.objects.filter(slug=key).first() if key else None
    if site is None or not staff.can(Capability.SITE_BOARD, site):
        raise NotFound()
    return site


@transaction.atomic
def acknowledge(staff, alert: DrugAlert, site_slug) -> Acknowledgement:
    """Staff of a site acknowledge the alert for their site: the banner there says so.
    Once per site (again: the first acknowledgement is returned, nothing is written).
    Refuses `forbidden` (a role without a board), `not_found` (a site that is not the
    caller's), `alert_ended` (409). Emits `alerts.alert.acknowledged` and `drug_alert`."""
    alert = get_alert(staff, alert.pk)
    site = _site_for(staff, site_slug)
    now = timezone.now()
    if alert.ended_at is not None or alert.ends_at <= now:
        raise Conflict("alert_ended", ENDED)
    try:
        with transaction.atomic():
            ack = Acknowledgement.objects.create(alert=alert, site=site, staff=staff, at=now)
    except IntegrityError:
        return Acknowledgement.objects.get(alert=alert, site=site)
    record(staff, "alerts.alert.acknowledged", alert, site=site, summary=alert.substance.code)
    _announce(alert, now)
    return ack

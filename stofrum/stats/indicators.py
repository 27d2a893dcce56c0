"""Every indicator, in one module, for the dashboards, the reports, the exports and the
statistics API alike. Each is an aggregate query over the summary tables (visits) or the
small tables (incidents, services, referrals, quarantines, complaints); none loops over
visits in Python. docs/indicators.md defines each in one line, in Danish and English.

A scope is a list of sites and a range of Copenhagen calendar days, both ends included.
"""

from collections import Counter
from datetime import date, timedelta

from django.db.models import Count, Q, Sum, prefetch_related_objects
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate

from stofrum.alerts.services import statistics as alert_statistics
from stofrum.care.models import Referral, Service
from stofrum.conduct.models import Quarantine, QuarantineKind
from stofrum.health.models import Incident, Intervention
from stofrum.neighbours.models import NeighbourReport
from stofrum.people.models import FirstAidAgreement, Person
from stofrum.rounds import figures as rounds_figures
from stofrum.sites.models import Booth
from stofrum.stats.models import HourDay, MunicipalityDay, SubstanceDay, VisitDay, WaitDay
from stofrum.stats.summaries import copenhagen, day_bounds, refresh_stale
from stofrum.visits.choices import VisitState
from stofrum.visits.models import RefusedCheckIn, Visit
from stofrum.voice.models import Complaint, Suggestion
from stofrum.watch.models import LookIn, Overdue, Resolution

BUCKETS = ("day", "week", "month")
METRICS = ("visits", "incidents", "check_ins")


def _days(model, sites, day_from, day_to):
    return model.objects.filter(site__in=sites, day__gte=day_from, day__lte=day_to)


def _moments(queryset, field, sites, day_from, day_to, site_field="site"):
    start, end = day_bounds(day_from, day_to)
    return queryset.filter(**{f"{site_field}__in": sites, f"{field}__gte": start,
                              f"{field}__lt": end})


def _counts(queryset, key) -> dict:
    return {row[key]: row["n"] for row in queryset.values(key).annotate(n=Count("pk"))
            .order_by("-n", key)}


def _sums(queryset, key, field="visits") -> dict:
    return {row[key]: row["n"] for row in queryset.values(key).annotate(n=Sum(field))
            .order_by("-n", key)}


def percentile(histogram: dict[int, int], share: float) -> int | None:
    """The smallest value with at least `share` of the counts at or below it."""
    total = sum(histogram.values())
    if not total:
        return None
    running = 0
    for value in sorted(histogram):
        running += histogram[value]
        if running >= share * total:
            return value
    return max(histogram)


def open_minutes(site, day_from: date, day_to: date) -> int:
    """Minutes the site is open by its opening hours over the days (clock time)."""
    spans = Counter()
    for hours in site.opening_hours.all():
        if hours.all_day:
            minutes = 1440
        else:
            minutes = ((hours.closes.hour * 60 + hours.closes.minute)
                       - (hours.opens.hour * 60 + hours.opens.minute)) % 1440
        spans[hours.weekday] += minutes
    weeks, rest = divmod((day_to - day_from).days + 1, 7)
    total = weeks * sum(spans.values())
    for i in range(rest):
        total += spans[(day_from + timedelta(days=i)).weekday()]
    return total


def _capacity_minutes(sites, day_from: date, day_to: date) -> int:
    """Booth-minutes the sites offer over the days: active booths × opening minutes."""
    booths = dict(Booth.objects.filter(site__in=sites, is_active=True).order_by()
                  .values_list("site").annotate(n=Count("pk")))
    prefetch_related_objects(sites, "opening_hours")
    return sum(booths.get(site.pk, 0) * open_minutes(site, day_from, day_to)
               for site in sites)


def summary(sites, day_from: date, day_to: date) -> dict:
    """All indicators for the sites and days (see docs/indicators.md)."""
    refresh_stale()
    sites = list(sites)
    visit_days = _days(VisitDay, sites, day_from, day_to)
    consumed = visit_days.filter(left_queue=False)
    visits = consumed.aggregate(n=Sum("visits"))["n"] or 0
    start, end = day_bounds(day_from, day_to)
    # SELECT COUNT(*) FROM (SELECT DISTINCT person ...): hashed, from the covering index.
    unique_persons = (Visit.objects.filter(site__in=sites, checked_in_at__gte=start,
                                           checked_in_at__lt=end)
                      .exclude(state=VisitState.LEFT_QUEUE)
                      .order_by().values("person").distinct().count())
    waits = {row["minutes"]: row["n"] for row in _days(WaitDay, sites, day_from, day_to)
             .values("minutes").annotate(n=Sum("visits"))}
    incidents = _moments(Incident.objects, "started_at", sites, day_from, day_to)
    interventions = Intervention.objects.filter(incident__in=incidents)
    referrals = _moments(Referral.objects, "created_at", sites, day_from, day_to)
    booth_minutes = (_days(HourDay, sites, day_from, day_to)
                     .aggregate(n=Sum("booth_minutes"))["n"] or 0)
    capacity = _capacity_minutes(sites, day_from, day_to)
    complaints = _complaints(sites, day_from, day_to)
    watch = booth_watch(sites, day_from, day_to)
    return {
        "from": day_from.isoformat(), "to": day_to.isoformat(),
        "sites": [s.slug for s in sites],
        "visits": visits,
        "check_ins": visit_days.aggregate(n=Sum("visits"))["n"] or 0,
        "unique_persons": unique_persons,
        "visits_per_person": round(visits / unique_persons, 2) if unique_persons else None,
        "new_persons": Person.objects.filter(
            created_site__in=sites, created_at__gte=start, created_at__lt=end,
            merged_into__isnull=True).count(),
        "visits_by_method": _sums(consumed, "method__code"),
        "visits_by_substance": _sums(_days(SubstanceDay, sites, day_from, day_to),
                                     "substance__code"),
        "visits_by_gender": _sums(consumed, "gender"),
        "visits_by_age_band": dict(sorted(_sums(consumed, "age_band").items())),
        "visits_by_municipality": _sums(_days(MunicipalityDay, sites, day_from, day_to),
                                        "municipality"),
        "assisted_intakes": consumed.filter(assisted=True).aggregate(n=Sum("visits"))["n"]
        or 0,
        "queue_abandoned": visit_days.filter(left_queue=True).aggregate(
            n=Sum("visits"))["n"] or 0,
        "wait_minutes": {"median": percentile(waits, 0.5), "p90": percentile(waits, 0.9)},
        "occupancy": round(booth_minutes / capacity, 4) if capacity else None,
        "refused": _counts(_moments(RefusedCheckIn.objects, "at", sites, day_from, day_to),
                           "code"),
        "incidents": incidents.count(),
        "incidents_by_kind": _counts(incidents, "kind"),
        "incident_outcomes": _counts(incidents.exclude(outcome=""), "outcome"),
        "naloxone_uses": incidents.filter(interventions__kind="naloxone").distinct().count(),
        "naloxone_doses": interventions.filter(kind="naloxone").count(),
        "ambulance_calls": incidents.filter(
            interventions__kind="ambulance_called").distinct().count(),
        "hospital_transfers": incidents.filter(outcome="hospital").count(),
        # Drug alerts (stofrum/alerts): alerts started in the period, and their overdoses.
        **alert_statistics(sites, start, end, city=_is_city(sites)),
        "services_by_kind": _counts(_moments(Service.objects, "given_at", sites, day_from,
                                             day_to), "kind__code"),
        "referrals": referrals.count(),
        "referrals_by_target": _counts(referrals, "target__code"),
        "referrals_by_status": _counts(referrals, "status"),
        "quarantines": _quarantines(sites, day_from, day_to, QuarantineKind.QUARANTINE),
        "day_exclusions": _quarantines(sites, day_from, day_to, QuarantineKind.DAY_EXCLUSION),
        "first_aid_agreements": _moments(FirstAidAgreement.objects, "signed_at", sites,
                                         day_from, day_to).count(),
        "complaints": complaints.count(),
        "complaints_by_route": _counts(complaints, "route"),
        "suggestions_by_kind": _counts(_moments(Suggestion.objects, "created_at", sites,
                                                day_from, day_to), "kind"),
        "booth_look_ins": watch["look_ins"],
        "booths_overdue": watch["overdue"],
        "booths_escalated": watch["escalated"],
        "overdue_to_look_in_minutes": watch["minutes"],
        # the surrounding environment: rounds, syringes, public use seen (DOMAIN.md §13)
        **rounds_figures.summary(sites, start, end, day_from, day_to, open_minutes),
        **_neighbourhood(sites, day_from, day_to),
    }


def booth_watch(sites, day_from: date, day_to: date) -> dict:
    """Booth watch (stofrum/watch): look-ins recorded, occupied booths that went past their
    check interval without a look-in (by when they became due), how many escalated, and the
    median and 90th percentile of whole minutes from overdue to the look-in that ended it
    (periods ended by an alarm or by leaving the booth are not timed)."""
    overdue = _moments(Overdue.objects, "due_at", sites, day_from, day_to)
    minutes = Counter(
        max(0, int((resolved - due).total_seconds() // 60)) for due, resolved in
        overdue.filter(resolution=Resolution.LOOK_IN).values_list("due_at", "resolved_at"))
    return {"look_ins": _moments(LookIn.objects, "at", sites, day_from, day_to).count(),
            "overdue": overdue.count(),
            "escalated": overdue.filter(escalated_at__isnull=False).count(),
            "minutes": {"median": percentile(minutes, 0.5), "p90": percentile(minutes, 0.9)}}


def _is_city(sites) -> bool:
    from stofrum.sites.models import Site

    return {s.pk for s in sites} == set(Site.objects.values_list("pk", flat=True))


def _quarantines(sites, day_from, day_to, kind) -> int:
    """Quarantines decided in the range that cover at least one of the sites."""
    start, end = day_bounds(day_from, day_to)
    return (Quarantine.objects.filter(kind=kind, decided_at__gte=start, decided_at__lt=end)
            .filter(Q(all_sites=True) | Q(sites__in=sites)).distinct().count())


def _complaints(sites, day_from, day_to):
    from stofrum.sites.models import Site

    start, end = day_bounds(day_from, day_to)
    complaints = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    if {s.pk for s in sites} == set(Site.objects.values_list("pk", flat=True)):
        return complaints  # city-wide: the complaints about no particular room too
    return complaints.filter(site__in=sites)


def _neighbourhood(sites, day_from, day_to) -> dict:
    """Neighbours' reports received in the range, by kind, and the whole minutes from a
    report to its pickup (median, 90th percentile) of those picked up. City-wide also the
    reports about no particular room, as for complaints. Never their contact details."""
    from stofrum.sites.models import Site

    start, end = day_bounds(day_from, day_to)
    reports = NeighbourReport.objects.filter(received_at__gte=start, received_at__lt=end)
    if {s.pk for s in sites} != set(Site.objects.values_list("pk", flat=True)):
        reports = reports.filter(site__in=sites)
    pickups = Counter(max(0, int((closed - received).total_seconds() // 60)) for
                      received, closed in reports.filter(closed_at__isnull=False)
                      .values_list("received_at", "closed_at"))
    by_kind = _counts(reports, "kind")
    return {"neighbourhood_reports_total": sum(by_kind.values()),
            "neighbourhood_reports": by_kind,
            "report_pickup_minutes": {"median": percentile(pickups, 0.5),
                                      "p90": percentile(pickups, 0.9)}}


def _bucket_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def periods(day_from: date, day_to: date, bucket: str) -> list[date]:
    out, day = [], _bucket_start(day_from, bucket)
    while day <= day_to:
        out.append(day)
        if bucket == "month":
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            day += timedelta(days=7 if bucket == "week" else 1)
    return out


def series(sites, day_from: date, day_to: date, bucket: str = "day",
           metric: str = "visits") -> list[tuple[date, int]]:
    """(start of period, value) for every period in the range, zeros included."""
    refresh_stale()
    if metric == "incidents":
        daily = (_moments(Incident.objects, "started_at", sites, day_from, day_to)
                 .annotate(day=TruncDate("started_at", tzinfo=copenhagen()))
                 .values_list("day").annotate(n=Count("pk")))
    else:
        days = _days(VisitDay, sites, day_from, day_to)
        if metric == "visits":
            days = days.filter(left_queue=False)
        daily = days.order_by().values_list("day").annotate(n=Sum("visits"))
    values = Counter()
    for day, n in daily:  # at most one row a day: bucketed here for every metric alike
        values[_bucket_start(day, bucket)] += n
    return [(period, values.get(period, 0)) for period in periods(day_from, day_to, bucket)]


def heatmap(sites, day_from: date, day_to: date) -> dict:
    """Occupancy (share of booth-minutes in use), check-ins and booths overdue (booth
    watch: where staff are stretched) per weekday × hour."""
    refresh_stale()
    booths = Booth.objects.filter(site__in=sites, is_active=True).count()
    weekday_count = Counter((day_from + timedelta(days=i)).isoweekday()
                            for i in range((day_to - day_from).days + 1))
    cells = {}
    for row in (_days(HourDay, sites, day_from, day_to)
                .annotate(weekday=ExtractIsoWeekDay("day"))
                .values("weekday", "hour")
                .annotate(minutes=Sum("booth_minutes"), check_ins=Sum("check_ins"))):
        capacity = booths * 60 * weekday_count[row["weekday"]]
        cells[(row["weekday"], row["hour"])] = {
            "occupancy": round(min(row["minutes"] / capacity, 1.0), 3) if capacity else 0,
            "check_ins": row["check_ins"]}
    overdue = {(row["weekday"], row["hour"]): row["n"] for row in (
        _moments(Overdue.objects, "due_at", sites, day_from, day_to)
        .annotate(weekday=ExtractIsoWeekDay("due_at", tzinfo=copenhagen()),
                  hour=ExtractHour("due_at", tzinfo=copenhagen()))
        .order_by().values("weekday", "hour").annotate(n=Count("pk")))}
    empty = {"occupancy": 0, "check_ins": 0}
    return {"rows": [{"weekday": wd, "hours": [
        {**cells.get((wd, h), empty), "overdue": overdue.get((wd, h), 0)} for h in range(24)]}
        for wd in range(1, 8)]}


def flatten(summary_: dict) -> list[tuple[str, str, object]]:
    """(indicator, key, value) rows of a summary, for tables and exports."""
    rows = []
    for name, value in summary_.items():
        if name in ("from", "to", "sites"):
            continue
        if isinstance(value, dict):
            rows.extend((name, str(key), v) for key, v in value.items())
        else:
            rows.append((name, "", value))
    return rows

"""Building the summary tables (stofrum/stats/models.py) from the visits with aggregate
queries, and keeping them correct: use cases mark the days they change as stale, and
`refresh_stale` rebuilds those before any figure is read."""

from datetime import date, datetime, time, timedelta
from itertools import batched
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Count, F, IntegerField, Sum, Value, When
from django.db.models.functions import ExtractHour, ExtractYear, TruncDate

from stofrum.round_trip import insert_statement
from stofrum.stats import bulk
from stofrum.stats.models import HourDay, MunicipalityDay, StaleDay, SubstanceDay, VisitDay, WaitDay

WAIT_CAP_MINUTES = 240
AGE_BANDS = [(25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64")]
OLDEST_BAND = "65+"
BATCH = 5000


def copenhagen() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(day_from: date, day_to: date) -> tuple[datetime, datetime]:
    """[start, end) of the Copenhagen calendar days day_from..day_to (both included);
    a day across the change to or from summer time is 23 or 25 hours long."""
    tz = copenhagen()
    return (datetime.combine(day_from, time(0), tzinfo=tz),
            datetime.combine(day_to + timedelta(days=1), time(0), tzinfo=tz))


def local_day(moment: datetime) -> date:
    return moment.astimezone(copenhagen()).date()


class MinutesBetween(models.Func):
    """Whole minutes from `start` to `end` (two timestamps), computed by the database."""

    output_field = IntegerField()

    def __init__(self, start, end):
        super().__init__(start, end)

    def _operands(self, compiler):
        start_sql, start_params = compiler.compile(self.source_expressions[0])
        end_sql, end_params = compiler.compile(self.source_expressions[1])
        return start_sql, end_sql, [*end_params, *start_params]

    def as_postgresql(self, compiler, connection, **extra):
        start, end, params = self._operands(compiler)
        return f"FLOOR(EXTRACT(EPOCH FROM ({end} - {start})) / 60)::int", params

    def as_sqlite(self, compiler, connection, **extra):
        # julianday() is in days; the small epsilon keeps 20 minutes from becoming 19.
        start, end, params = self._operands(compiler)
        return (f"CAST((julianday({end}) - julianday({start})) * 1440 + 0.00001 AS INTEGER)",
                params)


def _visits(site_ids, day_from, day_to):
    from stofrum.visits.models import Visit

    start, end = day_bounds(day_from, day_to)
    return Visit.objects.filter(site_id__in=site_ids, checked_in_at__gte=start,
                                checked_in_at__lt=end).order_by()


# Nobody waits this long for a booth; the bound lets the booth-minutes query use the
# check-in index.
LONGEST_WAIT = timedelta(days=2)


def _booth_visits(site_ids, day_from, day_to):
    """The ended visits that got their booth on these days: a booth-minute counts on the
    day the booth was taken, which may be the day after the check-in."""
    from stofrum.visits.models import Visit

    start, end = day_bounds(day_from, day_to)
    return Visit.objects.filter(site_id__in=site_ids, checked_in_at__gte=start - LONGEST_WAIT,
                                checked_in_at__lt=end, booth_at__gte=start, booth_at__lt=end,
                                ended_at__isnull=False).order_by()


def _insert(model, rows) -> int:
    """Write summary rows (dicts with the same keys) with the bulk loader (COPY on
    PostgreSQL), BATCH at a time: the rows come from a server-side cursor on the same
    connection, which cannot be read while a COPY is running."""
    count = 0
    for batch in batched(rows, BATCH):
        names = list(batch[0])
        count += bulk.load(model, names, [tuple(row[n] for n in names) for row in batch])
    return count


def rebuild(site_ids, day_from: date, day_to: date) -> None:
    """Replace the summaries of these sites and days by aggregates of their visits."""
    from stofrum.visits.choices import VisitState

    tz = copenhagen()
    site_ids = list(site_ids)
    scope = {"site_id__in": site_ids, "day__gte": day_from, "day__lte": day_to}
    visits = _visits(site_ids, day_from, day_to)
    with transaction.atomic():
        for model in (VisitDay, MunicipalityDay, SubstanceDay, HourDay, WaitDay):
            model.objects.filter(**scope).delete()

        dated = visits.annotate(day=TruncDate("checked_in_at", tzinfo=tz))
        _insert(VisitDay, (
            {"site_id": r["site_id"], "day": r["day"], "method_id": r["method_id"],
             "gender": r["person__gender"], "age_band": r["band"], "assisted": r["assisted"],
             "left_queue": r["left"], "visits": r["n"]}
            for r in dated.annotate(year=ExtractYear("checked_in_at", tzinfo=tz))
            .annotate(age=F("year") - F("person__birth_year"))
            .annotate(band=Case(*[When(age__lt=limit, then=Value(label))
                                  for limit, label in AGE_BANDS],
                                default=Value(OLDEST_BAND), output_field=models.CharField()),
                      assisted=Case(When(assisted_by__isnull=False, then=Value(True)),
                                    default=Value(False), output_field=models.BooleanField()),
                      left=Case(When(state=VisitState.LEFT_QUEUE, then=Value(True)),
                                default=Value(False), output_field=models.BooleanField()))
            .values("site_id", "day", "method_id", "person__gender", "band", "assisted",
                    "left")
            .annotate(n=Count("id")).iterator(chunk_size=BATCH)))

        consumptions = dated.exclude(state=VisitState.LEFT_QUEUE)
        _insert(MunicipalityDay, (
            {"site_id": r["site_id"], "day": r["day"],
             "municipality": r["person__municipality"], "visits": r["n"]}
            for r in consumptions.values("site_id", "day", "person__municipality")
            .annotate(n=Count("id")).iterator(chunk_size=BATCH)))
        _insert(SubstanceDay, (
            {"site_id": r["site_id"], "day": r["day"], "substance_id": r["substances"],
             "visits": r["n"]}
            for r in consumptions.filter(substances__isnull=False)
            .values("site_id", "day", "substances").annotate(n=Count("id"))
            .iterator(chunk_size=BATCH)))

        hours: dict[tuple, dict] = {}
        for r in (dated.annotate(hour=ExtractHour("checked_in_at", tzinfo=tz))
                  .values("site_id", "day", "hour").annotate(n=Count("id"))
                  .iterator(chunk_size=BATCH)):
            hours[(r["site_id"], r["day"], r["hour"])] = {"check_ins": r["n"]}
        for r in (_booth_visits(site_ids, day_from, day_to)
                  .annotate(day=TruncDate("booth_at", tzinfo=tz),
                            hour=ExtractHour("booth_at", tzinfo=tz),
                            minutes=MinutesBetween("booth_at", "ended_at"))
                  .values("site_id", "day", "hour").annotate(m=Sum("minutes"))
                  .iterator(chunk_size=BATCH)):
            if day_from <= r["day"] <= day_to:
                hours.setdefault((r["site_id"], r["day"], r["hour"]), {})["booth_minutes"] = \
                    max(r["m"] or 0, 0)
        _insert(HourDay, ({"site_id": s, "day": d, "hour": h,
                           "check_ins": values.get("check_ins", 0),
                           "booth_minutes": values.get("booth_minutes", 0)}
                          for (s, d, h), values in hours.items()))

        _insert(WaitDay, (
            {"site_id": r["site_id"], "day": r["day"], "minutes": r["w"], "visits": r["n"]}
            for r in dated.filter(booth_at__isnull=False)
            .annotate(raw=MinutesBetween("checked_in_at", "booth_at"))
            .annotate(w=Case(When(raw__gt=WAIT_CAP_MINUTES, then=Value(WAIT_CAP_MINUTES)),
                             When(raw__lt=0, then=Value(0)), default=F("raw"),
                             output_field=IntegerField()))
            .values("site_id", "day", "w").annotate(n=Count("id"))
            .iterator(chunk_size=BATCH)))


def _mark(pairs) -> None:
    StaleDay.objects.bulk_create([StaleDay(site_id=s, day=d) for s, d in sorted(pairs)])


def stale_statements(site_id: int, *moments) -> list[tuple]:
    """`mark_stale` as statements ((SQL, parameters), stofrum/round_trip.py) for the caller
    to send in its transaction."""
    return [insert_statement(StaleDay(site_id=site_id, day=day), returning=())
            for day in sorted(_days(moments))]


def mark_stale(site_id: int, *moments) -> None:
    """Mark the Copenhagen days of these moments stale for `site_id`, in the caller's
    transaction, so the mark commits (or rolls back) with the change."""
    _mark({(site_id, day) for day in _days(moments)})


def _days(moments) -> set[date]:
    return {local_day(m) for m in moments if m is not None}


def mark_visits_stale(visits) -> None:
    """Mark the days of these visits (a queryset) stale, e.g. after merging two persons."""
    _mark({(site_id, local_day(at)) for site_id, at in
           visits.order_by().values_list("site_id", "checked_in_at").iterator()})


def refresh_stale() -> int:
    """Rebuild every stale day; returns how many site-days were rebuilt. Marks locked by
    another rebuild, or not yet committed, are left for the next call."""
    with transaction.atomic():
        marks = list(StaleDay.objects.select_for_update(skip_locked=True)
                     .values_list("pk", "site_id", "day"))
        days = sorted({(site_id, day) for _, site_id, day in marks})
        for site_id, day in days:
            rebuild([site_id], day, day)
        StaleDay.objects.filter(pk__in=[pk for pk, _, _ in marks]).delete()
    return len(days)

"""Exports that may leave the municipality: CSV (streamed) and XLSX, protected by
`stofrum.stats.disclosure.protect` (small counts and the counts that would reveal them
shown as `..`) and a line saying so.

An export covers whole calendar months that have ended, each month protected as its own
set of tables: two exports cover the same months (the same figures, the same `..`) or
months that do not overlap, so that no export can be subtracted from another to reveal a
shorter period (see the disclosure module)."""

import csv
import io
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from stofrum.errors import InvalidInput
from stofrum.stats import disclosure, indicators
from stofrum.stats.labels import INDICATOR_LABELS, code_names, names_for
from stofrum.stats.models import VisitDay

# Breakdowns that add up to a published total (the total's cell is shared between them).
FAMILIES = (
    ("visits", ("visits_by_method", "visits_by_gender", "visits_by_age_band",
                "visits_by_municipality")),
    ("incidents", ("incidents_by_kind",)),
    ("referrals", ("referrals_by_target", "referrals_by_status")),
    ("complaints", ("complaints_by_route",)),
)
# The same figure published twice: one cell.
SAME_AS = {("hospital_transfers", ""): ("incident_outcomes", "hospital")}
# Figures that are not counts, shown only when the counts they are made of are shown.
DERIVED = {"visits_per_person": (("visits", ""), ("unique_persons", "")),
           "wait_minutes": (("visits", ""),)}


class _Echo:
    def write(self, value):
        return value


def suppression_note() -> str:
    below = settings.STOFRUM_SUPPRESS_BELOW
    return (f"Counts below {below} (0 included), and the counts that would reveal them, are "
            f"shown as {disclosure.MARK}; whole calendar months only / Tal under {below} "
            f"(også 0) og de tal, der ville afsløre dem, vises som {disclosure.MARK}; kun "
            "hele kalendermåneder")


def today() -> date:
    return timezone.localdate()


def last_whole_month(on: date | None = None) -> tuple[date, date]:
    """The last calendar month that has ended (the default export)."""
    last = (on or today()).replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def export_months(day_from: date, day_to: date) -> list[tuple[date, date]]:
    """The calendar months from `day_from` (a first day) to `day_to` (a last day, in a month
    that has ended), or `export_whole_months` (400)."""
    ended = today().replace(day=1)
    if (day_from.day != 1 or (day_to + timedelta(days=1)).day != 1 or day_to >= ended
            or day_from > day_to):
        raise InvalidInput("export_whole_months", field="from")
    months, first = [], day_from
    while first <= day_to:
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        months.append((first, last))
        first = last + timedelta(days=1)
    return months


def _cell(name, key):
    return SAME_AS.get((name, key), (name, key))


def protected(summary_: dict, daily: dict[date, int]) -> tuple[dict, set]:
    """The month's tables (every count of the summary and the visits per day) and the ids of
    the cells to show as `..`: {cell id: value}, hidden ids. The ONE call of `protect`."""
    tables, in_table = [], set()
    for total, names in FAMILIES:
        for name in names:
            items = {_cell(name, str(k)): v for k, v in summary_[name].items()}
            tables.append(disclosure.column(name, items, (total, ""), summary_[total]))
            in_table.update(items)
            in_table.add((total, ""))
    tables.append(disclosure.column(
        "check_ins", {("visits", ""): summary_["visits"],
                      ("queue_abandoned", ""): summary_["queue_abandoned"]},
        ("check_ins", ""), summary_["check_ins"]))
    in_table.update({("queue_abandoned", ""), ("check_ins", "")})
    days = {("day", d.isoformat()): n for d, n in daily.items()}
    tables.append(disclosure.column("daily", days, ("visits", ""), summary_["visits"]))
    free = disclosure.Table("single")
    values = {}
    for name, key, value in indicators.flatten(summary_):
        cell = _cell(name, key)
        values[cell] = value
        if (name not in DERIVED and isinstance(value, int) and not isinstance(value, bool)
                and cell not in in_table):
            free.add(cell, None, None, value)
            in_table.add(cell)
    tables.append(free)
    values.update(days)
    hidden = disclosure.protect(tables, settings.STOFRUM_SUPPRESS_BELOW)
    for name, needs in DERIVED.items():
        if any(cell in hidden for cell in needs):
            hidden.update(cell for cell in values if cell[0] == name)
    return values, hidden


def _daily_visits(sites, day_from, day_to) -> dict[date, int]:
    rows = (VisitDay.objects.filter(site__in=sites, day__gte=day_from, day__lte=day_to,
                                    left_queue=False)
            .order_by().values_list("day").annotate(n=Sum("visits")))
    counts = dict(rows)
    return {day_from + timedelta(days=i): counts.get(day_from + timedelta(days=i), 0)
            for i in range((day_to - day_from).days + 1)}


def csv_rows(scope):
    """For each whole month of the scope: the summary as (indicator, key, value) and the
    visits per day, protected together. After the codes come their readable names in the
    current language (Danish unless asked otherwise): the code columns keep their names and
    places."""
    months = export_months(scope.day_from, scope.day_to)
    names = code_names()
    yield ["# " + suppression_note()]
    for first, last in months:
        yield ["# from", first.isoformat(), "to", last.isoformat(),
               "sites", " ".join(s.slug for s in scope.sites)]
        yield ["indicator", "key", "value", "indicator_label", "key_label"]
        summary = indicators.summary(scope.sites, first, last)
        values, hidden = protected(summary, _daily_visits(scope.sites, first, last))
        for name, key, value in indicators.flatten(summary):
            yield [name, key, disclosure.show(value, _cell(name, key), hidden),
                   str(INDICATOR_LABELS.get(name, name)), names_for(name, key, names)]
        yield []
        yield ["day", "visits"]
        for (kind, day), n in values.items():
            if kind == "day":
                yield [day, disclosure.show(n, (kind, day), hidden)]
        yield []


def stream_csv(scope):
    writer = csv.writer(_Echo())
    for row in csv_rows(scope):
        yield writer.writerow(row)


def xlsx_bytes(scope) -> bytes:
    """The same rows as the CSV in a workbook (openpyxl's write-only mode)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Stofrum")
    for row in csv_rows(scope):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

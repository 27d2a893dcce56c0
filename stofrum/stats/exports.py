"""Exports that may leave the municipality: CSV (streamed) and XLSX, protected by
`stofrum.stats.disclosure.protect` (small counts and the counts that would reveal them
shown as `..`) and a line saying so.

An export covers whole calendar months that have ended, each month protected as its own
set of tables, for every site and the city together (a site's export is its column): two
exports cover the same months (the same figures, the same `..`) or months that do not
overlap, so that no export can be subtracted from another to reveal a shorter period, and
no site's export from the city's (see the disclosure module)."""

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
    ("syringes_collected", ("syringes_by_zone",)),
    ("neighbourhood_reports_total", ("neighbourhood_reports",)),
)
# Families that count what belongs to no site too (the city's column has it).
WITH_ELSEWHERE = ("complaints", "neighbourhood_reports_total")
CITY, ELSEWHERE = "city", "-"  # the city's column; what belongs to no site (complaints)
# The same figure published twice: one cell.
SAME_AS = {("hospital_transfers", ""): ("incident_outcomes", "hospital")}
# Figures that are not counts, shown only when the counts they are made of are shown.
DERIVED = {"visits_per_person": (("visits", ""), ("unique_persons", "")),
           "wait_minutes": (("visits", ""),),
           "overdue_to_look_in_minutes": (("booths_overdue", ""),),
           "report_pickup_minutes": (("neighbourhood_reports_total", ""),)}


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


def _cell(name, key, col):
    name, key = SAME_AS.get((name, key), (name, key))
    return name, key, col


def _table(name, values, rows, cols, cell_id, actual):
    """The grid `rows × cols` with its totals, if its totals are the figures published
    (`actual`); otherwise one breakdown per column, tied to the column's total only when
    it adds up (a figure that is not a sum is not claimed to be one)."""
    table = disclosure.grid(name, values, rows, cols, cell_id)
    if all(actual.get(c, v) == v for c, _, _, v in table.cells):
        return [table]
    out = []
    for col in [*cols, None]:
        items = {cell_id(r, col): actual.get(cell_id(r, col), 0) for r in rows}
        out.append(disclosure.column(f"{name}:{col}", items, cell_id(None, col),
                                     actual.get(cell_id(None, col))))
    return out


def protected_month(sites_all, first: date, last: date) -> tuple[dict, dict, set]:
    """Every figure of the month for every site and the city, protected together (the ONE
    call of `protect`): a site's export and the city's cannot be subtracted from each other
    either. Returns the summaries {column: summary}, {cell id: value} and the hidden ids;
    a cell id is (indicator, key, column), the column a site's slug or "city"."""
    summaries = {site.slug: indicators.summary([site], first, last) for site in sites_all}
    summaries[CITY] = indicators.summary(sites_all, first, last)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    daily = dict(((day, slug), n) for day, slug, n in (
        VisitDay.objects.filter(site__in=sites_all, day__gte=first, day__lte=last,
                                left_queue=False)
        .order_by().values_list("day", "site__slug").annotate(n=Sum("visits"))))
    actual = {}
    for col, summary_ in summaries.items():
        for name, key, value in indicators.flatten(summary_):
            actual[_cell(name, key, col)] = value
        for day in days:
            actual[("day", day.isoformat(), col)] = (
                daily.get((day, col), 0) if col != CITY
                else sum(daily.get((day, s.slug), 0) for s in sites_all))
    slugs = [site.slug for site in sites_all]
    tables = []
    for total, names in FAMILIES:
        for name in names:
            keys = sorted({str(k) for summary_ in summaries.values() for k in summary_[name]})
            cols = list(slugs)
            values = {(k, c): actual.get(_cell(name, k, c), 0) for k in keys for c in slugs}
            rest = {k: actual.get(_cell(name, k, CITY), 0) - sum(values[(k, c)] for c in slugs)
                    for k in keys}
            if total in WITH_ELSEWHERE and any(rest.values()):  # about no particular room
                cols.append(ELSEWHERE)
                values.update({(k, ELSEWHERE): v for k, v in rest.items()})
                actual[(total, "", ELSEWHERE)] = sum(rest.values())

            def cell_id(r, c, name=name, total=total):
                c = c or CITY
                return (total, "", c) if r is None else _cell(name, r, c)

            tables += _table(name, values, keys, cols, cell_id, actual)
    rows = ["visits", "queue_abandoned"]
    tables += _table("check_ins", {(r, c): actual[(r, "", c)] for r in rows for c in slugs},
                     rows, slugs, lambda r, c: ("check_ins" if r is None else r, "", c or CITY),
                     actual)
    iso = [day.isoformat() for day in days]
    tables += _table("daily", {(d, c): actual[("day", d, c)] for d in iso for c in slugs},
                     iso, slugs, lambda r, c: ("visits", "", c or CITY) if r is None
                     else ("day", r, c or CITY), actual)
    in_table = {cell for table in tables for cell, _, _, _ in table.cells}
    # Every other count of the sites that adds up to the city's (refusals by reason,
    # naloxone uses, services by kind, ...): a column of the sites with the city as its
    # total, or else the city minus the other sites would give a suppressed site's count.
    # A figure that is not a sum (unique persons, quarantines for every site) stays free.
    counted = {(name, key) for name, key, col in actual if col == CITY
               and name not in DERIVED and isinstance(actual[(name, key, col)], int)
               and not isinstance(actual[(name, key, col)], bool)
               and (name, key, col) not in in_table}
    for name, key in sorted(counted):
        items = {(name, key, slug): actual.get((name, key, slug), 0) for slug in slugs}
        city = actual[(name, key, CITY)]
        if city == sum(items.values()):
            tables.append(disclosure.column(f"{name}:{key}", items, (name, key, CITY), city))
    in_table = {cell for table in tables for cell, _, _, _ in table.cells}
    free = disclosure.Table("single")
    for cell, value in actual.items():
        if (cell[0] not in DERIVED and isinstance(value, int) and not isinstance(value, bool)
                and cell not in in_table):
            free.add(cell, None, None, value)
    tables.append(free)
    hidden = disclosure.protect(tables, settings.STOFRUM_SUPPRESS_BELOW)
    for name, needs in DERIVED.items():
        for col in summaries:
            if any((*cell, col) in hidden for cell in needs):
                hidden.update(cell for cell in actual if cell[0] == name and cell[2] == col)
    return summaries, actual, hidden


def _flat(summaries: dict, col: str):
    """(indicator, key, value) of one column, every breakdown listing the keys of every
    column (0 where this one has none): a missing line would tell a 0, and with the zeros
    told a `..` would be at least 1."""
    for name, value in summaries[col].items():
        if name in ("from", "to", "sites"):
            continue
        if not isinstance(value, dict):
            yield name, "", value
            continue
        mine = {str(k): v for k, v in value.items()}
        keys = dict.fromkeys(str(k) for c in (col, CITY, *summaries)
                             for k in summaries[c][name])
        for key in keys:
            yield name, key, mine.get(key, 0)


def published(summaries: dict, values: dict, hidden: set, col: str):
    """(indicator, key, value, shown) of one column of a protected month
    (`protected_month`): `shown` is the value as it may leave the municipality, `..` for a
    suppressed cell (and for a 0 listed only because another column has that key)."""
    for name, key, value in _flat(summaries, col):
        cell = _cell(name, key, col)
        shown = disclosure.MARK if cell not in values and value == 0 else \
            disclosure.show(value, cell, hidden)
        yield name, key, value, shown


def csv_rows(scope):
    """For each whole month of the scope: the summary as (indicator, key, value) and the
    visits per day, protected with every site's and the city's (`protected_month`). After
    the codes come their readable names in the current language (Danish unless asked
    otherwise): the code columns keep their names and places."""
    from stofrum.sites.models import Site

    months = export_months(scope.day_from, scope.day_to)
    names = code_names()
    col = scope.site.slug if scope.site else CITY
    sites_all = list(Site.objects.all())
    yield ["# " + suppression_note()]
    for first, last in months:
        summaries, values, hidden = protected_month(sites_all, first, last)
        yield ["# from", first.isoformat(), "to", last.isoformat(),
               "sites", " ".join(s.slug for s in scope.sites)]
        yield ["indicator", "key", "value", "indicator_label", "key_label"]
        for name, key, _value, shown in published(summaries, values, hidden, col):
            yield [name, key, shown, str(INDICATOR_LABELS.get(name, name)),
                   names_for(name, key, names)]
        yield []
        yield ["day", "visits"]
        for i in range((last - first).days + 1):
            day = (first + timedelta(days=i)).isoformat()
            cell = ("day", day, col)
            yield [day, disclosure.show(values[cell], cell, hidden)]
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

"""The open minimum data set (docs/minimum-data-set.md, machine-readable in
docs/minimum-data-set.schema.json): the indicators a room publishes each month, as rows
`period, site, indicator, key, value, unit`.

It counts nothing of its own. Every figure is one of the summary's (`indicators.summary`,
the dashboards' and reports' figures), and what may leave the municipality is protected
by the exports' one protection of a whole month (`exports.protected_month`, `..` for a
suppressed cell): the data set is a chosen subset of the export's published cells, so the
two never disagree.

`INDICATORS` is the registry. An indicator another app provides (booth watch, drug alerts)
names that app and is served only when the app is installed and its figure is in the
summary; until then it is left out, never given a made-up value.
"""

import csv
from dataclasses import dataclass

from django.apps import apps

from stofrum.stats import exports, indicators

FIELDS = ("period", "site", "indicator", "key", "value", "unit")
STATS = "stofrum.stats"


@dataclass(frozen=True)
class Indicator:
    name: str          # the summary's key (docs/indicators.md) and the row's `indicator`
    unit: str          # what one is counted in: visits, persons, incidents, minutes, ...
    canada: int | None = None  # which of Health Canada's nine monthly indicators, if any
    app: str = STATS   # the app whose statistics give the figure


INDICATORS: tuple[Indicator, ...] = (
    # Health Canada's nine monthly indicators for supervised consumption sites.
    Indicator("visits", "visits", canada=1),
    Indicator("unique_persons", "persons", canada=2),
    Indicator("visits_by_gender", "visits", canada=3),
    Indicator("visits_by_age_band", "visits", canada=3),
    Indicator("visits_by_substance", "visits", canada=4),
    Indicator("visits_by_method", "visits", canada=4),
    Indicator("services_by_kind", "services", canada=5),
    Indicator("referrals", "referrals", canada=6),
    Indicator("referrals_by_target", "referrals", canada=6),
    Indicator("incidents", "incidents", canada=7),
    Indicator("incidents_by_kind", "incidents", canada=7),
    Indicator("naloxone_uses", "incidents", canada=8),
    Indicator("ambulance_calls", "incidents", canada=9),
    # The door and the queue.
    Indicator("refused", "check-ins"),
    Indicator("queue_abandoned", "check-ins"),
    Indicator("wait_minutes", "minutes"),
    Indicator("assisted_intakes", "visits"),
    # Booth watch and drug alerts (their apps give the figures).
    Indicator("booth_look_ins", "look-ins", app="stofrum.watch"),
    Indicator("booths_overdue", "overdue periods", app="stofrum.watch"),
    Indicator("booths_escalated", "overdue periods", app="stofrum.watch"),
    Indicator("overdue_to_look_in_minutes", "minutes", app="stofrum.watch"),
    Indicator("drug_alerts", "alerts", app="stofrum.alerts"),
    Indicator("drug_alert_incidents", "incidents", app="stofrum.alerts"),
)


def served() -> list[Indicator]:
    """The indicators this installation publishes: those whose app is installed."""
    return [i for i in INDICATORS if i.app == STATS or apps.is_installed(i.app)]


def missing() -> list[Indicator]:
    """Defined in the data set but not served here (their app is not installed)."""
    names = {i.name for i in served()}
    return [i for i in INDICATORS if i.name not in names]


@dataclass(frozen=True)
class Row:
    period: str        # YYYY-MM
    site: str          # a site's slug, or "city"
    indicator: str
    key: str           # the breakdown's code ("" for a single figure)
    value: object      # the figure (None: not defined, e.g. a median of no waits)
    unit: str
    shown: object      # as published: `..` for a suppressed cell

    def published(self) -> dict:
        """The row as the API and the CSV give it (FIELDS)."""
        return {"period": self.period, "site": self.site, "indicator": self.indicator,
                "key": self.key, "value": self.shown, "unit": self.unit}


def column(scope) -> str:
    return scope.site.slug if scope.site else exports.CITY


def _ordered(month: str, col: str, figures) -> list[Row]:
    """Rows of the served indicators in the registry's order; `figures` gives
    (indicator, key, value, shown) in the summary's order."""
    wanted = {i.name: i for i in served()}
    by_name: dict[str, list[Row]] = {}
    for name, key, value, shown in figures:
        if name in wanted:
            by_name.setdefault(name, []).append(
                Row(month, col, name, key, value, wanted[name].unit, shown))
    return [row for name in wanted for row in by_name.get(name, [])]


def month_rows(sites_all, col: str, first, last) -> list[Row]:
    """The data set of one whole calendar month that has ended, for one column (a site's
    slug or the city), protected as every export (`exports.protected_month`)."""
    summaries, values, hidden = exports.protected_month(sites_all, first, last)
    return _ordered(first.strftime("%Y-%m"), col,
                    exports.published(summaries, values, hidden, col))


def unpublished_rows(scope, first, last) -> list[Row]:
    """The data set of a month that has not ended, for the staff's own page only: the
    summary's figures, nothing shown as published (`shown` is None)."""
    summary = indicators.summary(scope.sites, first, last)
    return _ordered(first.strftime("%Y-%m"), column(scope),
                    ((name, key, value, None) for name, key, value
                     in indicators.flatten(summary)))


def rows(scope):
    """The published rows of every whole month of the scope (`export_whole_months`, 400,
    unless the scope is whole calendar months that have ended)."""
    from stofrum.sites.models import Site

    months = exports.export_months(scope.day_from, scope.day_to)
    sites_all = list(Site.objects.all())
    col = column(scope)
    for first, last in months:
        yield from month_rows(sites_all, col, first, last)


def stream_csv(scope):
    """The CSV: one comment line (`#`) on suppression, the header (FIELDS), the rows; an
    undefined value (None) is empty, a suppressed one `..`."""
    writer = csv.writer(exports._Echo())
    yield f"# {exports.suppression_note()}\r\n"  # as is: a quoted line is no comment
    yield writer.writerow(FIELDS)
    for row in rows(scope):
        item = row.published()
        yield writer.writerow(["" if item[f] is None else item[f] for f in FIELDS])

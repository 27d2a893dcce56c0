"""Exports that may leave the municipality: CSV (streamed) and XLSX, with small counts
suppressed and a line saying so."""

import csv
import io

from django.conf import settings
from django.db.models import Sum

from stofrum.stats import indicators
from stofrum.stats.labels import INDICATOR_LABELS, code_names, names_for
from stofrum.stats.models import VisitDay


class _Echo:
    def write(self, value):
        return value


def suppression_note() -> str:
    return (f"Counts from 1 to {settings.STOFRUM_SUPPRESS_BELOW - 1} are suppressed "
            f"(shown as <{settings.STOFRUM_SUPPRESS_BELOW}) / Tal fra 1 til "
            f"{settings.STOFRUM_SUPPRESS_BELOW - 1} er undertrykt")


def csv_rows(scope):
    """The summary as (indicator, key, value), then the daily visits by site, intake
    method, gender and age band, read from the database in chunks (memory stays flat).
    The summary has just brought the stale days up to date for the rows that follow.
    After the codes come their readable names in the current language (Danish unless
    asked otherwise): the code columns keep their names and places."""
    names = code_names()
    yield ["# " + suppression_note()]
    yield ["# from", scope.day_from.isoformat(), "to", scope.day_to.isoformat(),
           "sites", " ".join(s.slug for s in scope.sites)]
    yield ["indicator", "key", "value", "indicator_label", "key_label"]
    summary = indicators.summary(scope.sites, scope.day_from, scope.day_to)
    for name, key, value in indicators.flatten(summary):
        yield [name, key, indicators.suppress(value), str(INDICATOR_LABELS.get(name, name)),
               names_for(name, key, names)]
    yield []
    yield ["day", "site", "method", "gender", "age_band", "visits", "site_name",
           "method_label", "gender_label"]
    site_names = {s.slug: s.name for s in scope.sites}
    rows = (VisitDay.objects.filter(site__in=scope.sites, day__gte=scope.day_from,
                                    day__lte=scope.day_to, left_queue=False)
            .values_list("day", "site__slug", "method__code", "gender", "age_band")
            .annotate(n=Sum("visits")).order_by("day", "site__slug", "method__code",
                                                "gender", "age_band"))
    for day, site, method, gender, band, n in rows.iterator(chunk_size=2000):
        yield [day.isoformat(), site, method, gender, band, indicators.suppress(n),
               site_names.get(site, site), str(names["method"](method) or method),
               str(names["gender"](gender) or gender)]


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

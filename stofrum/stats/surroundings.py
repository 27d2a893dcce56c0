"""The surrounding environment (nærmiljø) on the dashboards, next to the visits: syringes
collected per week and zone, people seen using in public, rounds done against rounds due
(the figures: stofrum/rounds/figures.py)."""

from datetime import timedelta

from django.utils.translation import gettext as _

from stofrum.rounds import figures
from stofrum.stats import charts
from stofrum.stats.indicators import open_minutes, periods
from stofrum.stats.summaries import copenhagen, day_bounds


def weeks_of(day_from, day_to) -> list[tuple]:
    """(first day, last day) of each week (Monday to Sunday) cut to the scope's days."""
    return [(max(first, day_from), min(first + timedelta(days=6), day_to))
            for first in periods(day_from, day_to, "week")]


def dashboard(scope) -> dict:
    weeks = weeks_of(scope.day_from, scope.day_to)
    data = figures.weekly(scope.sites, weeks, day_bounds, open_minutes, copenhagen())
    names = figures.zone_names()
    labels = [first.isoformat() for first in data["weeks"]]
    totals = [sum(col) for col in zip(*data["zones"].values(), strict=True)] \
        if data["zones"] else [0] * len(labels)
    return {
        "weeks": labels,
        "zones": [(names.get(key, key), values, sum(values))
                  for key, values in data["zones"].items()],
        "syringe_totals": totals,
        "rows": list(zip(labels, totals, data["public_use"], data["done"], data["due"],
                         strict=True)),
        "chart": charts.columns(list(zip(labels, totals, strict=True)),
                                _("Syringes collected per week")),
    }

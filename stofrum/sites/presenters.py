"""How site facts read on a page (shared by the public and the staff pages)."""

from django.utils.translation import gettext as _

from stofrum.sites.choices import Weekday


def _span(hours) -> str:
    if hours.all_day:
        return _("Open around the clock")
    return f"{hours.opens:%H:%M}–{hours.closes:%H:%M}"


def opening_hours_rows(site) -> list[tuple[str, str]]:
    """(day label, hours) rows; consecutive days with the same hours are joined, e.g.
    ("Monday–Friday", "10:00–18:00"); a site open around the clock every day is one row."""
    by_day: dict[int, list[str]] = {d: [] for d in Weekday.values}
    for hours in site.opening_hours.all():
        by_day[hours.weekday].append(_span(hours))
    labels = dict(Weekday.choices)
    rows: list[tuple[str, str]] = []
    start = 0
    for day in range(1, 8):
        if day < 7 and by_day[day] == by_day[start]:
            continue
        spans = ", ".join(by_day[start]) or _("Closed")
        first, last = labels[start], labels[day - 1]
        if start == 0 and day == 7:
            label = _("Every day")
        elif start == day - 1:
            label = str(first)
        else:
            label = f"{first}–{last}"
        rows.append((label, spans))
        start = day
    return rows

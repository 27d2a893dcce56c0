"""Booth-watch figures (issue 14) on hand-made overdue periods: how many booths went
overdue, how many escalated, minutes from overdue to the look-in (median, p90), per site,
and the weekday × hour heat map of where staff are stretched."""

from datetime import UTC, date, datetime, timedelta

import pytest

from stofrum.stats import indicators
from stofrum.visits.services import check_in
from stofrum.watch.models import LookIn, Overdue, Resolution

pytestmark = pytest.mark.django_db

MON = date(2026, 3, 23)  # a Monday, winter time: Copenhagen is UTC+1


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def periods(door, sites, make_person):
    h17 = check_in(door, make_person(alias="Hanne"), sites["h17"], ["heroin"], "injection")
    skyen = check_in(door, make_person(alias="Sune", site="skyen"), sites["skyen"],
                     ["heroin"], "injection")

    def period(visit, due, minutes=None, resolution=Resolution.LOOK_IN, escalated=False):
        Overdue.objects.create(
            visit=visit, site=visit.site, booth=visit.booth, anchor_at=due - timedelta(
                minutes=10), due_at=due, noticed_at=due,
            escalated_at=due + timedelta(minutes=10) if escalated else None,
            resolved_at=due + timedelta(minutes=minutes, seconds=30) if minutes is not None
            else None, resolution=resolution if minutes is not None else "")
        if resolution == Resolution.LOOK_IN and minutes is not None:
            LookIn.objects.create(visit=visit, site=visit.site, booth=visit.booth,
                                  staff=door, at=due + timedelta(minutes=minutes, seconds=30))

    # H17, Monday 09:xx Copenhagen (08:xx UTC): looked in after 1, 2, 3, 4 and 12 minutes.
    for n, minutes in enumerate((1, 2, 3, 4, 12)):
        period(h17, utc(2026, 3, 23, 8, n * 5), minutes, escalated=minutes > 10)
    # H17, Monday 14:xx: ended by an alarm (not timed), and one still open.
    period(h17, utc(2026, 3, 23, 13, 0), 3, Resolution.ALARM)
    period(h17, utc(2026, 3, 23, 13, 30))
    # Skyen, Tuesday 22:xx: 7 minutes. And one outside the range (Sunday before).
    period(skyen, utc(2026, 3, 24, 21, 10), 7)
    period(skyen, utc(2026, 3, 22, 10, 0), 30)
    return sites


def test_booth_watch_figures_per_site_and_city(periods):
    h17 = indicators.booth_watch([periods["h17"]], MON, MON + timedelta(days=6))
    assert h17 == {"look_ins": 5, "overdue": 7, "escalated": 1,
                   "minutes": {"median": 3, "p90": 12}}
    skyen = indicators.booth_watch([periods["skyen"]], MON, MON + timedelta(days=6))
    assert skyen == {"look_ins": 1, "overdue": 1, "escalated": 0,
                     "minutes": {"median": 7, "p90": 7}}
    city = indicators.summary([periods["h17"], periods["skyen"]], MON, MON + timedelta(days=6))
    assert (city["booths_overdue"], city["booths_escalated"]) == (8, 1)
    assert city["booth_look_ins"] == 6  # Sunday's look-in (Skyen) is outside the range
    assert city["overdue_to_look_in_minutes"] == {"median": 3, "p90": 12}
    empty = indicators.booth_watch([periods["reden"]], MON, MON)
    assert empty == {"look_ins": 0, "overdue": 0, "escalated": 0,
                     "minutes": {"median": None, "p90": None}}


def test_the_heat_map_counts_overdue_booths_by_copenhagen_weekday_and_hour(periods):
    rows = indicators.heatmap([periods["h17"], periods["skyen"]], MON,
                              MON + timedelta(days=6))["rows"]
    counts = {(row["weekday"], h): cell["overdue"] for row in rows
              for h, cell in enumerate(row["hours"]) if cell["overdue"]}
    assert counts == {(1, 9): 5, (1, 14): 2, (2, 22): 1}


def test_the_dashboard_shows_the_booth_watch(periods, cast, login, client):
    login(cast["admin"])
    page = client.get("/staff/stats/", {"from": "2026-03-23", "to": "2026-03-29"})
    html = page.content.decode()
    assert 'aria-labelledby="watch-title"' in html
    assert 'class="data heat-table watch-heat"' in html
    table = html.split('class="data watch-by-site"')[1].split("</table>")[0]
    assert '<td class="num">7</td><td class="num">1</td><td class="num">3</td>' \
           '<td class="num">12</td>' in table

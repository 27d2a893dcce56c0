from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from stofrum.sites.models import OpeningHours, Site
from stofrum.sites.presenters import opening_hours_rows

CPH = ZoneInfo("Europe/Copenhagen")


def at(y, mo, d, h, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=CPH)


@pytest.fixture
def site(sites):
    site = sites["sundholm"]
    site.opening_hours.all().delete()
    return site


def hours(site, weekday, opens, closes):
    return OpeningHours.objects.create(site=site, weekday=weekday, opens=opens, closes=closes)


def test_open_within_hours_and_closed_outside(site):
    hours(site, 0, time(9), time(21))  # Monday
    assert site.is_open_at(at(2026, 11, 23, 9, 0))       # Monday 09:00
    assert site.is_open_at(at(2026, 11, 23, 20, 59))
    assert not site.is_open_at(at(2026, 11, 23, 21, 0))  # closing time is exclusive
    assert not site.is_open_at(at(2026, 11, 24, 10, 0))  # Tuesday: no hours


def test_hours_past_midnight_belong_to_the_day_they_start(site):
    hours(site, 4, time(20), time(2))  # Friday 20:00 – Saturday 02:00
    assert site.is_open_at(at(2026, 11, 27, 23, 30))
    assert site.is_open_at(at(2026, 11, 28, 1, 59))      # Saturday night, still Friday's span
    assert not site.is_open_at(at(2026, 11, 28, 2, 0))
    assert not site.is_open_at(at(2026, 11, 28, 21, 0))  # Saturday evening has no span


def test_midnight_to_midnight_means_all_day(site):
    hours(site, 6, time(0), time(0))
    assert site.is_open_at(at(2026, 11, 29, 0, 0))
    assert site.is_open_at(at(2026, 11, 29, 23, 59))
    assert not site.is_open_at(at(2026, 11, 30, 0, 0))


def test_hours_follow_copenhagen_time_across_daylight_saving(site):
    hours(site, 6, time(9), time(21))  # Sunday 29 March 2026: clocks go forward at 02:00
    utc = ZoneInfo("UTC")
    assert site.is_open_at(datetime(2026, 3, 29, 7, 0, tzinfo=utc))      # 09:00 CEST
    assert not site.is_open_at(datetime(2026, 3, 29, 6, 59, tzinfo=utc))  # 08:59 CEST


def test_a_planned_or_closed_site_is_never_open(sites):
    mobile = sites["mobile"]
    assert mobile.status == "planned"
    assert not mobile.is_open_at(at(2026, 11, 23, 12))  # Monday noon, inside its hours
    h17 = sites["h17"]
    assert h17.is_open_at(at(2026, 11, 23, 3))
    Site.objects.filter(pk=h17.pk).update(status="closed")
    h17.refresh_from_db()
    assert not h17.is_open_at(at(2026, 11, 23, 3))


def test_rows_join_days_with_the_same_hours(sites):
    mobile = sites["mobile"]
    mobile.opening_hours.all().delete()
    for weekday in range(5):
        hours(mobile, weekday, time(10), time(18))
    with translation.override("en"):
        assert opening_hours_rows(sites["mobile"]) == [
            ("Monday–Friday", "10:00–18:00"), ("Saturday–Sunday", "Closed")]
        assert opening_hours_rows(sites["h17"]) == [("Every day", "Open around the clock")]

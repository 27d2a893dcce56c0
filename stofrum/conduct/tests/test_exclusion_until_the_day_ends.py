""""Excluded for the rest of the day" lasts until the site's day ends — its closing time,
after midnight in a room open at night, or the day boundary in a room open around the
clock — not until midnight (issue 16, item 9). Explicit Copenhagen moments throughout."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from stofrum.conduct import services
from stofrum.conduct.models import Quarantine
from stofrum.errors import DomainError
from stofrum.sites.models import OpeningHours
from stofrum.visits.models import RefusedCheckIn
from stofrum.visits.services import check_in

CPH = ZoneInfo("Europe/Copenhagen")


def at(y, mo, d, h, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=CPH)


@pytest.fixture
def night_room(sites):
    """h17 open 10:00–02:00 every day (closing after midnight)."""
    site = sites["h17"]
    OpeningHours.objects.filter(site=site).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(site=site, weekday=day, opens=time(10), closes=time(2)) for day in range(7))
    return site


@pytest.fixture
def clock_room(sites):
    """skyen open around the clock (the shared fixture's hours)."""
    return sites["skyen"]


def check_in_at(monkeypatch, moment, door, person, site):
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return check_in(door, person, site, ["heroin"], "injection")


def refusal_at(monkeypatch, moment, door, person, site):
    with pytest.raises(DomainError) as info:
        check_in_at(monkeypatch, moment, door, person, site)
    return info.value


def test_the_day_ends_at_closing_time_after_midnight_or_at_the_boundary(
        night_room, clock_room, settings):
    settings.STOFRUM_DAY_BOUNDARY = time(6)
    assert night_room.day_ends_at(at(2026, 11, 27, 23, 56)) == at(2026, 11, 28, 2)
    assert night_room.day_ends_at(at(2026, 11, 28, 0, 30)) == at(2026, 11, 28, 2)
    assert night_room.day_ends_at(at(2026, 11, 27, 12)) == at(2026, 11, 28, 2)
    assert clock_room.day_ends_at(at(2026, 11, 27, 23, 56)) == at(2026, 11, 28, 6)
    assert clock_room.day_ends_at(at(2026, 11, 28, 5, 59)) == at(2026, 11, 28, 6)
    assert clock_room.day_ends_at(at(2026, 11, 28, 6)) == at(2026, 11, 29, 6)
    settings.STOFRUM_DAY_BOUNDARY = time(8)
    assert clock_room.day_ends_at(at(2026, 11, 27, 23, 56)) == at(2026, 11, 28, 8)


def test_a_split_day_ends_after_its_last_opening(sites):
    site = sites["reden"]
    OpeningHours.objects.filter(site=site).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(site=site, weekday=day, opens=opens, closes=closes)
        for day in range(7) for opens, closes in ((time(8), time(12)), (time(18), time(22))))
    assert site.day_ends_at(at(2026, 11, 27, 9)) == at(2026, 11, 27, 22)


def test_excluded_at_23_56_in_a_room_open_until_two_is_refused_at_00_05(
        monkeypatch, night_room, door, make_person):
    person = make_person()
    exclusion = services.exclude_for_today(door, person, night_room, reason="Dealing",
                                           now=at(2026, 11, 27, 23, 56))
    assert exclusion.ends_at == at(2026, 11, 28, 2)
    assert (exclusion.starts_on, exclusion.ends_on) == (at(2026, 11, 27, 0).date(),
                                                        at(2026, 11, 28, 0).date())

    error = refusal_at(monkeypatch, at(2026, 11, 28, 0, 5), door, person, night_room)
    assert error.code == "excluded_today"
    assert "quarantine" not in str(error.message).lower()
    assert "karantæne" not in str(error.message).lower()
    assert "02:00" in str(error.message)
    assert error.extra["until"] == at(2026, 11, 28, 2).isoformat()
    assert refusal_at(monkeypatch, at(2026, 11, 28, 1, 59), door, person,
                      night_room).code == "excluded_today"
    # Counted as turned away, with its own reason.
    assert list(RefusedCheckIn.objects.values_list("code", flat=True)) == [
        "excluded_today", "excluded_today"]
    # The same rule, asked directly, on both sides of the end.
    assert Quarantine.objects.in_force_at(at(2026, 11, 28, 1, 59)).filter(
        pk=exclusion.pk).exists()
    assert not Quarantine.objects.in_force_at(at(2026, 11, 28, 2)).exists()
    assert exclusion.in_force_at(at(2026, 11, 28, 1, 59))
    assert not exclusion.in_force_at(at(2026, 11, 28, 2))
    # The next opening is a new day.
    assert check_in_at(monkeypatch, at(2026, 11, 28, 10, 5), door, person, night_room).pk


def test_excluded_at_23_56_in_a_room_open_around_the_clock_lasts_until_the_boundary(
        monkeypatch, clock_room, door, make_person, settings):
    settings.STOFRUM_DAY_BOUNDARY = time(6)
    person = make_person(site="skyen")
    exclusion = services.exclude_for_today(door, person, clock_room, reason="Threats",
                                           now=at(2026, 11, 27, 23, 56))
    assert exclusion.ends_at == at(2026, 11, 28, 6)
    for moment in (at(2026, 11, 28, 0, 5), at(2026, 11, 28, 5, 59)):
        assert refusal_at(monkeypatch, moment, door, person,
                          clock_room).code == "excluded_today"
    assert check_in_at(monkeypatch, at(2026, 11, 28, 6), door, person, clock_room).pk


def test_a_quarantine_still_says_quarantine_over_an_exclusion(
        monkeypatch, clock_room, door, make_person, make_staff):
    person = make_person(site="skyen")
    leader = make_staff("leader", ["skyen"])
    now = at(2026, 11, 27, 23, 56)
    monkeypatch.setattr(timezone, "now", lambda: now)
    services.exclude_for_today(door, person, clock_room, reason="r")
    services.decide_quarantine(leader, person, [clock_room], reason="r",
                               until=now.date() + timedelta(days=7))
    assert refusal_at(monkeypatch, at(2026, 11, 28, 0, 5), door, person,
                      clock_room).code == "quarantined"


def test_the_database_keeps_an_exclusion_within_a_day(door, make_person):
    start = at(2026, 11, 27, 23, 56)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quarantine.objects.create(kind="day_exclusion", person=make_person(), reason="r",
                                  starts_on=start.date(), ends_on=start.date(),
                                  starts_at=start, ends_at=start + timedelta(hours=25),
                                  decided_by=door)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quarantine.objects.create(kind="day_exclusion", person=make_person(alias="Other"),
                                  reason="r", starts_on=start.date(), ends_on=start.date(),
                                  decided_by=door)


def test_api_refuses_check_in_with_excluded_today(api_as, door, make_person, sites):
    person = make_person()
    r = api_as(door).post("/quarantines/exclusions", {"person": person.code, "site": "h17",
                                                      "reason": "Dealing"})
    assert r.status_code == 201, r.json()
    assert r.json()["ends_at"] and r.json()["kind"] == "day_exclusion"
    r = api_as(door).post("/visits", {"person": person.code, "site": "h17",
                                      "substances": ["heroin"], "method": "injection"})
    assert r.status_code == 422 and r.json()["code"] == "excluded_today"


# --- which rule: picked from the site's current house rules, or "other" ----------------


def test_the_rule_is_picked_from_the_sites_current_house_rules(door, make_person, sites):
    person = make_person()
    choices = services.house_rule_choices(sites["h17"])
    assert len(choices) >= 2
    value, line = choices[1]
    v = services.record_violation(door, person, sites["h17"], rule_ref=value,
                                  description="Sold pills")
    assert v.rule == line and v.rule_number == 2 and v.house_rules_id == int(
        value.split(":")[0])
    other = services.record_violation(door, person, sites["h17"], rule_ref="other",
                                      rule="No dogs inside", description="Brought a dog")
    assert other.rule == "No dogs inside" and other.house_rules is None
    for bad in ("999999:1", f"{value.split(':')[0]}:99", "x"):
        with pytest.raises(DomainError) as info:
            services.record_violation(door, person, sites["h17"], rule_ref=bad,
                                      description="x")
        assert info.value.code == "unknown_rule" and info.value.status == 400


def test_the_violation_form_offers_the_house_rules_and_stores_the_pick(
        client, login, door, make_person, sites):
    person = make_person()
    login(door)
    page = client.get(f"/staff/persons/{person.code}/").content.decode()
    value, line = services.house_rule_choices(sites["h17"])[0]
    assert f'value="{value}"' in page and 'name="rule_choice"' in page
    r = client.post(f"/staff/persons/{person.code}/violations",
                    {"site": "h17", "rule_choice": value, "description": "Shouted",
                     "exclude_today": "1"})
    assert r.status_code == 302
    violation = person.violations.get()
    assert violation.rule == line and violation.rule_number == 1
    assert violation.quarantines.get().ends_at is not None

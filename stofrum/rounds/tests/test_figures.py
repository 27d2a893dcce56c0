"""The rounds' figures in statistics, on hand-made data: March 2026 at H17 and Skyen, with a
round that ends just after midnight into April (the Copenhagen day decides)."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from stofrum.rounds import services
from stofrum.rounds.models import RoundSchedule
from stofrum.stats import indicators
from stofrum.stats.scope import Scope
from stofrum.stats.surroundings import dashboard

CPH = ZoneInfo("Europe/Copenhagen")
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(day, hour, minute=0):
    return datetime(2026, 3 if day <= 31 else 4, day if day <= 31 else day - 31, hour,
                    minute, tzinfo=CPH)


@pytest.fixture
def march(sites, door):
    services.seed_zones()
    RoundSchedule.objects.create(site=sites["h17"], every_minutes=360)
    h17, skyen = sites["h17"], sites["skyen"]
    rounds = [
        (h17, at(3, 10), at(3, 10, 30), ["halmtorvet"], 12, 2,
         {"litter": 5, "contacts": {"neighbours": 1}}),
        (h17, at(3, 14), at(3, 14, 40), ["halmtorvet", "skelbaekgade"], 3, 0, {}),
        (h17, at(10, 9), at(10, 9, 20), [], 6, 4, {"contacts": {"police": 1}}),
        (skyen, at(4, 22, 30), at(4, 23, 30), ["istedgade"], 7, 1, {}),
        # ends at 00:10 on 1 April, Copenhagen time: April's
        (h17, at(31, 23, 40), at(32, 0, 10), ["dybboelsbro"], 100, 9, {}),
    ]
    for site, began, ended, zones, syringes, seen, extra in rounds:
        services.record_round(door, site, started_at=began, ended_at=ended, zones=zones,
                              syringes=syringes, public_use_seen=seen, **extra)
    return sites


def test_a_sites_month(march):
    s = indicators.summary([march["h17"]], *MARCH)

    assert s["rounds"] == 3
    assert s["rounds_due"] == 31 * 4  # open around the clock, one every 6 hours
    assert s["syringes_collected"] == 21
    assert s["syringes_by_zone"] == {"h17:halmtorvet": 12, "h17:-": 6, "h17:+": 3}
    assert s["drug_litter_collected"] == 5
    assert s["public_use_seen"] == 6
    assert s["neighbourhood_contacts"] == {"neighbours": 1, "shops": 0, "police": 1}


def test_the_city_keeps_the_sites_zones_apart_and_counts_due_rounds_of_open_sites(march):
    s = indicators.summary(list(march.values()), *MARCH)

    assert s["syringes_collected"] == 28
    assert s["syringes_by_zone"]["skyen:istedgade"] == 7
    assert sum(s["syringes_by_zone"].values()) == s["syringes_collected"]
    # H17 every 6 h; Skyen, Reden and Sundholm every 3 h (the default); the mobile room is
    # only planned: none due there
    assert s["rounds_due"] == 31 * (4 + 8 + 8 + 8)


def test_april_gets_the_round_that_ended_after_midnight(march):
    s = indicators.summary([march["h17"]], date(2026, 4, 1), date(2026, 4, 1))
    assert s["syringes_collected"] == 100 and s["syringes_by_zone"] == {"h17:dybboelsbro": 100}


def test_the_dashboard_weeks(march):
    with translation.override("en"):
        data = dashboard(Scope(sites=[march["h17"]], site=march["h17"],
                               day_from=MARCH[0], day_to=MARCH[1]))

    # Week from (syringes, seen, done, due): 1 March is a Sunday, a week of one day
    assert data["rows"][:3] == [("2026-03-01", 0, 0, 0, 4), ("2026-03-02", 15, 2, 2, 28),
                                ("2026-03-09", 6, 4, 1, 28)]
    zones = {name: values for name, values, _ in data["zones"]}
    assert zones["H17 · Halmtorvet"][:2] == [0, 12]
    assert zones["H17 · several zones"][:2] == [0, 3]


def test_the_dashboard_and_report_show_them_to_a_leader(client, login, make_staff, march,
                                                        english):
    login(make_staff("leader", ["h17"], username="leader-h17"))
    page = client.get("/staff/stats/h17/?from=2026-03-01&to=2026-03-31").content.decode()
    assert "Syringes collected per week" in page and "H17 · Halmtorvet" in page
    assert "3 / 124" in page  # rounds done / due
    report = client.get("/staff/stats/h17/report/?year=2026&month=3").content.decode()
    assert "Syringes collected by zone" in report and "H17 · several zones" in report


def test_the_export_suppresses_small_counts_and_what_would_reveal_them(
        api_as, make_staff, march, monkeypatch):
    from stofrum.stats import exports

    monkeypatch.setattr(exports, "today", lambda: date(2026, 4, 15))
    analyst = make_staff("analyst", ["h17", "skyen", "reden", "sundholm", "mobile"])
    response = api_as(analyst).get("/stats/export.csv", site="h17",
                                   **{"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    values = {(r[0], r[1]): r[2] for r in rows if len(r) == 5}

    # 6, but Skyen's is 1 and the city's 7: shown, the city minus h17 would tell Skyen's
    assert values[("public_use_seen", "")] == ".."
    assert values[("rounds", "")] == ".."  # 3
    assert values[("syringes_by_zone", "h17:+")] == ".."  # 3
    family = [values[("syringes_collected", "")],
              *(v for (name, _), v in values.items() if name == "syringes_by_zone")]
    # 21 = 12 + 3 + 6: with one `..` alone, the total minus the rest would tell it
    assert family.count("..") >= 2
    assert values[("syringes_by_zone", "skyen:istedgade")] == ".."  # 0 here

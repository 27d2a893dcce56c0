"""The neighbours' reports in the statistics (by kind, time to pickup: hand-made data),
the monthly report and the exports (suppressed, never contact details), and the retention
of contact details after a report is closed."""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.desk.services import apply_retention
from stofrum.neighbours.models import NeighbourReport
from stofrum.stats.indicators import summary

DAY = date(2026, 3, 10)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def made(site, kind, received, pickup_minutes=None, contact="tlf 22334455"):
    closed = None if pickup_minutes is None else received + timedelta(minutes=pickup_minutes)
    return NeighbourReport.objects.create(
        site=site, kind=kind, place="Istedgade", contact=contact, received_at=received,
        closed_at=closed, outcome="collected" if closed else "")


@pytest.fixture
def hand_made(sites):
    """h17: six syringe reports picked up after 5, 10, 20, 30, 60 and 120 minutes, one
    litter report still open; skyen: one disturbance after 7; no room: one other after 3;
    and one h17 report the day after the range."""
    h17 = sites["h17"]
    for i, minutes in enumerate([30, 5, 120, 10, 60, 20]):
        made(h17, "syringe", at(DAY, 8 + i), minutes)
    made(h17, "litter", at(DAY, 15))
    made(sites["skyen"], "disturbance", at(DAY, 9), 7)
    made(None, "other", at(DAY, 10), 3)
    made(h17, "syringe", at(DAY + timedelta(days=1), 9), 1)
    return sites


def test_reports_by_kind_and_time_to_pickup_per_site(hand_made):
    s = summary([hand_made["h17"]], DAY, DAY)
    assert s["neighbourhood_reports"] == {"syringe": 6, "litter": 1}
    assert s["neighbourhood_reports_total"] == 7
    # 5 10 20 30 60 120: the median is the 3rd (20), the 90th percentile the 6th (120)
    assert s["report_pickup_minutes"] == {"median": 20, "p90": 120}
    assert "22334455" not in str(s) and "Istedgade" not in str(s)


def test_the_city_counts_the_reports_of_no_room_too(hand_made):
    from stofrum.sites.models import Site

    s = summary(Site.objects.all(), DAY, DAY)
    assert s["neighbourhood_reports"] == {"syringe": 6, "disturbance": 1, "litter": 1,
                                          "other": 1}
    # 3 5 7 10 20 30 60 120: the 4th (10) and the 8th (120)
    assert s["report_pickup_minutes"] == {"median": 10, "p90": 120}
    empty = summary([hand_made["reden"]], DAY, DAY)
    assert empty["neighbourhood_reports"] == {}
    assert empty["report_pickup_minutes"] == {"median": None, "p90": None}


def test_the_dashboard_and_the_api_show_them(api_as, client, login, make_staff, hand_made):
    leader = make_staff("leader", ["h17"])
    r = api_as(leader).get("/stats/summary", site="h17", **{"from": DAY.isoformat(),
                                                            "to": DAY.isoformat()})
    assert r.json()["neighbourhood_reports"]["syringe"] == 6
    assert r.json()["report_pickup_minutes"] == {"median": 20, "p90": 120}
    login(leader)
    page = client.get(f"/staff/stats/h17/?from={DAY}&to={DAY}").content.decode()
    assert 'id="neighbourhood-title"' in page and "20 / 120" in page
    monthly = client.get("/staff/stats/h17/report/?year=2026&month=3").content.decode()
    assert "<code class=\"small\">report_pickup_minutes</code>" in monthly
    assert "22334455" not in page + monthly


def test_the_export_suppresses_them_and_never_holds_contact_details(
        api_as, make_staff, sites, monkeypatch):
    from stofrum.stats import exports

    monkeypatch.setattr(exports, "today", lambda: date(2026, 4, 2))
    for i in range(6):
        made(sites["h17"], "syringe", at(DAY, 8 + i), 10 + i, contact="mail@example.dk")
    made(sites["h17"], "litter", at(DAY, 15), 4)
    analyst = make_staff("analyst", ["h17", "skyen", "reden", "sundholm", "mobile"])
    r = api_as(analyst).get("/stats/export.csv", site="h17",
                            **{"from": "2026-03-01", "to": "2026-03-31"})
    text = b"".join(r.streaming_content).decode()
    assert "mail@example.dk" not in text and "Istedgade" not in text
    values = {(row[0], row[1]): row[2] for row in csv.reader(io.StringIO(text))
              if len(row) == 5}
    assert values[("neighbourhood_reports", "litter")] == ".."
    # the total minus the syringes would reveal the litter: not both are shown
    shown = [values[("neighbourhood_reports_total", "")],
             values[("neighbourhood_reports", "syringe")]]
    assert ".." in shown and set(shown) <= {"7", "6", ".."}
    assert values[("report_pickup_minutes", "median")] in ("..", "12")


# --- retention ---------------------------------------------------------------------------

def test_contact_details_go_the_days_after_the_report_closed(sites, settings):
    settings.STOFRUM_NEIGHBOUR_CONTACT_DAYS = 30
    closed = made(sites["h17"], "syringe", at(DAY, 9), 60)
    still_open = made(sites["h17"], "litter", at(DAY - timedelta(days=400), 9))
    closed_day = timezone.localdate(closed.closed_at)
    assert apply_retention(closed_day + timedelta(days=30))["neighbour_contacts_removed"] == 0
    out = io.StringIO()
    call_command("apply_retention", "--today", str(closed_day + timedelta(days=31)),
                 stdout=out)
    assert "neighbour contact details removed: 1" in out.getvalue()
    closed.refresh_from_db()
    still_open.refresh_from_db()
    assert closed.contact == "" and closed.contact_removed_at is not None
    assert closed.place == "Istedgade" and closed.kind == "syringe"  # the figures stay
    assert still_open.contact == "tlf 22334455"
    event = AuditEvent.objects.get(action="neighbours.contact_removed")
    assert "22334455" not in str(event.changes) + event.summary
    assert apply_retention(closed_day + timedelta(days=31))["neighbour_contacts_removed"] == 0
    assert summary([sites["h17"]], DAY, DAY)["neighbourhood_reports"] == {"syringe": 1}

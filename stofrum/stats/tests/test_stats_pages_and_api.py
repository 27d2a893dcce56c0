"""The statistics API, dashboards, reports and exports: who may see them, the same
numbers everywhere, suppression in what leaves the municipality, live after a check-in."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from stofrum.stats import indicators
from stofrum.visits.services import check_in, check_out


@pytest.fixture
def analyst(make_staff):
    return make_staff("analyst", ["h17", "skyen", "reden", "sundholm", "mobile"])


@pytest.fixture
def month_ended(monkeypatch):
    """The current month has ended, as far as exports are concerned (they cover whole
    months that have ended only)."""
    from stofrum.stats import exports

    now = timezone.localdate()
    next_month = (now.replace(day=28) + timedelta(days=4)).replace(day=1)
    monkeypatch.setattr(exports, "today", lambda: next_month)
    return now.replace(day=1), next_month - timedelta(days=1)


@pytest.fixture
def today_visits(door, make_person, sites):
    visits = []
    for i in range(7):
        person = make_person(alias=f"Person {i}", birth_year=1970 + i)
        visit = check_in(door, person, sites["h17"], ["heroin"], "injection")
        visits.append(check_out(door, visit))
    return visits


def test_a_check_in_shows_in_the_statistics_at_once(door, make_person, sites):
    today = timezone.localdate()
    before = indicators.summary([sites["h17"]], today, today)["visits"]
    check_in(door, make_person(), sites["h17"], ["heroin"], "injection")
    assert indicators.summary([sites["h17"]], today, today)["visits"] == before + 1


def test_merging_persons_keeps_the_statistics_right(door, make_person, sites):
    from stofrum.desk.services import merge_persons

    today = timezone.localdate()
    a = make_person(alias="Ane", birth_year=1980, gender="female")
    b = make_person(alias="Anne", birth_year=1980, gender="male")
    check_out(door, check_in(door, b, sites["h17"], ["heroin"], "injection"))
    assert indicators.summary([sites["h17"]], today, today)["visits_by_gender"] == {"male": 1}
    merge_persons(door, a, b)
    assert indicators.summary([sites["h17"]], today, today)["visits_by_gender"] == {
        "female": 1}


def test_correcting_a_person_keeps_the_statistics_right(door, make_person, sites):
    from stofrum.people.services import update_person

    today = timezone.localdate()
    person = make_person(alias="Bo", birth_year=1980, gender="male")
    check_out(door, check_in(door, person, sites["h17"], ["heroin"], "injection"))
    assert indicators.summary([sites["h17"]], today, today)["visits_by_gender"] == {"male": 1}
    update_person(door, person, gender="female")
    assert indicators.summary([sites["h17"]], today, today)["visits_by_gender"] == {
        "female": 1}


def test_api_summary_has_the_contract_fields(api_as, analyst, today_visits):
    r = api_as(analyst).get("/stats/summary", site="h17")
    assert r.status_code == 200
    body = r.json()
    for key in ("visits", "unique_persons", "visits_by_method", "visits_by_substance",
                "assisted_intakes", "incidents_by_kind", "naloxone_uses", "referrals",
                "new_persons", "quarantines", "refused", "wait_minutes", "queue_abandoned"):
        assert key in body, key
    assert body["visits"] == 7 and body["unique_persons"] == 7
    assert set(body["wait_minutes"]) == {"median", "p90"}


def test_api_series_and_bad_input(api_as, analyst, today_visits):
    today = timezone.localdate().isoformat()
    r = api_as(analyst).get("/stats/series", site="h17", bucket="day", **{"from": today,
                                                                           "to": today})
    assert r.status_code == 200 and r.json()["items"] == [{"period": today, "value": 7}]
    assert api_as(analyst).get("/stats/series", bucket="year").status_code == 400
    r = api_as(analyst).get("/stats/summary", **{"from": "2026-02-30"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
    r = api_as(analyst).get("/stats/summary", **{"from": "2026-05-01", "to": "2026-04-01"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_date"


def test_csv_export_suppresses_small_cells_and_says_so(api_as, analyst, today_visits,
                                                       settings, month_ended):
    settings.STOFRUM_SUPPRESS_BELOW = 10
    r = api_as(analyst).get("/stats/export.csv", site="h17")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
    assert "Counts below 10" in rows[0][0]
    as_dict = {(row[0], row[1]): row[2] for row in rows if len(row) == 5}
    assert as_dict[("visits", "")] == ".."
    assert as_dict[("incidents", "")] == ".."  # zeros too: `..` may hold a 0
    settings.STOFRUM_SUPPRESS_BELOW = 5
    rows = list(csv.reader(io.StringIO(b"".join(
        api_as(analyst).get("/stats/export.csv", site="h17").streaming_content).decode())))
    assert {(row[0], row[1]): row[2] for row in rows if len(row) == 5}[("visits", "")] == "7"


@pytest.mark.parametrize("role, sites_, status", [
    ("reception", ["h17"], 403), ("health", ["h17"], 403), ("leader", ["skyen"], 404),
    ("leader", ["h17"], 200), ("admin", [], 200)])
def test_who_may_see_a_sites_statistics(api_as, make_staff, sites, role, sites_, status):
    staff = make_staff(role, sites_)
    assert api_as(staff).get("/stats/summary", site="h17").status_code == status


def test_analysts_see_counts_only_never_persons(api_as, analyst, today_visits, client,
                                                login):
    assert api_as(analyst).get("/visits").status_code == 403
    assert api_as(analyst).get("/persons", q="Person").status_code == 403
    login(analyst)
    html = client.get("/staff/stats/h17/").content.decode()
    for visit in today_visits:
        assert visit.person.code not in html and visit.person.alias not in html


def test_dashboard_and_reports_render(client, login, analyst, today_visits):
    login(analyst)
    r = client.get("/staff/stats/")
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count("<svg") >= 5 and "<table" in html
    assert client.get("/staff/stats/h17/?bucket=week").status_code == 200
    assert client.get("/staff/stats/h17/?from=2026-13-01").status_code == 400
    year = timezone.localdate().year
    r = client.get(f"/staff/stats/h17/report/?year={year}")
    assert r.status_code == 200 and "visits" in r.content.decode()
    r = client.get(f"/staff/stats/report/?year={year}&month=2")
    assert r.status_code == 200
    assert client.get("/staff/stats/report/?year=20x6").status_code == 400
    assert client.get("/staff/stats/report/?year=2026&month=13").status_code == 400


def test_report_downloads(client, login, analyst, today_visits, month_ended):
    login(analyst)
    month = timezone.localdate()
    r = client.get(f"/staff/stats/h17/report/?year={month.year}&month={month.month}"
                   "&format=csv")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    r = client.get(f"/staff/stats/h17/report/?year={month.year}&month={month.month}"
                   "&format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_month_report_covers_the_whole_month(client, login, analyst):
    login(analyst)
    r = client.get("/staff/stats/report/?year=2024&month=2")
    assert date(2024, 2, 29).strftime("%Y") in r.content.decode()
    assert r.context["scope"].day_to == date(2024, 2, 29)
    r = client.get("/staff/stats/report/?year=2026&month=12")
    assert r.context["scope"].day_to == date(2026, 12, 31)


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_exports_carry_danish_labels_beside_the_codes(api_as, analyst, today_visits, client,
                                                      login, settings, month_ended):
    """Codes keep their columns and places; the readable names follow them, in Danish by
    default (issue 16, item 10e). Suppression still applies."""
    settings.STOFRUM_SUPPRESS_BELOW = 10
    rows = _csv(api_as(analyst).get("/stats/export.csv", site="h17"))
    assert rows[2] == ["indicator", "key", "value", "indicator_label", "key_label"]
    by_key = {(row[0], row[1]): row for row in rows if len(row) == 5}
    assert by_key[("visits", "")][2:] == ["..", "Besøg", ""]
    assert by_key[("visits_by_method", "injection")][3:] == ["Besøg pr. indtagelsesform",
                                                              "Injektion"]
    assert by_key[("visits_by_gender", "male")][4] == "Mand"
    daily_head = rows.index(["day", "visits"])
    assert rows[daily_head + 1] == [month_ended[0].isoformat(), ".."]

    login(analyst)
    first, last = month_ended
    r = client.get("/staff/stats/h17/report/", {"format": "xlsx", "year": first.year,
                                                "month": first.month})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(r.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert ["indicator", "key", "value", "indicator_label", "key_label"] in [
        list(v[:5]) for v in values]
    assert any(v[0] == "visits_by_method" and v[4] == "Injektion" for v in values)

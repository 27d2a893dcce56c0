"""The open minimum data set (issue 14): every figure it publishes is the dashboard's for
the same month, suppressed exactly as the exports, served as JSON and CSV with the columns
the Frictionless Table Schema names, and every indicator documented."""

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from conftest import FAST_PASSWORD_HASHERS, new_staff, seed_test_sites
from stofrum.alerts.models import DrugAlert
from stofrum.care.models import Referral, ReferralTarget, Service, ServiceKind
from stofrum.health.models import Incident, Intervention
from stofrum.people.models import Person
from stofrum.sites.models import Booth, IntakeMethod
from stofrum.stats import disclosure, exports, mds
from stofrum.stats.summaries import rebuild
from stofrum.visits.models import RefusedCheckIn, Substance, Visit

DOCS = Path(__file__).resolve().parents[3] / "docs"
SCHEMA = json.loads((DOCS / "minimum-data-set.schema.json").read_text())
FIRST, LAST = date(2026, 4, 1), date(2026, 4, 30)  # a month that has ended
MONTH = {"from": FIRST.isoformat(), "to": LAST.isoformat()}


def utc(day, hour=12, minute=0):
    return datetime(2026, 4, day, hour, minute, tzinfo=UTC)


def build_month(door, sites):
    """April 2026 at h17 (20 visits) and Skyen (10), worked out so that most figures are
    shown and some suppressed (below 5, or revealing one that is)."""
    h17, skyen = sites["h17"], sites["skyen"]
    injection = IntakeMethod.objects.get(code="injection")
    smoking = IntakeMethod.objects.get(code="smoking")
    subst = {s.code: s for s in Substance.objects.all()}
    booth = {(site.slug, m.code): Booth.objects.filter(site=site, method=m).first()
             for site in (h17, skyen) for m in (injection, smoking)}
    persons = [Person.objects.create(alias=f"P{i}", birth_year=1980 if i < 3 or i > 5 else 1990,
                                     gender="male" if i % 2 else "female", municipality="101",
                                     created_by=door, created_site=h17) for i in range(8)]

    def visit(person, site, at, method=injection, substances=("heroin",), wait=3,
              state="done", assisted_by=None):
        v = Visit.objects.create(
            person=person, site=site, method=method, state=state, checked_in_at=at,
            booth=None if state == "left_queue" else booth[(site.slug, method.code)],
            booth_at=None if state == "left_queue" else at + timedelta(minutes=wait),
            ended_at=at + timedelta(minutes=wait + 20), checked_in_by=door,
            assisted_by=assisted_by, assistant_assessment="ok" if assisted_by else "")
        v.substances.set(subst[s] for s in substances)

    for i in range(20):  # h17: 15 injections, 5 smoked; waits 0..19 minutes
        smoked = i >= 15
        visit(persons[i % 6], h17, utc(1 + i, 10), method=smoking if smoked else injection,
              substances=("crack",) if smoked else ("heroin",), wait=i,
              assisted_by=persons[7] if i in (2, 3) else None)
    for i in range(6):
        visit(persons[i], h17, utc(21, 9 + i), state="left_queue")
    for i in range(10):  # P0 visits both rooms: the city's unique persons are not a sum
        visit(persons[0] if i == 0 else persons[6 + i % 2], skyen, utc(2 + i, 15))
    visit(persons[0], h17, utc(1, 10) - timedelta(days=2))  # March: not in the month

    for i in range(6):
        incident = Incident.objects.create(
            site=h17, kind="overdose_opioid", raised_by=door, started_at=utc(3 + i, 11),
            outcome="recovered_on_site", closed_at=utc(3 + i, 12), closed_by=door)
        kinds = ["naloxone"] if i < 5 else []
        kinds += ["ambulance_called"] if i < 2 else []
        for kind in kinds:
            Intervention.objects.create(incident=incident, kind=kind, recorded_by=door,
                                        at=utc(3 + i, 11, 5))
    for i in range(5):
        Incident.objects.create(site=skyen, kind="seizure", raised_by=door,
                                started_at=utc(9 + i, 14), outcome="recovered_on_site",
                                closed_at=utc(9 + i, 15), closed_by=door)
    wound = ServiceKind.objects.get(code="wound_care")
    for i in range(7):
        Service.objects.create(site=h17, kind=wound, given_at=utc(1 + i, 13), recorded_by=door)
    gp = ReferralTarget.objects.get(code="gp")
    for i in range(5):
        Referral.objects.create(site=h17, person=persons[i], target=gp,
                                created_at=utc(10 + i), updated_at=utc(10 + i),
                                created_by=door)
    for code, n in (("underage", 2), ("site_closed", 6)):
        for i in range(n):
            RefusedCheckIn.objects.create(site=h17, code=code, at=utc(15 + i), staff=door)
    for i in range(5):  # five warnings from the Region: every site's
        DrugAlert.objects.create(substance=subst["heroin"], source="manual",
                                 started_at=utc(3 + i, 8), ends_at=utc(4 + i, 8),
                                 ended_at=utc(4 + i, 8), raised_by=door)
    rebuild([site.pk for site in sites.values()], FIRST - timedelta(days=3), LAST)


@pytest.fixture(scope="class")
def month(django_db_setup, django_db_blocker):
    """The sites, an analyst and a leader of h17, and April 2026, built once for the class
    in a transaction rolled back after it."""
    with (django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS),
          transaction.atomic()):
        sites = seed_test_sites()
        door = new_staff("reception", ["h17", "skyen"], username="mds-door")
        build_month(door, sites)
        yield {"sites": sites,
               "analyst": new_staff("analyst", list(sites), username="mds-analyst"),
               "leader": new_staff("leader", ["h17"], username="mds-leader")}
        transaction.set_rollback(True)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _dashboard_value(s: dict, indicator: str, key: str):
    value = s[indicator]
    return value.get(key, 0) if isinstance(value, dict) else value


@pytest.mark.django_db
class TestTheMonth:
    @pytest.mark.parametrize("site", ["h17", ""])
    def test_every_figure_is_the_dashboards(self, month, api_as, client, login, site):
        """JSON, CSV and the Nøgletal page against the dashboard of the same month: a
        shown figure is the dashboard's; a suppressed one is `..` in what leaves the
        municipality and the dashboard's on the page."""
        login(month["analyst"])
        page = "/staff/stats/h17/" if site else "/staff/stats/"
        s = client.get(page, MONTH).context["s"]
        body = api_as(month["analyst"]).get("/stats/mds", site=site, **MONTH).json()
        assert body["site"] == (site or "city") and body["count"] == len(body["items"])
        shown = suppressed = 0
        for item in body["items"]:
            expected = _dashboard_value(s, item["indicator"], item["key"])
            if item["value"] == disclosure.MARK:
                suppressed += 1
            else:
                shown += 1
                assert item["value"] == expected, item
            assert item["period"] == "2026-04" and item["site"] == body["site"]
        assert shown >= 8 and suppressed >= 3

        rows = _csv(api_as(month["analyst"]).get("/stats/mds.csv", site=site, **MONTH))
        assert rows[0][0].startswith("# Counts below 5")
        assert [dict(zip(rows[1], row, strict=True)) for row in rows[2:]] == [
            {k: "" if v is None else str(v) for k, v in item.items()}
            for item in body["items"]]

        key_figures = client.get(page + "key-figures/", {"month": "2026-04"})
        on_page = [item for items in key_figures.context["groups"].values() for item in items
                   if not item.get("empty")]
        assert len(on_page) == len(body["items"])
        for item, published in zip(on_page, body["items"], strict=True):
            assert item["name"] == published["indicator"]
            assert item["shown"] == published["value"]
        by_row = {(r.indicator, r.key): r.value for r in mds.month_rows(
            list(month["sites"].values()), body["site"], FIRST, LAST)}
        for (indicator, key), value in by_row.items():
            assert value == _dashboard_value(s, indicator, key), (indicator, key)

    def test_hand_worked_figures_and_suppression(self, month, api_as):
        items = api_as(month["analyst"]).get("/stats/mds", site="h17", **MONTH).json()["items"]
        got = {(i["indicator"], i["key"]): i["value"] for i in items}
        assert got[("visits", "")] == 20
        assert got[("unique_persons", "")] == 6
        assert got[("visits_by_gender", "female")] == 10
        assert got[("visits_by_age_band", "45-54")] == 11
        assert got[("visits_by_age_band", "35-44")] == 9
        assert got[("visits_by_method", "injection")] == 15
        assert got[("visits_by_method", "smoking")] == 5
        assert got[("visits_by_substance", "crack")] == 5
        assert got[("incidents", "")] == 6 and got[("naloxone_uses", "")] == 5
        assert got[("ambulance_calls", "")] == ".."  # 2
        assert got[("services_by_kind", "wound_care")] == 7
        assert got[("referrals", "")] == 5
        assert got[("refused", "site_closed")] == 6 and got[("refused", "underage")] == ".."
        assert got[("queue_abandoned", "")] == 6
        assert got[("assisted_intakes", "")] == ".."  # 2
        assert got[("wait_minutes", "median")] == 9 and got[("wait_minutes", "p90")] == 17
        assert got[("drug_alerts", "")] == 5  # the manual ones warn every site
        assert got[("drug_alert_incidents", "")] == ".."  # 0
        # Every key any site has, zeros included, so that a missing line tells nothing.
        assert got[("incidents_by_kind", "seizure")] == ".."
        units = {i["indicator"]: i["unit"] for i in items}
        assert units["unique_persons"] == "persons" and units["wait_minutes"] == "minutes"

    def test_the_same_suppression_as_the_export(self, month, api_as):
        export = _csv(api_as(month["analyst"]).get("/stats/export.csv", site="h17", **MONTH))
        exported = {(row[0], row[1]): row[2] for row in export if len(row) == 5}
        for item in api_as(month["analyst"]).get("/stats/mds", site="h17",
                                                 **MONTH).json()["items"]:
            assert str(item["value"]) == exported[(item["indicator"], item["key"])], item

    def test_indicators_of_apps_not_installed_are_left_out(self, month, api_as):
        items = api_as(month["analyst"]).get("/stats/mds", **MONTH).json()["items"]
        served = {i["indicator"] for i in items}
        for indicator in mds.missing():
            assert indicator.name not in served
        assert served <= {i.name for i in mds.served()}

    def test_a_leader_sees_their_own_site_only(self, month, api_as, client, login):
        leader = api_as(month["leader"])
        assert leader.get("/stats/mds", site="h17", **MONTH).status_code == 200
        r = leader.get("/stats/mds", site="skyen", **MONTH)
        assert r.status_code == 404 and r.json()["code"] == "not_found"
        login(month["leader"])
        html = client.get("/staff/stats/h17/key-figures/", {"month": "2026-04"})
        text = html.content.decode()
        assert html.status_code == 200 and "Skyen" not in text
        assert 'data-indicator="visits"' in text
        assert client.get("/staff/stats/skyen/key-figures/").status_code == 404

    def test_whole_months_that_have_ended_only(self, month, api_as):
        analyst = api_as(month["analyst"])
        for bad in ({"from": "2026-04-02", "to": "2026-04-30"},
                    {"from": "2026-04-01", "to": "2026-04-29"}):
            r = analyst.get("/stats/mds", **bad)
            assert r.status_code == 400 and r.json()["code"] == "export_whole_months"
        today = exports.today()
        r = analyst.get("/stats/mds.csv", **{"from": today.replace(day=1).isoformat(),
                                             "to": today.isoformat()})
        assert r.status_code == 400 and r.json()["code"] == "export_whole_months"
        assert analyst.get("/stats/mds", **{"from": "x"}).status_code == 400
        r = analyst.get("/stats/mds", **{"from": "2026-03-01", "to": "2026-04-30"})
        assert {i["period"] for i in r.json()["items"]} == {"2026-03", "2026-04"}
        default = analyst.get("/stats/mds").json()
        assert (default["from"], default["to"]) == tuple(
            d.isoformat() for d in exports.last_whole_month())

    def test_the_csv_is_valid_against_the_schema(self, month, api_as):
        """Each CSV row, after the comment line, fits the schema: its types, its enums, its
        missing values."""
        text = b"".join(api_as(month["analyst"]).get("/stats/mds.csv",
                                                     **MONTH).streaming_content).decode()
        assert text.startswith(SCHEMA["dialect"]["commentChar"] + " Counts below 5")
        rows = list(csv.reader(io.StringIO(text)))
        header, data = rows[1], rows[2:]
        assert header == [f["name"] for f in SCHEMA["fields"]] and data
        for row in data:
            for field, cell in zip(SCHEMA["fields"], row, strict=True):
                enum = field.get("constraints", {}).get("enum")
                if cell in SCHEMA["missingValues"]:
                    assert not field.get("constraints", {}).get("required"), field["name"]
                elif field["type"] == "yearmonth":
                    assert re.fullmatch(r"\d{4}-\d{2}", cell)
                elif field["type"] == "number":
                    float(cell)
                if enum and cell not in SCHEMA["missingValues"]:
                    assert cell in enum, (field["name"], cell)


@pytest.mark.django_db
def test_the_page_of_a_month_not_yet_ended(sites, client, login, make_staff):
    login(make_staff("analyst", ["h17"]))
    r = client.get("/staff/stats/h17/key-figures/",
                   {"month": exports.today().strftime("%Y-%m")})
    assert r.status_code == 200 and r.context["ended"] is False
    assert all(item["shown"] is None for items in r.context["groups"].values()
               for item in items)
    assert client.get("/staff/stats/key-figures/", {"month": "2026-13"}).status_code == 400
    later = exports.today().replace(day=28) + timedelta(days=40)
    assert client.get("/staff/stats/key-figures/",
                      {"month": later.strftime("%Y-%m")}).status_code == 400


# --- the machine-readable definitions ----------------------------------------------------

FRICTIONLESS_TYPES = {"string", "number", "integer", "boolean", "object", "array", "date",
                      "time", "datetime", "year", "yearmonth", "duration", "geopoint",
                      "geojson", "any"}


def _field(name):
    return next(f for f in SCHEMA["fields"] if f["name"] == name)


def test_the_schema_is_a_table_schema_of_the_served_columns():
    assert [f["name"] for f in SCHEMA["fields"]] == list(mds.FIELDS)
    for field in SCHEMA["fields"]:
        assert field["type"] in FRICTIONLESS_TYPES and field.get("description")
    assert set(SCHEMA["missingValues"]) == {"", disclosure.MARK}


def test_the_schema_lists_every_indicator_of_the_registry_with_its_unit():
    names = _field("indicator")["constraints"]["enum"]
    assert names == [i.name for i in mds.INDICATORS]
    units = {i["name"]: i["unit"] for i in SCHEMA["indicators"]}
    assert units == {i.name: i.unit for i in mds.INDICATORS}
    assert set(_field("unit")["constraints"]["enum"]) == set(units.values())


def test_every_indicator_is_documented_in_both_languages():
    doc = (DOCS / "minimum-data-set.md").read_text()
    for indicator in SCHEMA["indicators"]:
        name = indicator["name"]
        rows = re.findall(rf"^\| `{name}`[ ¹²]* \|", doc, re.M)
        assert len(rows) == 2, f"{name}: not in the English and the Danish table"
        assert indicator.get("title") and indicator.get("title_da") and \
            indicator.get("description") and indicator.get("description_da"), name


@pytest.mark.django_db
def test_served_indicators_are_figures_of_the_summary(sites):
    from stofrum.stats import indicators

    summary = indicators.summary(list(sites.values()), FIRST, LAST)
    for indicator in mds.served():
        assert indicator.name in summary, indicator.name


def test_the_routes_are_in_the_openapi_document():
    from stofrum.api import api

    paths = api.get_openapi_schema()["paths"]
    assert "/api/v1/stats/mds" in paths and "/api/v1/stats/mds.csv" in paths


@pytest.mark.django_db
def test_the_page_names_a_breakdown_without_figures(sites, client, login, make_staff):
    """A month with no visits: the breakdowns have no rows in the data set, and the page
    says so instead of leaving them out."""
    login(make_staff("analyst", ["h17"]))
    r = client.get("/staff/stats/h17/key-figures/", {"month": "2026-02"})
    text = r.content.decode()
    assert r.status_code == 200 and r.context["ended"] is True
    assert 'data-indicator="visits_by_gender"' in text
    assert 'data-indicator="visits"' in text
    for indicator in mds.missing():
        assert f'data-indicator="{indicator.name}"' not in text

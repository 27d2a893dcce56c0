"""Drug alerts through health's use cases, the API and the pages: who may raise, end and
acknowledge, what each role sees, and that an alert holds no person data."""

from unittest import mock

import pytest

from stofrum.alerts.models import DrugAlert
from stofrum.health import services as health
from stofrum.visits.services import check_in

pytestmark = pytest.mark.django_db

FIELDS = {"id", "substance", "sites", "started_at", "incident_count", "source",
          "acknowledged_by_site"}


@pytest.fixture
def overdoses(door, sites, make_person, cast):
    """Three opioid overdoses with fentanyl at H17 and Skyen, through health's use cases
    (kind set at the alarm, chosen afterwards, and at closing)."""
    nurse = cast["health"]
    visits = [check_in(door, make_person(alias=f"Person {i}"), sites[site], ["fentanyl"],
                       "injection") for i, site in enumerate(("h17", "skyen", "h17"))]
    with mock.patch("stofrum.alerts.services.publish_after_commit") as publish:
        health.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visits[0])
        second = health.raise_alarm(door, sites["skyen"], visit=visits[1])
        health.set_incident_kind(door, second, "overdose_opioid")
        assert not DrugAlert.objects.exists()
        assert not publish.called
        third = health.raise_alarm(nurse, sites["h17"], visit=visits[2])
        health.close_incident(nurse, third, "recovered_on_site", kind="overdose_other")
    return {"publish": publish, "incidents": [second, third]}


def test_the_third_overdose_raises_the_alert_at_every_site(overdoses, sites):
    alert = DrugAlert.objects.get()
    assert (alert.substance.code, alert.incident_count, alert.source) == ("fentanyl", 3,
                                                                           "cluster")
    events = [c.args for c in overdoses["publish"].call_args_list]
    drug = [e for e in events if e[1] == "drug_alert"]
    assert sorted(e[0] for e in drug) == sorted(sites)  # every site, once
    assert set(FIELDS) <= set(drug[0][2]) and drug[0][2]["active"] is True
    assert {e[0] for e in events if e[1] == "board"} == set(sites)


def test_a_kind_corrected_away_from_overdose_is_no_longer_counted(overdoses, door):
    health.set_incident_kind(door, overdoses["incidents"][0], "seizure")
    assert DrugAlert.objects.get().incident_count == 2


def test_the_api_lists_the_active_alert_without_person_data(overdoses, api_as, cast):
    answer = api_as(cast["other_reception"]).get("/alerts", active="true")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert set(item) >= FIELDS
    assert item["sites"] == ["h17", "skyen"] and item["incident_count"] == 3
    assert item["acknowledged_by_site"] == {}
    text = answer.content.decode()
    for word in ("Person 0", "person_code", "alias", "visit"):
        assert word not in text
    assert api_as(cast["admin"]).get("/alerts", active="false").json()["count"] == 0


def test_who_may_do_what(overdoses, api_as, cast, sites):
    alert = DrugAlert.objects.get()
    path = f"/alerts/{alert.pk}"
    assert api_as(cast["analyst"]).get("/alerts").status_code == 403
    assert api_as().get("/alerts").status_code == 401
    assert api_as(cast["reception"]).get("/alerts/not-an-id").status_code == 404
    # Reception at Skyen acknowledges for Skyen, not for H17 (not theirs: 404).
    other = api_as(cast["other_reception"])
    assert other.post(f"{path}/acknowledge", {"site": "h17"}).status_code == 404
    assert other.post(f"{path}/acknowledge", {"site": "nowhere"}).status_code == 404
    first = other.post(f"{path}/acknowledge", {"site": "skyen"})
    assert first.status_code == 200
    acknowledged = first.json()["acknowledged_by_site"]
    assert list(acknowledged) == ["skyen"]
    # Once per site: the first time stays.
    h17 = api_as(cast["reception"]).post(f"{path}/acknowledge", {"site": "h17"})
    assert set(h17.json()["acknowledged_by_site"]) == {"h17", "skyen"}
    assert other.post(f"{path}/acknowledge", {"site": "skyen"}).json()[
        "acknowledged_by_site"]["skyen"] == acknowledged["skyen"]
    # Only a leader ends it; then nobody can acknowledge it any more.
    assert api_as(cast["reception"]).post(f"{path}/end").status_code == 403
    assert api_as(cast["leader"]).post(f"{path}/end").json()["active"] is False
    assert api_as(cast["leader"]).post(f"{path}/end").json()["code"] == "alert_ended"
    assert other.post(f"{path}/acknowledge", {"site": "skyen"}).status_code == 409
    assert api_as(cast["reception"]).get("/alerts", active="true").json()["count"] == 0


def test_a_leader_raises_one_by_hand(api_as, cast, sites):
    leader = api_as(cast["leader"])
    assert api_as(cast["reception"]).post("/alerts", {"substance": "heroin"}).status_code == 403
    assert api_as(cast["admin"]).post("/alerts", {"substance": "heroin"}).status_code == 403
    assert leader.post("/alerts", {"substance": "nothing"}).json()["code"] == "invalid_input"
    assert leader.post("/alerts", {"substance": "heroin",
                                   "note": "Batch 010185-1234"}).json()["code"] == \
        "cpr_in_free_text"
    with mock.patch("stofrum.alerts.services.publish_after_commit") as publish:
        made = leader.post("/alerts", {"substance": "heroin",
                                       "note": "The Region warns of a strong batch."})
    assert made.status_code == 201
    body = made.json()
    assert (body["source"], body["substance"], body["incident_count"]) == ("manual", "heroin", 0)
    assert {c.args[0] for c in publish.call_args_list if c.args[1] == "drug_alert"} == set(sites)
    again = leader.post("/alerts", {"substance": "heroin"})
    assert again.status_code == 409 and again.json()["alert"] == body["id"]


def test_the_board_and_the_door_show_it_with_an_acknowledge_button(overdoses, api_as, cast,
                                                                  login, client):
    board = api_as(cast["other_reception"]).get("/sites/skyen/board").json()
    assert [a["substance"] for a in board["drug_alerts"]] == ["fentanyl"]
    login(cast["other_reception"])
    page = client.get("/staff/sites/skyen/").content.decode()
    alert = DrugAlert.objects.get()
    assert 'data-drug-alert-substance="fentanyl"' in page
    assert f'action="/staff/alerts/{alert.pk}/acknowledge"' in page
    answer = client.post(f"/staff/alerts/{alert.pk}/acknowledge",
                         {"site": "skyen", "next": "/staff/sites/skyen/"})
    assert answer.status_code == 302 and answer["Location"] == "/staff/sites/skyen/"
    page = client.get("/staff/sites/skyen/").content.decode()
    assert 'class="drug-alert-ack"' in page
    assert f'action="/staff/alerts/{alert.pk}/acknowledge"' not in page
    # Not the caller's site: 404; and the home page shows the alert too.
    assert client.post(f"/staff/alerts/{alert.pk}/acknowledge",
                       {"site": "h17"}).status_code == 404
    assert 'data-drug-alert-substance="fentanyl"' in client.get("/staff/").content.decode()


def test_a_leader_s_home_page_and_the_alerts_page(overdoses, cast, login, client):
    login(cast["leader"])
    alert = DrugAlert.objects.get()
    home = client.get("/staff/").content.decode()
    assert 'data-drug-alert-substance="fentanyl"' in home
    assert f'action="/staff/alerts/{alert.pk}/acknowledge"' in home
    page = client.get("/staff/alerts/").content.decode()
    assert 'action="/staff/alerts/raise"' in page
    assert f'action="/staff/alerts/{alert.pk}/end"' in page
    login(cast["reception"])
    page = client.get("/staff/alerts/").content.decode()
    assert 'data-drug-alert-substance="fentanyl"' in page
    assert 'action="/staff/alerts/raise"' not in page
    assert f'action="/staff/alerts/{alert.pk}/end"' not in page
    assert client.post("/staff/alerts/raise", {"substance": "heroin"}).status_code == 403
    login(cast["analyst"])
    assert client.get("/staff/alerts/").status_code == 403


def test_a_wall_screen_shows_the_alert_with_nothing_to_press(client, cast, sites):
    from stofrum.alerts.services import raise_alert
    from stofrum.staff.services import create_wall_screen

    raise_alert(cast["leader"], "fentanyl", "Strong batch")
    _, key = create_wall_screen(cast["leader"], sites["h17"], "Rummet")
    client.get(f"/wall/connect/{key}/")
    page = client.get("/wall/").content.decode()
    board = page.split('id="board"')[1]
    assert 'data-drug-alert-substance="fentanyl"' in board and "Strong batch" in board
    assert "<form" not in board

"""The door through the JSON API: the same use cases, API.md's names and codes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.conduct.models import Quarantine
from stofrum.sites.models import Site
from stofrum.staff.models import ApiToken
from stofrum.visits.models import Visit


@pytest.fixture
def api(client, door):
    _, raw = ApiToken.issue(door, timezone.now() + timedelta(hours=1))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    class Api:
        def get(self, path, **params):
            return client.get(f"/api/v1{path}", params, **headers)

        def post(self, path, body=None):
            return client.post(f"/api/v1{path}", body or {}, content_type="application/json",
                               **headers)

        def patch(self, path, body):
            return client.patch(f"/api/v1{path}", body, content_type="application/json",
                                **headers)

    return Api()


def visit_body(person, site="h17", method="injection", substances=("heroin",), **extra):
    return {"person": str(person.pk), "site": site, "substances": list(substances),
            "method": method, **extra}


def test_register_person_then_sign_then_check_in(api, sites):
    r = api.post("/persons", {"alias": "Bjørn", "birth_year": 1979, "gender": "male",
                              "municipality": "101", "site": "h17"})
    assert r.status_code == 201, r.json()
    person = r.json()
    assert person["first_aid_agreement"] is None and len(person["code"]) == 6
    r = api.post(f"/persons/{person['id']}/first-aid-agreement",
                 {"site": "h17", "signature": "data:image/png;base64,iVBORw0KGgo="})
    assert r.status_code == 201 and r.json()["has_signature"] is True
    r = api.post("/visits", {"person": person["id"], "site": "h17",
                             "substances": ["heroin"], "method": "injection"})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["state"] == "in_booth" and body["booth"] == "I1"
    assert body["queue_position"] is None and body["checked_in_at"]


def test_possible_duplicate_is_a_conflict_with_candidates(api, make_person):
    existing = make_person(alias="Kim Hansen", birth_year=1980)
    r = api.post("/persons", {"alias": "kim hanssen", "birth_year": 1980, "gender": "male",
                              "municipality": "101", "site": "h17"})
    assert r.status_code == 409
    assert r.json()["code"] == "possible_duplicate"
    assert [c["code"] for c in r.json()["candidates"]] == [existing.code]
    r = api.post("/persons", {"alias": "kim hanssen", "birth_year": 1980, "gender": "male",
                              "municipality": "101", "site": "h17", "confirm_new": True})
    assert r.status_code == 201


@pytest.mark.parametrize("body, code", [
    ({"alias": "", "birth_year": 1980, "gender": "male", "municipality": "101"}, "invalid_input"),
    ({"alias": "A", "birth_year": 1850, "gender": "male", "municipality": "101"},
     "invalid_birth_year"),
    ({"alias": "A", "birth_year": 1980, "gender": "alien", "municipality": "101"},
     "invalid_input"),
    ({"alias": "A", "birth_year": 1980, "gender": "male", "municipality": "999"},
     "invalid_municipality"),
    ({"alias": "A", "birth_year": "nineteen", "gender": "male", "municipality": "101"},
     "invalid_input"),
])
def test_bad_registrations_are_400_and_write_nothing(api, sites, body, code):
    r = api.post("/persons", {**body, "site": "h17"})
    assert r.status_code == 400
    assert r.json()["code"] == code
    assert api.get("/persons", q="A").json()["count"] == 0


def test_search_is_ranked_and_folds_danish_letters(api, make_person):
    make_person(alias="Søren")
    make_person(alias="Sørensen")
    make_person(alias="Morten")
    r = api.get("/persons", q="soe")
    assert [p["alias"] for p in r.json()["items"]][:2] == ["Søren", "Sørensen"]
    assert r.json()["items"][0]["score"] >= r.json()["items"][1]["score"]


@pytest.mark.parametrize("setup, body, status, code", [
    ("underage", {}, 422, "underage"),
    ("man", {"site": "reden"}, 422, "site_women_only"),
    ("adult", {"site": "sundholm", "method": "smoking"}, 422, "method_not_offered"),
    ("adult", {"method": "smoking", "substances": ["cannabis"]}, 422, "substance_not_allowed"),
    ("quarantined", {}, 422, "quarantined"),
    ("no_agreement", {}, 422, "no_first_aid_agreement"),
    ("closed", {}, 422, "site_closed"),
    ("adult", {"assisted_by": "self"}, 422, "invalid_assistant"),
    ("checked_in", {}, 409, "already_checked_in"),
])
def test_every_refusal_code_through_the_api(api, sites, make_person, make_staff, setup, body,
                                            status, code):
    year = timezone.localdate().year
    person = make_person(birth_year=year - 16 if setup == "underage" else 1980,
                         agreement=setup != "no_agreement")
    if setup == "quarantined":
        q = Quarantine.objects.create(person=person, all_sites=True, reason="r",
                                      starts_on=timezone.localdate(),
                                      ends_on=timezone.localdate() + timedelta(days=3),
                                      decided_by=make_staff("leader"))
        assert q.pk
    if setup == "closed":
        Site.objects.filter(slug="h17").update(status="closed")
    if setup == "checked_in":
        assert api.post("/visits", visit_body(person)).status_code == 201
    if body.get("assisted_by") == "self":
        body = {**body, "assisted_by": str(person.pk), "assistant_assessment": "ok"}
    r = api.post("/visits", visit_body(person, **body))
    assert r.status_code == status, r.json()
    assert r.json()["code"] == code
    assert r.json()["message"]
    if code == "quarantined":
        assert r.json()["until"] == (timezone.localdate() + timedelta(days=3)).isoformat()


def test_checkout_promotes_the_queue_and_the_board_shows_it(api, make_person, set_booths):
    set_booths("h17", "injection", 1)
    first, second = make_person(alias="First"), make_person(alias="Second")
    v1 = api.post("/visits", visit_body(first)).json()
    v2 = api.post("/visits", visit_body(second)).json()
    assert (v1["state"], v2["state"], v2["queue_position"]) == ("in_booth", "queued", 1)
    board = api.get("/sites/h17/board").json()
    assert [b["state"] for b in board["booths"] if b["method"] == "injection"] == ["occupied"]
    assert [q["person_code"] for q in board["queue"]] == [second.code]
    r = api.post(f"/visits/{v1['id']}/checkout")
    assert r.status_code == 200 and r.json()["state"] == "done" and r.json()["checked_out_at"]
    board = api.get("/sites/h17/board").json()
    assert board["queue"] == []
    occupied = [b for b in board["booths"] if b["state"] == "occupied"]
    assert [b["visit"]["person_code"] for b in occupied] == [second.code]


def test_assistance_added_after_arrival(api, make_person):
    helper, person = make_person(alias="Helper"), make_person(alias="Needs help")
    api.post("/visits", visit_body(helper))
    visit = api.post("/visits", visit_body(person)).json()
    r = api.post(f"/visits/{visit['id']}/assistance",
                 {"assisted_by": helper.code, "assistant_assessment": "Steady hands, sober."})
    assert r.status_code == 200 and r.json()["assisted_by"] == helper.code
    assert Visit.objects.get(pk=visit["id"]).assistance_recorded_by is not None


def test_assistant_must_be_present(api, make_person):
    absent, person = make_person(alias="Absent"), make_person(alias="P")
    r = api.post("/visits", visit_body(person, assisted_by=absent.code,
                                       assistant_assessment="fine"))
    assert r.status_code == 422 and r.json()["code"] == "invalid_assistant"


def test_assisted_intake_can_be_switched_off(api, make_person):
    helper, person = make_person(alias="Helper"), make_person(alias="P")
    api.post("/visits", visit_body(helper))
    assert api.post("/sites/h17/assisted-intake", {"available": False}).status_code == 200
    r = api.post("/visits", visit_body(person, assisted_by=helper.code,
                                       assistant_assessment="fine"))
    assert r.status_code == 422 and r.json()["code"] == "assisted_intake_unavailable"


def test_visits_list_pages_and_filters(api, make_person):
    for i in range(3):
        api.post("/visits", visit_body(make_person(alias=f"P{i}")))
    r = api.get("/visits", site="h17", limit=2)
    assert r.json()["count"] == 3 and len(r.json()["items"]) == 2


def test_unknown_visit_is_not_found(api, sites):
    assert api.post("/visits/not-a-uuid/checkout").status_code == 404
    r = api.post("/visits/6f0c5f3e-64a8-4f4e-9d9c-8a5d3a1f7e11/checkout")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_patch_person_is_audited(api, make_person):
    from stofrum.audit.models import AuditEvent

    person = make_person(alias="Old")
    r = api.patch(f"/persons/{person.code}", {"alias": "New"})
    assert r.status_code == 200 and r.json()["alias"] == "New"
    event = AuditEvent.objects.get(action="people.person.changed")
    assert event.changes["alias"] == ["***", "***"]  # that it changed, never the alias

"""Corrections at the door through the JSON API and the pages (API.md's names and codes)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.conduct.services import decide_quarantine, exclude_for_today
from stofrum.visits.models import Visit


@pytest.fixture
def api(api_as, door):
    return api_as(door)


@pytest.fixture
def h17(sites, set_booths):
    set_booths("h17", "injection", 2)
    return sites["h17"]


def _check_in(api, person, method="injection", substances=("heroin",)):
    r = api.post("/visits", {"person": str(person.pk), "site": "h17", "method": method,
                             "substances": list(substances)})
    assert r.status_code == 201, r.json()
    return r.json()


def test_undo_checkout_puts_the_person_back_in_the_booth(api, h17, make_person):
    visit = _check_in(api, make_person())
    api.post(f"/visits/{visit['id']}/checkout")

    r = api.post(f"/visits/{visit['id']}/undo-checkout")

    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "in_booth" and r.json()["booth"] == visit["booth"]
    assert r.json()["checked_out_at"] is None


def test_undo_checkout_too_late_is_409(api, h17, make_person, settings):
    settings.STOFRUM_UNDO_MINUTES = 5
    visit = _check_in(api, make_person())
    api.post(f"/visits/{visit['id']}/checkout")
    Visit.objects.filter(pk=visit["id"]).update(ended_at=timezone.now() - timedelta(minutes=6))

    r = api.post(f"/visits/{visit['id']}/undo-checkout")

    assert r.status_code == 409 and r.json()["code"] == "too_late"


def test_undo_checkout_of_a_visit_elsewhere_is_not_found(api_as, cast, h17, make_person, door):
    visit = _check_in(api_as(door), make_person())
    api_as(door).post(f"/visits/{visit['id']}/checkout")
    r = api_as(cast["other_reception"]).post(f"/visits/{visit['id']}/undo-checkout")
    assert r.status_code == 404


def test_patch_corrects_substances_and_method(api, h17, make_person):
    visit = _check_in(api, make_person())

    r = api.patch(f"/visits/{visit['id']}", {"substances": ["cocaine"], "method": "smoking"})

    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["substances"] == ["cocaine"] and body["method"] == "smoking"
    assert body["booth"].startswith("R") or body["state"] == "queued"
    event = AuditEvent.objects.filter(action="visits.corrected").get()
    assert event.changes["method"] == ["injection", "smoking"]


@pytest.mark.parametrize("body, status, code", [
    ({"substances": ["cannabis"], "method": "smoking"}, 422, "substance_not_allowed"),
    ({"method": "snorting"}, 422, "method_not_offered"),
    ({"substances": []}, 400, "invalid_input"),
    ({"substances": ["glue"]}, 400, "unknown_substance"),
    ({"booth": "Z9"}, 422, "invalid_booth"),
    ({"booth": 999999}, 422, "invalid_booth"),
    ({"booth": ["I1"]}, 400, None),
])
def test_patch_refuses_with_a_clear_code(api, h17, make_person, body, status, code):
    visit = _check_in(api, make_person())
    r = api.patch(f"/visits/{visit['id']}", body)
    assert r.status_code == status, r.json()
    if code:
        assert r.json()["code"] == code


def test_patch_moves_to_a_free_booth_and_409_when_taken(api, sites, make_person, set_booths):
    set_booths("h17", "injection", 3)
    a, b = _check_in(api, make_person(alias="A")), _check_in(api, make_person(alias="B"))

    r = api.patch(f"/visits/{a['id']}", {"booth": "I3"})
    assert r.status_code == 200 and r.json()["booth"] == "I3", r.json()

    r = api.patch(f"/visits/{b['id']}", {"booth": "I3"})
    assert r.status_code == 409 and r.json()["code"] == "booth_taken"


def test_board_queue_has_minutes_waited(api, h17, make_person):
    for n in range(3):
        _check_in(api, make_person(alias=f"P{n}"))
    board = api.get("/sites/h17/board").json()
    assert board["queue"][0]["minutes_waited"] == 0


def test_persons_search_by_code(api, make_person):
    person = make_person(alias="Kodemand")
    make_person(alias="Anden")
    for q in (person.code, person.code.lower(), f"{person.code[:3]}-{person.code[3:]}"):
        r = api.get("/persons", q=q)
        assert r.status_code == 200
        assert r.json()["items"][0]["code"] == person.code, q


def test_persons_search_with_a_site_prefers_who_is_seen_there(api, h17, make_person, sites):
    make_person(alias="Dennis Ø")
    nielsen = make_person(alias="Dennis Nielsen")
    _check_in(api, nielsen)
    r = api.get("/persons", q="denn", site="h17")
    assert r.json()["items"][0]["code"] == nielsen.code
    assert api.get("/persons", q="denn", site="nowhere").status_code == 404


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def page(client, login, cast):
    login(cast["reception"])
    return client


def test_search_results_show_birth_year_code_and_a_quarantine_badge(
        page, h17, make_person, cast, door):
    out = make_person(alias="Karl Karantæne", birth_year=1971)
    today_out = make_person(alias="Karl Bortvist")
    make_person(alias="Karl Fri")
    decide_quarantine(cast["leader"], out, [h17], until=timezone.localdate() + timedelta(days=3),
                      reason="Vold")
    exclude_for_today(door, today_out, h17, reason="Råben")

    html = page.get("/staff/sites/h17/search", {"q": "karl"}).content.decode()

    assert "1971" in html and out.code in html
    assert html.count("data-quarantine=") == 2
    assert 'data-quarantine="quarantine"' in html and 'data-quarantine="day_exclusion"' in html


def test_a_quarantine_at_another_site_shows_no_badge(page, h17, sites, make_person,
                                                     make_staff):
    person = make_person(alias="Karl Andetsteds")
    decide_quarantine(make_staff("leader", ["skyen"]), person, [sites["skyen"]],
                      until=timezone.localdate() + timedelta(days=3), reason="Vold")
    html = page.get("/staff/sites/h17/search", {"q": "karl"}).content.decode()
    assert person.code in html and "data-quarantine=" not in html


def test_check_in_form_for_a_new_person_focuses_the_first_substance(page, h17, make_person):
    person = make_person(alias="Ny")
    html = page.get("/staff/sites/h17/", {"person": person.code}).content.decode()
    form = html[html.index('id="check-in-form"'):]
    first_box = form[form.index('name="substances"') - 30:form.index('name="substances"') + 200]
    assert "autofocus" in first_box
    assert 'id="check-in-submit" autofocus' not in form


def test_check_in_form_for_a_returning_person_focuses_the_button(page, h17, make_person, api):
    person = make_person(alias="Gammel")
    visit = _check_in(api, person)
    api.post(f"/visits/{visit['id']}/checkout")
    html = page.get("/staff/sites/h17/", {"person": person.code}).content.decode()
    assert 'id="check-in-submit" autofocus' in html


def test_board_offers_undo_and_correct_and_the_undo_page_works(page, h17, make_person, api):
    visit = _check_in(api, make_person(alias="Fortryder"))
    html = page.get("/staff/sites/h17/board").content.decode()
    assert f"/staff/sites/h17/visits/{visit['id']}/correct" in html
    api.post(f"/visits/{visit['id']}/checkout")
    html = page.get("/staff/sites/h17/board").content.decode()
    assert 'data-recent-checkout=' in html

    r = page.post("/staff/sites/h17/undo-check-out", {"visit": visit["id"]})

    assert r.status_code == 302
    assert Visit.objects.get(pk=visit["id"]).state == "in_booth"


def test_correct_page_moves_and_corrects(page, sites, make_person, api, set_booths):
    set_booths("h17", "injection", 3)
    visit = _check_in(api, make_person(alias="Retter"))
    url = f"/staff/sites/h17/visits/{visit['id']}/correct"
    assert page.get(url).status_code == 200

    r = page.post(url, {"substances": ["heroin", "cocaine"], "method": "injection",
                        "booth": "I3"})

    assert r.status_code == 302, r.content.decode()[:2000]
    v = Visit.objects.select_related("booth").get(pk=visit["id"])
    assert v.booth.label == "I3"
    assert sorted(s.code for s in v.substances.all()) == ["cocaine", "heroin"]


def test_correct_page_shows_a_refusal_in_place(page, h17, make_person, api):
    visit = _check_in(api, make_person(alias="Retter"), method="smoking",
                      substances=("crack",))
    r = page.post(f"/staff/sites/h17/visits/{visit['id']}/correct",
                  {"substances": ["cannabis"], "method": "smoking"})
    assert r.status_code == 422 and 'id="form-error"' in r.content.decode()

"""The door through the pages: the same rules, the message shown in place."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.conduct.models import Quarantine
from stofrum.errors import MESSAGES
from stofrum.people.models import FirstAidAgreement, Person
from stofrum.sites.models import Site
from stofrum.visits.models import Visit


@pytest.fixture
def staff_client(client, door):
    client.force_login(door)
    return client


def post_check_in(client, person, site="h17", substances=("heroin",), method="injection",
                  **extra):
    return client.post(f"/staff/sites/{site}/check-in", {
        "person": person.code, "substances": list(substances), "method": method, **extra})


def test_check_in_redirects_to_the_board_with_the_booth(staff_client, make_person):
    person = make_person(alias="Ulla")
    r = post_check_in(staff_client, person)
    assert r.status_code == 302 and r["Location"] == "/staff/sites/h17/"
    page = staff_client.get("/staff/sites/h17/").content.decode()
    assert "Ulla" in page and "I1" in page
    assert Visit.objects.get(person=person).state == "in_booth"


@pytest.mark.parametrize("setup, extra, code", [
    ("underage", {}, "underage"),
    ("man_at_reden", {"site": "reden"}, "site_women_only"),
    ("adult", {"site": "sundholm", "method": "smoking"}, "method_not_offered"),
    ("adult", {"method": "smoking", "substances": ("cannabis",)}, "substance_not_allowed"),
    ("quarantined", {}, "quarantined"),
    ("no_agreement", {}, "no_first_aid_agreement"),
    ("closed", {}, "site_closed"),
    ("adult", {"assisted_by": "self", "assistant_assessment": "ok"}, "invalid_assistant"),
    ("checked_in", {}, "already_checked_in"),
])
def test_every_refusal_is_shown_in_place(staff_client, make_person, make_staff, setup, extra,
                                         code):
    year = timezone.localdate().year
    person = make_person(birth_year=year - 15 if setup == "underage" else 1984,
                         agreement=setup != "no_agreement")
    if setup == "quarantined":
        Quarantine.objects.create(person=person, all_sites=True, reason="r",
                                  starts_on=timezone.localdate(),
                                  ends_on=timezone.localdate() + timedelta(days=2),
                                  decided_by=make_staff("leader"))
    if setup == "closed":
        Site.objects.filter(slug="h17").update(status="closed")
    if setup == "checked_in":
        post_check_in(staff_client, person)
    if extra.get("assisted_by") == "self":
        extra = {**extra, "assisted_by": person.code}
    before = Visit.objects.count()
    r = post_check_in(staff_client, person, **extra)
    html = r.content.decode()
    if code == "method_not_offered":
        # The page only offers the site's own methods; anything else is a form error.
        assert r.status_code == 400 and "field-error" in html
        assert Visit.objects.count() == before
        return
    assert r.status_code == 422
    if code == "quarantined":
        assert "karantæne" in html.lower() or "quarantine" in html.lower()
    else:
        expected = str(MESSAGES[code])
        assert expected.replace("'", "&#x27;") in html
    assert Visit.objects.count() == before
    # The form keeps what was chosen.
    assert re.search(r'value="(heroin|cannabis)"[^>]*checked', html)


def test_search_fragment_finds_by_typed_letters(staff_client, make_person):
    make_person(alias="Bjørn")
    html = staff_client.get("/staff/sites/h17/search", {"q": "bjo"}).content.decode()
    assert "Bjørn" in html and 'role="option"' in html


def test_search_results_escape_markup(staff_client, make_person):
    make_person(alias="<script>alert(1)</script>")
    html = staff_client.get("/staff/sites/h17/search", {"q": "script"}).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_picking_a_person_prefills_the_last_substance_and_method(staff_client, make_person):
    person = make_person()
    post_check_in(staff_client, person, substances=("cocaine",), method="smoking")
    visit = Visit.objects.get(person=person)
    staff_client.post("/staff/sites/h17/check-out", {"visit": str(visit.pk)})
    html = staff_client.get("/staff/sites/h17/", {"person": person.code}).content.decode()
    assert re.search(r'value="cocaine"[^>]*checked', html)
    assert re.search(r'value="smoking"[^>]*checked', html)


def test_first_visit_registers_and_signs_with_a_drawn_signature(staff_client, sites):
    r = staff_client.post("/staff/sites/h17/persons/new", {
        "alias": "Grete", "birth_year": 1970, "gender": "female", "municipality": "147"})
    person = Person.objects.get(alias="Grete")
    assert r.status_code == 302 and r["Location"].endswith(f"/persons/{person.code}/welcome")
    welcome = staff_client.get(r["Location"]).content.decode()
    assert "signature-pad" in welcome
    r = staff_client.post(r["Location"], {
        "signature": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAA",
        "house_rules_shown": "on", "signed": "on"})
    assert r.status_code == 302 and r["Location"].endswith(f"?person={person.code}")
    agreement = FirstAidAgreement.objects.get(person=person)
    assert agreement.signature.startswith("data:image/png;base64,")
    assert agreement.house_rules_shown and agreement.house_rules_version


def test_agreement_needs_the_house_rules_and_consent(staff_client, make_person):
    person = make_person(agreement=False)
    r = staff_client.post(f"/staff/sites/h17/persons/{person.code}/welcome", {})
    assert r.status_code == 400
    assert not FirstAidAgreement.objects.filter(person=person).exists()


def test_a_near_duplicate_shows_the_candidates_first(staff_client, make_person):
    existing = make_person(alias="Palle Hansen", birth_year=1975)
    body = {"alias": "Palle Hanssen", "birth_year": 1975, "gender": "male",
            "municipality": "101"}
    r = staff_client.post("/staff/sites/h17/persons/new", body)
    assert r.status_code == 409 and existing.code in r.content.decode()
    r = staff_client.post("/staff/sites/h17/persons/new", {**body, "confirm_new": "True"})
    assert r.status_code == 302
    assert Person.objects.filter(alias__startswith="Palle").count() == 2


def test_check_out_from_the_board_and_queue_promotion(staff_client, make_person, set_booths):
    set_booths("h17", "injection", 1)
    a, b = make_person(alias="A"), make_person(alias="B")
    post_check_in(staff_client, a)
    post_check_in(staff_client, b)
    va = Visit.objects.get(person=a)
    r = staff_client.post("/staff/sites/h17/check-out", {"visit": str(va.pk), "cleaning": "0"})
    assert r.status_code == 302
    assert Visit.objects.get(person=b).state == "in_booth"


def test_board_fragment_lists_booths_and_queue(staff_client, make_person, set_booths):
    set_booths("h17", "injection", 1)
    post_check_in(staff_client, make_person(alias="In booth"))
    post_check_in(staff_client, make_person(alias="Waiting"))
    html = staff_client.get("/staff/sites/h17/board").content.decode()
    assert "In booth" in html and 'data-queue-person' in html and "Waiting" in html

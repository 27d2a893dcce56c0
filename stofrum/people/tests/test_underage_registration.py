"""A person under 18 cannot be registered nor sign the first-aid agreement: the same rule
and code (`underage`) as at check-in (issue 16, item 10a)."""

import pytest
from django.utils import timezone

from stofrum.errors import DomainError
from stofrum.people.models import FirstAidAgreement, Person
from stofrum.people.services import register_person, sign_first_aid_agreement

SIGNATURE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAA"


def this_year():
    return timezone.localdate().year


def test_registration_refuses_a_16_year_old_with_underage(door, sites):
    with pytest.raises(DomainError) as info:
        register_person(door, sites["h17"], alias="Ung", birth_year=this_year() - 16,
                        gender="male", municipality="101", confirm_new=True)
    assert info.value.code == "underage" and info.value.status == 422
    assert not Person.objects.exists()
    # Adult from 1 January of the year they turn 18, as at check-in.
    assert register_person(door, sites["h17"], alias="Voksen", birth_year=this_year() - 18,
                           gender="male", municipality="101", confirm_new=True).pk


def test_registration_page_refuses_underage(client, login, door, sites):
    login(door)
    r = client.post("/staff/sites/h17/persons/new", {
        "alias": "Ung", "birth_year": this_year() - 16, "gender": "female",
        "municipality": "101", "confirm_new": "on"})
    assert r.status_code == 422
    assert "18" in r.content.decode()
    assert not Person.objects.exists()


def test_api_refuses_underage_registration(api_as, door, sites):
    r = api_as(door).post("/persons", {"alias": "Ung", "birth_year": this_year() - 16,
                                       "gender": "male", "municipality": "101",
                                       "site": "h17", "confirm_new": True})
    assert r.status_code == 422 and r.json()["code"] == "underage"
    assert not Person.objects.exists()


def test_a_minor_on_record_cannot_sign_the_agreement(client, login, door, sites, make_person,
                                                     api_as):
    minor = make_person(alias="Ung", birth_year=this_year() - 16, agreement=False)
    with pytest.raises(DomainError) as info:
        sign_first_aid_agreement(door, minor, sites["h17"], signature=SIGNATURE)
    assert info.value.code == "underage"
    login(door)
    page = client.get(f"/staff/sites/h17/persons/{minor.code}/welcome")
    html = page.content.decode()
    assert 'id="sign-form"' not in html and 'role="alert"' in html
    r = client.post(f"/staff/sites/h17/persons/{minor.code}/welcome", {
        "signature": SIGNATURE, "house_rules_shown": "on", "signed": "on"})
    assert r.status_code == 422
    r = api_as(door).post(f"/persons/{minor.code}/first-aid-agreement",
                          {"site": "h17", "signature": SIGNATURE})
    assert r.status_code == 422 and r.json()["code"] == "underage"
    assert not FirstAidAgreement.objects.filter(person=minor).exists()

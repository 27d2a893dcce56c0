import pytest

from stofrum.audit.models import AuditEvent
from stofrum.desk.services import merge_persons
from stofrum.errors import DomainError
from stofrum.people.services import get_person_for
from stofrum.visits.services import check_in, check_out


def test_merge_moves_visits_and_agreements_and_keeps_the_old_code_working(
        door, sites, make_person):
    keep, dup = make_person(alias="Bent"), make_person(alias="Bendt")
    visit = check_in(door, dup, sites["h17"], ["heroin"], "injection")
    check_out(door, visit)
    merge_persons(door, keep, dup)
    assert list(keep.visits.all()) == [visit]
    assert keep.agreements.count() == 2
    dup.refresh_from_db()
    assert dup.merged_into == keep
    assert get_person_for(door, dup.code) == keep
    event = AuditEvent.objects.get(action="people.person.merged")
    assert event.changes["merged"] == dup.code and event.changes["visits_moved"] == 1


def test_merge_refuses_when_both_have_open_visits(door, sites, make_person):
    a, b = make_person(alias="A"), make_person(alias="B")
    check_in(door, a, sites["h17"], ["heroin"], "injection")
    check_in(door, b, sites["h17"], ["heroin"], "injection")
    with pytest.raises(DomainError) as info:
        merge_persons(door, a, b)
    assert info.value.code == "open_visits" and info.value.status == 409
    b.refresh_from_db()
    assert b.merged_into is None


def test_a_person_cannot_be_merged_into_itself(door, make_person):
    a = make_person()
    with pytest.raises(DomainError) as info:
        merge_persons(door, a, a)
    assert info.value.code == "invalid_input"


def test_merge_page_merges_and_reports(client, door, make_person):
    keep, dup = make_person(alias="Kaj"), make_person(alias="Kaj K")
    client.force_login(door)
    r = client.post(f"/staff/persons/{keep.code}/merge", {"duplicate": dup.code})
    assert r.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into == keep


def test_merge_api_merges(api_as, door, make_person):
    keep, dup = make_person(alias="Kim"), make_person(alias="Kim K")
    r = api_as(door).post(f"/persons/{keep.code}/merge", {"duplicate": dup.code})
    assert r.status_code == 200 and r.json()["code"] == keep.code
    dup.refresh_from_db()
    assert dup.merged_into == keep


def test_the_person_page_offers_the_merge(client, door, make_person):
    person = make_person()
    client.force_login(door)
    page = client.get(f"/staff/persons/{person.code}/").content.decode()
    assert f'action="/staff/persons/{person.code}/merge"' in page

"""Who did what, when: a person's and a visit's audit events on their pages, for the staff
who may see the audit trail (leaders for their own sites), and refusals found by the
person's id like every other event about them."""

import re

import pytest

from stofrum.audit.filters import HISTORY_LIMIT, filter_events
from stofrum.audit.models import AuditEvent
from stofrum.errors import DomainError
from stofrum.visits.services import check_in

PANEL = 'id="history"'


@pytest.fixture
def refused_at_skyen(door, make_person, sites):
    """Registered at h17 without a first-aid agreement, then turned away at skyen."""
    person = make_person(alias="Historik", agreement=False)
    with pytest.raises(DomainError):
        check_in(door, person, sites["skyen"], ["heroin"], "injection")
    return person


def test_a_refusal_is_keyed_by_the_persons_id(refused_at_skyen, make_staff):
    admin = make_staff("admin", [])
    events = filter_events(admin, object=f"people.person:{refused_at_skyen.pk}")
    assert "visits.check_in_refused" in {e.action for e in events}
    refusal = AuditEvent.objects.get(action="visits.check_in_refused")
    assert refusal.object_id == str(refused_at_skyen.pk)


def _history_rows(html: str) -> str:
    match = re.search(r'id="history".*?</table>', html, re.S)
    return match.group(0) if match else ""


@pytest.mark.parametrize("role, sites_of, sees", [
    ("reception", ["h17", "skyen"], None),
    ("health", ["h17", "skyen"], None),
    ("leader", ["h17"], "people.person.registered"),
    ("leader", ["skyen"], "visits.check_in_refused"),
])
def test_the_person_page_shows_the_history_to_leaders_for_their_sites(
        client, login, make_staff, refused_at_skyen, role, sites_of, sees):
    login(make_staff(role, sites_of))
    r = client.get(f"/staff/persons/{refused_at_skyen.code}/")
    if r.status_code == 404:  # a page scoped to the caller's sites: nothing to show
        return
    assert r.status_code == 200
    html = r.content.decode()
    if sees is None:
        assert PANEL not in html
        return
    rows = _history_rows(html)
    assert rows, "no history panel"
    assert sees in rows and "door" in rows
    hidden = {"people.person.registered", "visits.check_in_refused"} - {sees}
    assert not any(action in rows for action in hidden)  # another site's event
    assert f"object=people.person%3A{refused_at_skyen.pk}" in html


def test_the_history_is_bounded_and_links_to_the_whole_trail(client, login, make_staff,
                                                             make_person, sites):
    person = make_person()
    AuditEvent.objects.bulk_create(
        AuditEvent(action="test.marker", object_type="people.person",
                   object_id=str(person.pk), site=sites["h17"], summary="secret words")
        for _ in range(HISTORY_LIMIT + 10))
    login(make_staff("leader", ["h17"]))
    html = client.get(f"/staff/persons/{person.code}/").content.decode()
    rows = _history_rows(html)
    assert rows.count("test.marker") == HISTORY_LIMIT
    assert "secret words" not in html  # who, what and when only: no summaries
    assert f'/staff/audit/?object=people.person%3A{person.pk}' in html


def test_the_visit_page_shows_its_history_to_leaders_only(client, login, make_staff, door,
                                                          make_person, sites):
    visit = check_in(door, make_person(), sites["h17"], ["heroin"], "injection")
    url = f"/staff/sites/h17/visits/{visit.pk}/correct"

    login(make_staff("reception", ["h17"], username="reception-2"))
    r = client.get(url)
    assert r.status_code == 200 and PANEL not in r.content.decode()

    login(make_staff("leader", ["h17"]))
    r = client.get(url)
    rows = _history_rows(r.content.decode())
    assert "visits.checked_in" in rows and "door" in rows
    assert f"object=visits.visit%3A{visit.pk}" in r.content.decode()

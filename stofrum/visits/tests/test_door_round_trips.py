"""What one check-in and one search at the door cost in round trips to the database, pinned
so that a change cannot make the door slower without saying so here (issue 13; the numbers
behind it are in docs/performance.md, "Check-in and search").

Each entry is one round trip. On PostgreSQL several statements go in one
(stofrum/round_trip.py); SQLite runs in the process, so there it counts statements. Update
the numbers, and the list of what they are, only for a reason worth stating."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stofrum.people.models import Person
from stofrum.sites.models import Site
from stofrum.staff.models import StaffMember
from stofrum.visits.services import check_in, check_out, get_visit_for

# One check-in (the use case, a booth free), the staff member and site as an API request
# has them (nothing cached on them yet), in a process that has checked someone in since
# the rooms' opening hours, intake methods or substances last changed (the first check-in
# after a change reads them again: 3 more; see test_door_config.py):
CHECK_IN = {
    "postgresql": [
        "the staff member's sites (may they register here?)",
        "BEGIN",
        "the person's quarantine, exclusion and first-aid agreement in one query, with the "
        "stamp of the opening hours, intake methods and substances this process keeps "
        "(stofrum/visits/door_config.py; read again only after a change) and the day "
        "marked stale for the statistics",
        "the site's lock, the visit with its arrival number, its substances, the booth lock",
        "free booths given to the queue at the time read after the booth lock, the queue as "
        "it now is, the audit chain's lock (foreign keys checked first) and its last link",
        "the audit event (foreign keys deferred again) and the board event, NOTIFY in the "
        "transaction (delivered at the commit, never lost)",
        "COMMIT",
    ],
    "sqlite": [
        "the staff member's sites (may they register here?)",
        "BEGIN IMMEDIATE",
        "the person's quarantine, exclusion and first-aid agreement, in one query",
        "the stamp of what this process keeps of the rooms (door_config.py)",
        "the day marked stale for the statistics",
        "the visit with its arrival number",
        "its substances",
        "the booths of its method",
        "the booths taken",
        "the queue's first (this visit)",
        "this visit into the free booth",
        "the audit chain's last link",
        "the audit event",
        "COMMIT",
    ],
}

# One check-out (the use case) of a visit as the door's request has it (site, person, booth
# and intake method loaded with it, by `get_visit_for`), nobody queued:
CHECK_OUT = {
    "postgresql": [
        "BEGIN",
        "the day marked stale, the booth lock, the visit's row lock",
        "the visit ended, free booths given to the queue, the audit chain's lock (foreign "
        "keys checked first) and its last link",
        "the audit event and the board event (NOTIFY, delivered at the commit)",
        "COMMIT",
    ],
    "sqlite": [
        "BEGIN IMMEDIATE",
        "the day marked stale",
        "the booths of its method",
        "the visit, read again in the transaction",
        "the visit ended",
        "the booths taken",
        "the queue's first (nobody)",
        "the audit chain's last link",
        "the audit event",
        "COMMIT",
    ],
}

# POST /api/v1/visits with a bearer token and an Idempotency-Key (the door sends one):
API_CHECK_IN = {
    "postgresql": [
        "BEGIN (the key's transaction: everything below commits together)",
        "the bearer token and its staff member",
        "expired use of the key forgotten, the key claimed",
        "the site",
        "the staff member's sites",
        "the person",
        "SAVEPOINT (a refusal by the rules is recorded and kept)",
        "the person's quarantine, exclusion and first-aid agreement, the stamp of what "
        "this process keeps of the rooms, and the day marked stale",
        "the site's lock, the visit, its substances, the booth lock",
        "the queue filled (at the time read after the lock) and read, the audit chain's lock "
        "and its last link",
        "the audit event and the board event (NOTIFY, delivered at the commit)",
        "RELEASE SAVEPOINT",
        "the visit's substances, for the answer",
        "the answer kept under the key",
        "COMMIT",
    ],
}

# GET /api/v1/persons?q=... (a prefix that finds few enough that typos are looked for too):
API_SEARCH = {
    "postgresql": [
        "the bearer token and its staff member",
        "the query as a person code (it could be one: 5 to 12 letters and digits)",
        "the prefix matches",
        "the typo matches (nearest by the trigram index)",
        "when each candidate was last seen",
        "the persons shown",
        "their first-aid agreements",
        "the staff member's sites (which agreements they may see)",
    ],
    "sqlite": [
        "the bearer token and its staff member",
        "the query as a person code (it could be one: 5 to 12 letters and digits)",
        "the candidates sharing a trigram or a word start",
        "when each candidate was last seen",
        "the persons shown",
        "their first-aid agreements",
        "the staff member's sites (which agreements they may see)",
    ],
}


def assert_round_trips(expected: dict, captured):
    wanted = expected.get(connection.vendor)
    if wanted is None:
        pytest.skip(f"not pinned on {connection.vendor}")
    sql = [q["sql"][:160] for q in captured.captured_queries]
    assert len(sql) == len(wanted), "\n".join(
        [f"expected {len(wanted)} round trips, made {len(sql)}:", *sql])


@pytest.fixture
def at_the_door(door, sites, make_person):
    # Someone checked in before: this process keeps what the door reads of the rooms.
    check_in(StaffMember.objects.get(pk=door.pk), make_person(alias="Before"),
             Site.objects.get(slug="h17"), ["heroin"], "injection")
    person = make_person(alias="Søren Hansen")
    # As a request has them: fresh from the database, nothing cached.
    return (StaffMember.objects.get(pk=door.pk), Person.objects.get(pk=person.pk),
            Site.objects.get(slug="h17"))


def test_one_check_in(at_the_door):
    staff, person, site = at_the_door
    with CaptureQueriesContext(connection) as captured:
        visit = check_in(staff, person, site, ["heroin"], "injection")
    assert visit.state == "in_booth"
    assert_round_trips(CHECK_IN, captured)


def test_one_check_out(at_the_door):
    staff, person, site = at_the_door
    visit = check_in(staff, person, site, ["heroin"], "injection")
    visit = get_visit_for(staff, visit.pk)
    with CaptureQueriesContext(connection) as captured:
        ended = check_out(staff, visit)
    assert ended.state == "done" and ended.ended_at is not None
    assert_round_trips(CHECK_OUT, captured)


def test_one_check_in_through_the_api(at_the_door, api_as):
    staff, person, _ = at_the_door
    api = api_as(staff)
    with CaptureQueriesContext(connection) as captured:
        r = api.post("/visits", {"person": str(person.pk), "site": "h17",
                                 "substances": ["heroin"], "method": "injection"},
                     HTTP_IDEMPOTENCY_KEY="door-1")
    assert r.status_code == 201, r.json()
    assert r.json()["substances"] == ["heroin"] and r.json()["booth"]
    assert_round_trips(API_CHECK_IN, captured)


def test_one_search_through_the_api(at_the_door, make_person, api_as):
    staff, person, _ = at_the_door
    make_person(alias="Sørine")
    api = api_as(staff)
    with CaptureQueriesContext(connection) as captured:
        r = api.get("/persons", q="soren")
    assert r.status_code == 200
    assert [p["code"] for p in r.json()["items"]][:1] == [person.code]
    assert_round_trips(API_SEARCH, captured)

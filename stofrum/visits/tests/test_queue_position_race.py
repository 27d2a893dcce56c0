"""The queue position told at check-in is exact under concurrency (PostgreSQL): fifty
people checked in at the same moment at a site whose booths are all taken are told 1..50,
each number once, in the order the board shows them and the booths are given."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import race
from stofrum.staff.models import ApiToken
from stofrum.visits.models import Visit
from stofrum.visits.services import check_in, check_out

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 50
BOOTHS = 3


def test_fifty_simultaneous_check_ins_are_told_1_to_50_in_the_board_order(
        door, sites, make_person, set_booths):
    site = sites["h17"]
    set_booths("h17", "injection", BOOTHS)
    inside = [check_in(door, make_person(alias=f"Inde {i}"), site, ["heroin"], "injection")
              for i in range(BOOTHS)]
    assert all(v.state == "in_booth" for v in inside)
    people = [make_person(alias=f"Venter {i}") for i in range(CLIENTS)]
    _, raw = ApiToken.issue(door, timezone.now() + timedelta(hours=1))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def arrive(person):
        r = Client().post("/api/v1/visits", {"person": person.code, "site": "h17",
                                             "substances": ["heroin"], "method": "injection"},
                          content_type="application/json", **auth)
        assert r.status_code == 201, r.content
        return r.json()

    told = race([(lambda p=p: arrive(p)) for p in people])
    assert all(t["state"] == "queued" for t in told)
    positions = {t["id"]: t["queue_position"] for t in told}
    assert sorted(positions.values()) == list(range(1, CLIENTS + 1)), sorted(positions.values())

    board = Client().get("/api/v1/sites/h17/board", **auth).json()
    order = [q["visit"] for q in board["queue"]]
    assert [positions[v] for v in order] == list(range(1, CLIENTS + 1))
    assert [q["position"] for q in board["queue"]] == list(range(1, CLIENTS + 1))

    # The booths are given in the same order: the one told 1 gets the next free booth.
    check_out(door, inside[0])
    first = next(v for v, p in positions.items() if p == 1)
    assert Visit.objects.get(pk=first).state == "in_booth"

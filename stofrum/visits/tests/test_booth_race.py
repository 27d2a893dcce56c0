"""The database keeps the booth promises under concurrent check-ins (PostgreSQL)."""

import pytest

from conftest import race
from stofrum.errors import DomainError
from stofrum.visits.models import Visit
from stofrum.visits.services import check_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 50
BOOTHS = 5


def test_fifty_concurrent_check_ins_fill_five_booths_and_queue_the_rest(
        door, sites, make_person, set_booths):
    set_booths("h17", "injection", BOOTHS)
    people = [make_person(alias=f"Person {i}") for i in range(CLIENTS)]
    site = sites["h17"]
    results = race([
        (lambda p=p: check_in(door, p, site, ["heroin"], "injection")) for p in people
    ])
    assert all(isinstance(r, Visit) for r in results), results
    visits = Visit.objects.filter(site=site)
    assert visits.count() == CLIENTS
    in_booths = visits.filter(state="in_booth")
    assert in_booths.count() == BOOTHS
    assert in_booths.values("booth").distinct().count() == BOOTHS
    assert visits.filter(state="queued").count() == CLIENTS - BOOTHS
    assert visits.values("person").distinct().count() == CLIENTS


def test_the_same_person_checked_in_concurrently_gets_one_visit(
        door, sites, make_person):
    person = make_person()
    calls = [(lambda s=s: check_in(door, person, sites[s], ["heroin"], "injection"))
             for s in ["h17", "skyen"] * 10]
    results = race(calls)
    visits = [r for r in results if isinstance(r, Visit)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(visits) == 1, [getattr(r, "code", r) for r in results]
    assert {r.code for r in refusals} == {"already_checked_in"}
    assert Visit.objects.filter(person=person).count() == 1


def test_two_concurrent_moves_into_the_same_free_booth_one_wins(
        door, sites, make_person, set_booths):
    from stofrum.visits.services import correct_visit

    set_booths("h17", "injection", 3)
    site = sites["h17"]
    movers = [check_in(door, make_person(alias=f"Flytter {i}"), site, ["heroin"], "injection")
              for i in range(2)]
    free = (site.booths.filter(method__code="injection", is_active=True)
            .exclude(pk__in=[v.booth_id for v in movers]).get())
    results = race([(lambda v=v: correct_visit(door, v, booth=free.pk)) for v in movers])
    moved = [r for r in results if isinstance(r, Visit)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(moved) == 1 and [r.code for r in refused] == ["booth_taken"], results
    assert Visit.objects.filter(booth=free, state="in_booth").count() == 1

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


def test_leaving_the_queue_while_a_booth_comes_free_leaves_no_booth_idle(
        door, sites, make_person, set_booths, monkeypatch):
    """The first in the queue leaves it while a check-out gives the booth to the first in
    the queue. Whichever goes first, the booth does not stay free while someone waits:
    either the first in the queue got it (and could not leave), or they left and the next
    got it. Made deterministic: leaving pauses before its commit until the check-out waits
    for a lock."""
    import threading
    import time

    import psycopg
    from django.db import connection

    from stofrum.visits import services

    set_booths("h17", "injection", 1)
    site = sites["h17"]
    occupant, first, second = (
        check_in(door, make_person(alias=f"Kø {i}"), site, ["heroin"], "injection")
        for i in range(3))
    assert (occupant.state, first.state, second.state) == ("in_booth", "queued", "queued")
    settings = connection.settings_dict
    watcher = psycopg.connect(dbname=settings["NAME"], user=settings["USER"],
                              host=settings["HOST"], port=settings["PORT"] or 5432,
                              password=settings["PASSWORD"], autocommit=True)
    paused = threading.Event()
    marked = services.mark_stale

    def mark_stale_then_wait(*args, **kwargs):
        if threading.current_thread().name == "leaving":
            paused.set()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                    "current_database() AND wait_event_type = 'Lock'").fetchone()[0]:
                time.sleep(0.02)
        return marked(*args, **kwargs)

    monkeypatch.setattr(services, "mark_stale", mark_stale_then_wait)
    outcome = {}

    def run(name, call):
        try:
            outcome[name] = call()
        except DomainError as exc:
            outcome[name] = exc
        finally:
            connection.close()

    leaving = threading.Thread(name="leaving", target=run, args=(
        "left", lambda: services.leave_queue(door, services.get_visit_for(door, first.pk))))
    leaving.start()
    assert paused.wait(10)
    checking_out = threading.Thread(target=run, args=(
        "out", lambda: services.check_out(door, services.get_visit_for(door, occupant.pk))))
    checking_out.start()
    leaving.join(20)
    checking_out.join(20)
    watcher.close()
    assert isinstance(outcome["out"], Visit), outcome
    states = dict(Visit.objects.filter(pk__in=[first.pk, second.pk])
                  .values_list("pk", "state"))
    if isinstance(outcome["left"], Visit):
        assert states == {first.pk: "left_queue", second.pk: "in_booth"}
    else:
        assert outcome["left"].code == "not_queued"
        assert states == {first.pk: "in_booth", second.pk: "queued"}

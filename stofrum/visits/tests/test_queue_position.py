"""One definition of the queue (visits.services: `queue`, `queue_position`): the order the
board shows, the order the booths are given, and the position the API and the door tell
are the same, per intake method, by the arrival number the database keeps unique."""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from stofrum.visits import services
from stofrum.visits.board import board_as_json, board_for
from stofrum.visits.models import Visit
from stofrum.visits.services import check_in, check_out, leave_queue


@pytest.fixture
def full_site(sites, door, make_person, set_booths):
    """h17 with one booth per method, both taken."""
    set_booths("h17", "injection", 1)
    set_booths("h17", "smoking", 1)
    inside = {m: check_in(door, make_person(alias=f"Inde {m}"), sites["h17"],
                          ["heroin"] if m == "injection" else ["cocaine"], m)
              for m in ("injection", "smoking")}
    assert all(v.state == "in_booth" for v in inside.values())
    return inside


def arrive(door, sites, make_person, alias, method):
    return check_in(door, make_person(alias=alias), sites["h17"],
                    ["heroin"] if method == "injection" else ["cocaine"], method)


def test_positions_are_per_method_and_the_board_numbers_them_the_same(
        door, sites, make_person, full_site, api_as):
    a = arrive(door, sites, make_person, "A", "injection")
    b = arrive(door, sites, make_person, "B", "smoking")
    c = arrive(door, sites, make_person, "C", "injection")
    assert [v.queue_position for v in (a, b, c)] == [1, 1, 2]
    board = board_as_json(board_for(sites["h17"]))
    assert [(q["visit"], q["position"]) for q in board["queue"]] == [
        (str(a.pk), 1), (str(b.pk), 1), (str(c.pk), 2)]
    items = api_as(door).get("/visits", site="h17").json()["items"]
    told = {i["id"]: i["queue_position"] for i in items if i["state"] == "queued"}
    assert told == {str(a.pk): 1, str(b.pk): 1, str(c.pk): 2}


def test_positions_move_up_when_someone_leaves_and_the_booth_goes_to_number_one(
        door, sites, make_person, full_site):
    a = arrive(door, sites, make_person, "A", "injection")
    b = arrive(door, sites, make_person, "B", "injection")
    c = arrive(door, sites, make_person, "C", "injection")
    leave_queue(door, a)
    assert [services.queue_position(Visit.objects.get(pk=v.pk)) for v in (b, c)] == [1, 2]
    check_out(door, full_site["injection"])
    assert Visit.objects.get(pk=b.pk).state == "in_booth"
    assert services.queue_position(Visit.objects.get(pk=c.pk)) == 1
    assert services.queue_position(Visit.objects.get(pk=b.pk)) is None


def test_the_queue_follows_the_arrival_number_not_the_clock(door, sites, make_person,
                                                            full_site):
    """Two check-ins can carry clock times out of the order they were numbered in (the
    clock is read before the lock is taken); the number decides, everywhere."""
    a = arrive(door, sites, make_person, "A", "injection")
    b = arrive(door, sites, make_person, "B", "injection")
    Visit.objects.filter(pk=b.pk).update(checked_in_at=a.checked_in_at)
    Visit.objects.filter(pk=a.pk).update(checked_in_at=a.checked_in_at + timedelta(seconds=1))
    assert [v.pk for v in services.queue(sites["h17"])] == [a.pk, b.pk]
    assert [v.pk for v in board_for(sites["h17"]).queue] == [a.pk, b.pk]
    assert services.queue_position(Visit.objects.get(pk=a.pk)) == 1
    check_out(door, full_site["injection"])
    assert Visit.objects.get(pk=a.pk).state == "in_booth"


def test_the_arrival_number_is_unique_per_site_in_the_database(door, sites, make_person,
                                                               full_site):
    a = arrive(door, sites, make_person, "A", "injection")
    b = arrive(door, sites, make_person, "B", "injection")
    assert b.queue_number == a.queue_number + 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=b.pk).update(queue_number=a.queue_number)


def test_the_door_says_the_position(client, login, door, sites, make_person, full_site,
                                    settings):
    arrive(door, sites, make_person, "A", "injection")
    person = make_person(alias="Bodil")
    login(door)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = client.post("/staff/sites/h17/check-in", {"person": person.code,
                                                 "substances": ["heroin"],
                                                 "method": "injection"}, follow=True)
    assert r.status_code == 200
    assert "Bodil is in the queue: number 2." in r.content.decode()


def test_the_board_page_numbers_the_queue_per_method(client, login, door, sites, make_person,
                                                     full_site):
    arrive(door, sites, make_person, "A", "injection")
    arrive(door, sites, make_person, "B", "smoking")
    arrive(door, sites, make_person, "C", "injection")
    login(door)
    page = client.get("/staff/sites/h17/board").content.decode()
    assert [int(n) for n in re.findall(r'<li value="(\d+)"', page)] == [1, 1, 2]


def test_the_migration_numbers_the_open_visits_in_their_old_order(
        door, sites, make_person, full_site):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("stofrum.visits.migrations.0007_queue_number")
    a = arrive(door, sites, make_person, "A", "injection")
    b = arrive(door, sites, make_person, "B", "injection")
    done = arrive(door, sites, make_person, "C", "smoking")
    leave_queue(door, done)
    Visit.objects.update(queue_number=None)
    migration.number_the_open_visits(apps, None)
    inside = sorted(full_site.values(), key=lambda v: (v.checked_in_at, v.pk))
    numbers = dict(Visit.objects.values_list("pk", "queue_number"))
    assert [numbers[v.pk] for v in [*inside, a, b]] == [1, 2, 3, 4]
    assert numbers[done.pk] is None
    assert [v.pk for v in services.queue(sites["h17"])] == [a.pk, b.pk]


def test_the_visit_list_tells_positions_without_a_query_per_queued_visit(
        door, sites, make_person, full_site, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(door)

    def queries_for_the_list():
        with CaptureQueriesContext(connection) as captured:
            items = client.get("/visits", site="h17").json()["items"]
        return len(captured), items

    arrive(door, sites, make_person, "A", "injection")
    few, _ = queries_for_the_list()
    for n in range(8):
        arrive(door, sites, make_person, f"Q{n}", "injection" if n % 2 else "smoking")
    many, items = queries_for_the_list()
    assert many == few
    assert sorted(i["queue_position"] for i in items if i["state"] == "queued") == [
        1, 1, 2, 2, 3, 3, 4, 4, 5]

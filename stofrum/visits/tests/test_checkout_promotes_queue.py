import pytest

from stofrum.errors import DomainError
from stofrum.visits.services import booth_ready, check_in, check_out, leave_queue


@pytest.fixture
def two_booths(set_booths):
    set_booths("h17", "injection", 2)


def _check_in_many(door, site, make_person, n, method="injection"):
    return [check_in(door, make_person(alias=f"P{i}"), site, ["heroin"], method)
            for i in range(n)]


def test_full_booths_queue_in_arrival_order(door, sites, make_person, two_booths):
    visits = _check_in_many(door, sites["h17"], make_person, 4)
    assert [v.state for v in visits] == ["in_booth", "in_booth", "queued", "queued"]


def test_check_out_gives_the_booth_to_the_first_in_the_queue(
        door, sites, make_person, two_booths):
    first, second, third, fourth = _check_in_many(door, sites["h17"], make_person, 4)
    check_out(door, second)
    third.refresh_from_db()
    fourth.refresh_from_db()
    second.refresh_from_db()
    assert second.state == "done" and second.ended_at is not None
    assert third.state == "in_booth" and third.booth_id == second.booth_id
    assert fourth.state == "queued"


def test_check_out_via_cleaning_holds_the_booth_until_ready(
        door, sites, make_person, two_booths):
    first, second, third = _check_in_many(door, sites["h17"], make_person, 3)
    check_out(door, first, cleaning=True)
    third.refresh_from_db()
    assert third.state == "queued"
    first.booth.refresh_from_db()
    assert first.booth.cleaning_since is not None
    booth_ready(door, first.booth)
    third.refresh_from_db()
    assert third.state == "in_booth" and third.booth_id == first.booth_id


def test_queues_are_per_intake_method(door, sites, make_person, set_booths):
    set_booths("h17", "injection", 1)
    set_booths("h17", "smoking", 1)
    a = check_in(door, make_person(alias="A"), sites["h17"], ["heroin"], "injection")
    b = check_in(door, make_person(alias="B"), sites["h17"], ["heroin"], "injection")
    c = check_in(door, make_person(alias="C"), sites["h17"], ["crack"], "smoking")
    assert (a.state, b.state, c.state) == ("in_booth", "queued", "in_booth")


def test_leaving_the_queue_is_recorded_and_only_from_the_queue(
        door, sites, make_person, two_booths):
    first, second, third = _check_in_many(door, sites["h17"], make_person, 3)
    leave_queue(door, third)
    third.refresh_from_db()
    assert third.state == "left_queue"
    with pytest.raises(DomainError) as info:
        leave_queue(door, first)
    assert info.value.code == "not_queued"


def test_checking_out_twice_is_a_conflict(door, sites, make_person, two_booths):
    (visit,) = _check_in_many(door, sites["h17"], make_person, 1)
    check_out(door, visit)
    with pytest.raises(DomainError) as info:
        check_out(door, visit)
    assert info.value.code == "not_in_booth" and info.value.status == 409


def test_a_person_may_check_in_again_after_checking_out(door, sites, make_person):
    person = make_person()
    visit = check_in(door, person, sites["h17"], ["heroin"], "injection")
    check_out(door, visit)
    again = check_in(door, person, sites["h17"], ["cocaine"], "injection")
    assert again.state == "in_booth"

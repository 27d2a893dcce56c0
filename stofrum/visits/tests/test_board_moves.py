"""When the queue moves, every board says who goes to which booth, for a few minutes."""

from datetime import timedelta

from django.utils import timezone

from stofrum.visits.board import board_for
from stofrum.visits.models import Visit
from stofrum.visits.services import check_in, check_out


def test_the_board_says_who_from_the_queue_got_which_booth(door, make_person, sites,
                                                           set_booths, client, login):
    set_booths("h17", "injection", 1)
    first = check_in(door, make_person(alias="Anna"), sites["h17"], ["heroin"], "injection")
    waiting = check_in(door, make_person(alias="Kasper"), sites["h17"], ["heroin"], "injection")
    Visit.objects.filter(pk=waiting.pk).update(
        checked_in_at=timezone.now() - timedelta(minutes=4))
    assert board_for(sites["h17"]).moves == []  # nobody came from the queue yet

    check_out(door, first)

    moves = board_for(sites["h17"]).moves
    assert [(t.visit.person.alias, t.booth.label) for t in moves] == [("Kasper", "I1")]
    login(door)
    html = client.get("/staff/sites/h17/board").content.decode()
    assert "Kasper → I1" in " ".join(html.split())
    later = board_for(sites["h17"], now=timezone.now() + timedelta(minutes=4))
    assert later.moves == []  # said for a few minutes, then the tile says it


def test_a_check_in_straight_into_a_free_booth_is_no_move(door, make_person, sites,
                                                         set_booths):
    set_booths("h17", "injection", 1)
    check_in(door, make_person(alias="Anna"), sites["h17"], ["heroin"], "injection")
    assert board_for(sites["h17"]).moves == []


def test_check_out_from_the_board_answers_with_a_message(door, make_person, sites,
                                                         set_booths, client, login):
    set_booths("h17", "injection", 1)
    visit = check_in(door, make_person(alias="Anna"), sites["h17"], ["heroin"], "injection")
    login(door)
    response = client.post("/staff/sites/h17/check-out", {"visit": str(visit.pk)}, follow=True)
    assert "Anna" in " ".join(m.message for m in response.context["messages"])

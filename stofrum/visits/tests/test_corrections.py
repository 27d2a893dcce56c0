"""Corrections at the door (API.md): undo a check-out within STOFRUM_UNDO_MINUTES, correct
substances and method, move a visit to another booth — each audited, statistics follow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.errors import DomainError
from stofrum.sites.models import Booth
from stofrum.stats import indicators
from stofrum.visits.board import board_as_json, board_for
from stofrum.visits.models import Visit
from stofrum.visits.services import (
    booth_ready,
    check_in,
    check_out,
    correct_visit,
    recent_checkouts,
    undo_check_out,
)


@pytest.fixture
def h17(sites, set_booths):
    set_booths("h17", "injection", 2)
    set_booths("h17", "smoking", 1)
    return sites["h17"]


def _in(door, site, person, method="injection", substances=("heroin",)):
    return check_in(door, person, site, list(substances), method)


def _fresh(visit):
    return Visit.objects.select_related("booth", "method").get(pk=visit.pk)


def _summary(site):
    today = timezone.localdate()
    return indicators.summary([site], today, today)


# --- undo a check-out ------------------------------------------------------------------


def test_undo_puts_the_visit_back_in_its_booth_when_it_is_still_free(door, h17, make_person):
    visit = _in(door, h17, make_person(alias="Ulla"))
    booth_id = visit.booth_id
    check_out(door, visit)

    undone = undo_check_out(door, visit)

    visit = _fresh(visit)
    assert undone.state == visit.state == "in_booth"
    assert visit.booth_id == booth_id and visit.ended_at is None
    event = AuditEvent.objects.filter(action="visits.check_out_undone").get()
    assert event.changes["state"] == ["done", "in_booth"]


def test_undo_after_check_out_with_cleaning_takes_the_cleaning_back(door, h17, make_person):
    visit = _in(door, h17, make_person(alias="Ulla"))
    check_out(door, visit, cleaning=True)

    undo_check_out(door, visit)

    visit = _fresh(visit)
    assert visit.state == "in_booth"
    assert visit.booth.cleaning_since is None


def test_undo_queues_first_when_the_booth_was_given_to_the_queue(door, h17, make_person):
    a, b = (_in(door, h17, make_person(alias=n)) for n in ("A", "B"))
    c, d = (_in(door, h17, make_person(alias=n)) for n in ("C", "D"))
    assert c.state == d.state == "queued"
    check_out(door, a)  # C takes A's booth
    assert _fresh(c).booth_id == a.booth_id

    undo_check_out(door, a)

    a = _fresh(a)
    assert a.state == "queued" and a.booth_id is None and a.ended_at is None
    board = board_for(h17)
    assert [v.pk for v in board.queue] == [a.pk, d.pk]  # first in the queue
    check_out(door, b)
    assert _fresh(a).state == "in_booth" and _fresh(d).state == "queued"


def test_undo_is_refused_after_the_limit(door, h17, make_person, settings):
    settings.STOFRUM_UNDO_MINUTES = 5
    visit = _in(door, h17, make_person())
    check_out(door, visit)
    Visit.objects.filter(pk=visit.pk).update(
        ended_at=timezone.now() - timedelta(minutes=5, seconds=5))

    with pytest.raises(DomainError) as exc:
        undo_check_out(door, visit)

    assert exc.value.code == "too_late" and exc.value.status == 409
    assert _fresh(visit).state == "done"


def test_undo_is_refused_when_the_person_has_checked_in_again(door, h17, make_person):
    person = make_person()
    first = _in(door, h17, person)
    check_out(door, first)
    _in(door, h17, person)

    with pytest.raises(DomainError) as exc:
        undo_check_out(door, first)

    assert exc.value.code == "already_checked_in"


def test_undo_refuses_a_visit_that_was_not_checked_out(door, h17, make_person):
    visit = _in(door, h17, make_person())
    with pytest.raises(DomainError) as exc:
        undo_check_out(door, visit)
    assert exc.value.code == "not_checked_out"


def test_the_board_lists_recent_check_outs_until_the_person_is_back(
        door, h17, make_person, settings):
    settings.STOFRUM_UNDO_MINUTES = 5
    ulla, old = make_person(alias="Ulla"), make_person(alias="Gammel")
    visit, earlier = _in(door, h17, ulla), _in(door, h17, old)
    check_out(door, visit)
    check_out(door, earlier)
    Visit.objects.filter(pk=earlier.pk).update(ended_at=timezone.now() - timedelta(minutes=6))

    assert [v.pk for v in recent_checkouts(h17)] == [visit.pk]
    assert board_as_json(board_for(h17))["recently_checked_out"][0]["visit"] == str(visit.pk)
    _in(door, h17, ulla)
    assert recent_checkouts(h17) == []


def test_undo_counts_the_visit_once_in_statistics(door, h17, make_person):
    visit = _in(door, h17, make_person())
    check_out(door, visit)
    assert _summary(h17)["visits"] == 1
    undo_check_out(door, visit)
    assert _summary(h17)["visits"] == 1


# --- correct substances and method -----------------------------------------------------


def test_correct_substances_is_audited_with_before_and_after_and_counted(
        door, h17, make_person):
    visit = _in(door, h17, make_person(), substances=("heroin",))
    assert _summary(h17)["visits_by_substance"] == {"heroin": 1}

    correct_visit(door, visit, substances=["cocaine", "heroin"])

    assert sorted(s.code for s in visit.substances.all()) == ["cocaine", "heroin"]
    event = AuditEvent.objects.filter(action="visits.corrected").get()
    assert event.changes["substances"] == [["heroin"], ["cocaine", "heroin"]]
    assert _summary(h17)["visits_by_substance"] == {"heroin": 1, "cocaine": 1}


def test_correct_follows_the_rules_of_check_in(door, h17, sites, make_person):
    visit = _in(door, h17, make_person(), method="smoking", substances=("crack",))
    with pytest.raises(DomainError) as exc:
        correct_visit(door, visit, substances=["cannabis"])
    assert exc.value.code == "substance_not_allowed"

    sundholm = sites["sundholm"]  # injection only
    other = _in(door, sundholm, make_person(alias="S"))
    with pytest.raises(DomainError) as exc:
        correct_visit(door, other, method="smoking")
    assert exc.value.code == "method_not_offered"
    assert not AuditEvent.objects.filter(action="visits.corrected").exists()


def test_a_new_method_moves_the_visit_to_a_free_booth_of_that_method(door, h17, make_person):
    visit = _in(door, h17, make_person(), substances=("cocaine",))
    old_booth = visit.booth_id

    correct_visit(door, visit, method="smoking")

    visit = _fresh(visit)
    assert visit.method.code == "smoking" and visit.state == "in_booth"
    assert visit.booth.method.code == "smoking" and visit.booth_id != old_booth
    assert _summary(h17)["visits_by_method"] == {"smoking": 1}


def test_a_new_method_without_a_free_booth_queues_and_frees_the_old_booth(
        door, h17, make_person):
    _in(door, h17, make_person(alias="Ryger"), method="smoking", substances=("crack",))
    a, b = (_in(door, h17, make_person(alias=n)) for n in ("A", "B"))
    waiting = _in(door, h17, make_person(alias="Venter"))
    assert waiting.state == "queued"

    correct_visit(door, a, method="smoking", substances=["crack"])

    a = _fresh(a)
    assert a.state == "queued" and a.booth_id is None and a.method.code == "smoking"
    assert _fresh(waiting).state == "in_booth"  # the old booth went to the queue


def test_a_closed_visit_can_be_corrected_for_a_while(door, h17, make_person):
    visit = _in(door, h17, make_person())
    check_out(door, visit)
    correct_visit(door, visit, substances=["morphine"])
    assert [s.code for s in visit.substances.all()] == ["morphine"]

    Visit.objects.filter(pk=visit.pk).update(ended_at=timezone.now() - timedelta(hours=13))
    with pytest.raises(DomainError) as exc:
        correct_visit(door, visit, substances=["heroin"])
    assert exc.value.code == "too_late"


# --- move to another booth -------------------------------------------------------------


def test_move_to_a_free_booth_of_the_method(door, h17, make_person):
    visit = _in(door, h17, make_person())
    free = Booth.objects.filter(site=h17, method__code="injection", is_active=True).exclude(
        pk=visit.booth_id).get()
    booth_at = visit.booth_at

    correct_visit(door, visit, booth=free.label)

    visit = _fresh(visit)
    assert visit.booth_id == free.pk and visit.booth_at == booth_at
    event = AuditEvent.objects.filter(action="visits.corrected").get()
    assert event.changes["booth"][1] == free.label


@pytest.mark.parametrize("which, code", [
    ("occupied", "booth_taken"), ("cleaning", "booth_taken"),
    ("other_method", "invalid_booth"), ("unknown", "invalid_booth"),
])
def test_move_refuses_a_booth_that_is_not_free_or_not_of_the_method(
        door, h17, make_person, which, code):
    visit = _in(door, h17, make_person(alias="Flytter"))
    other = _in(door, h17, make_person(alias="Anden"))
    smoking = Booth.objects.get(site=h17, method__code="smoking", is_active=True)
    if which == "cleaning":
        check_out(door, other, cleaning=True)
    target = {"occupied": other.booth_id, "cleaning": other.booth_id,
              "other_method": smoking.pk, "unknown": "Z99"}[which]

    with pytest.raises(DomainError) as exc:
        correct_visit(door, visit, booth=target)

    assert exc.value.code == code
    assert _fresh(visit).booth_id == visit.booth_id
    if which == "cleaning":
        booth_ready(door, _fresh(other).booth)


def test_a_queued_visit_cannot_be_moved_to_a_booth(door, h17, make_person):
    for n in ("A", "B"):
        _in(door, h17, make_person(alias=n))
    queued = _in(door, h17, make_person(alias="C"))
    with pytest.raises(DomainError) as exc:
        correct_visit(door, queued, booth="I1")
    assert exc.value.code == "not_in_booth"


# --- the queue shows minutes waited ----------------------------------------------------


def test_the_queue_shows_minutes_waited(door, h17, make_person):
    for n in ("A", "B"):
        _in(door, h17, make_person(alias=n))
    queued = _in(door, h17, make_person(alias="C"))
    Visit.objects.filter(pk=queued.pk).update(
        checked_in_at=timezone.now() - timedelta(minutes=7, seconds=10))

    board = board_as_json(board_for(h17))

    assert board["queue"][0]["minutes_waited"] == 7

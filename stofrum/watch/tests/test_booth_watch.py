"""Booth watch (issue 14): an occupied booth without a look-in for the site's check interval
is overdue, one more interval escalates it; a look-in ("Checked") starts the interval
again. The clock is fast-forwarded by passing `now`: nothing waits on a timer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.errors import Conflict, DomainError, NotFound
from stofrum.health.services import close_incident, raise_alarm
from stofrum.visits.board import board_as_json, board_for
from stofrum.visits.services import check_in, check_out
from stofrum.watch import services
from stofrum.watch.models import CheckInterval, LookIn, Overdue, Resolution

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(monkeypatch):
    """The events the watch's use cases publish: (site, event, data)."""
    sent = []
    monkeypatch.setattr(services, "publish_after_commit",
                        lambda site, event, data=None: sent.append((site, event, data)))
    return sent


@pytest.fixture
def visit(door, sites, make_person):
    return check_in(door, make_person(alias="Vagn"), sites["h17"], ["heroin"], "injection")


def entered(visit):
    return visit.booth_at


def test_an_occupied_booth_is_due_after_the_default_interval_assisted_sooner(
        door, sites, make_person, visit):
    helper = make_person(alias="Hjælper")
    check_in(door, helper, sites["h17"], ["heroin"], "smoking")  # present at the site
    assisted = check_in(door, make_person(alias="Asta"), sites["h17"], ["heroin"], "injection",
                        assisted_by=helper, assistant_assessment="kan hjælpe")
    states = services.watches([visit, assisted])
    assert states[visit.pk].due_at == entered(visit) + timedelta(minutes=10)
    assert states[assisted.pk].due_at == entered(assisted) + timedelta(minutes=5)
    due = states[visit.pk].due_at
    assert not states[visit.pk].overdue(due - timedelta(seconds=1))
    assert states[visit.pk].overdue(due) and not states[visit.pk].escalated(due)
    assert states[visit.pk].escalated(due + timedelta(minutes=10))


def test_a_site_sets_its_own_interval_and_it_is_audited(cast, sites, visit):
    services.set_intervals(cast["leader"], sites["h17"], {"injection": ("20", "8")})
    assert services.watches([visit])[visit.pk].interval == timedelta(minutes=20)
    event = AuditEvent.objects.get(action="watch.interval_set")
    assert event.changes == {"minutes": [10, 20], "assisted_minutes": [5, 8]}
    for bad in (("0", "1"), ("121", "5"), ("x", "5"), ("10", "11")):
        with pytest.raises(DomainError) as exc:
            services.set_intervals(cast["leader"], sites["h17"], {"injection": bad})
        assert exc.value.code == "invalid_input"
    with pytest.raises(NotFound):
        services.set_intervals(cast["leader"], sites["skyen"], {"injection": ("9", "5")})
    with pytest.raises(DomainError) as exc:
        services.set_intervals(cast["reception"], sites["h17"], {"injection": ("9", "5")})
    assert exc.value.code == "forbidden"
    assert CheckInterval.objects.get().minutes == 20


def test_fast_forward_overdue_once_then_escalated_once_then_checked(cast, visit, events):
    due = entered(visit) + timedelta(minutes=10)
    assert services.sweep(due - timedelta(seconds=1))["overdue"] == 0
    assert services.sweep(due + timedelta(seconds=5)) == {"overdue": 1, "escalated": 0,
                                                          "closed": 0}
    # Another sweep (another process, or after a restart) announces nothing again.
    assert services.sweep(due + timedelta(minutes=2))["overdue"] == 0
    overdue = [e for e in events if e[1] == "booth_overdue"]
    assert overdue == [("h17", "booth_overdue", {
        "visit": str(visit.pk), "booth": visit.booth.label, "minutes": 10,
        "due_at": due.isoformat()})]
    assert services.sweep(due + timedelta(minutes=10))["escalated"] == 1
    assert services.sweep(due + timedelta(minutes=11))["escalated"] == 0
    assert [e[1] for e in events].count("booth_escalated") == 1
    row = Overdue.objects.get()
    assert (row.due_at, row.escalated_at) == (due, due + timedelta(minutes=10))

    look = services.record_look_in(cast["health"], str(visit.pk), "sover ikke",
                                   now=due + timedelta(minutes=12))
    row.refresh_from_db()
    assert (row.resolution, row.resolved_by, row.resolved_at) == (
        Resolution.LOOK_IN, cast["health"], look.at)
    assert events[-2][1:] == ("booth_checked", {
        "visit": str(visit.pk), "booth": visit.booth.label, "at": look.at.isoformat(),
        "by": cast["health"].username})
    # The interval starts again from the look-in.
    state = services.watches([visit])[visit.pk]
    assert state.due_at == look.at + timedelta(minutes=10) and state.last_check_at == look.at
    assert list(AuditEvent.objects.filter(action__startswith="watch.")
                .values_list("action", flat=True).order_by("pk")) == [
        "watch.booth_overdue", "watch.booth_escalated", "watch.look_in"]


def test_the_board_says_when_a_check_is_due_and_shows_the_state(door, cast, sites, visit,
                                                                 login):
    due = entered(visit) + timedelta(minutes=10)
    booth = next(b for b in board_as_json(board_for(sites["h17"], due - timedelta(minutes=1)))
                 ["booths"] if b["label"] == visit.booth.label)
    assert booth["check_due_at"] == due.isoformat()
    assert (booth["overdue"], booth["escalated"], booth["last_check_at"]) == (False, False, None)
    late = board_as_json(board_for(sites["h17"], due + timedelta(minutes=10)))
    booth = next(b for b in late["booths"] if b["label"] == visit.booth.label)
    assert (booth["overdue"], booth["escalated"]) == (True, True)
    free = next(b for b in late["booths"] if b["state"] == "free")
    assert "check_due_at" not in free

    # The page: the tile is "Check now" when overdue, with a Checked button for the floor.
    from stofrum.visits.models import Visit
    Visit.objects.filter(pk=visit.pk).update(booth_at=timezone.now() - timedelta(minutes=11))
    page = login(cast["reception"]).get("/staff/sites/h17/").content.decode()
    tile = page.split(f'data-booth="{visit.booth.label}"')[0].rsplit("<li", 1)[1]
    assert "watch-overdue" in tile
    assert 'class="watch-now">' in page  # not hidden
    assert 'class="watch-check"' in page


def test_an_alarm_silences_the_watch_and_its_end_starts_the_interval_again(cast, sites,
                                                                           visit, events):
    due = entered(visit) + timedelta(minutes=10)
    services.sweep(due)
    incident = raise_alarm(cast["health"], sites["h17"], visit=visit)
    state = services.watches([visit])[visit.pk]
    assert state.alarm_open and not state.overdue(due + timedelta(hours=1))
    assert services.sweep(due + timedelta(minutes=1))["closed"] == 1
    assert Overdue.objects.get().resolution == Resolution.ALARM
    close_incident(cast["health"], incident, "recovered_on_site")
    incident.refresh_from_db()
    assert services.watches([visit])[visit.pk].due_at == incident.closed_at + timedelta(
        minutes=10)


def test_leaving_the_booth_ends_the_period(door, visit, events):
    services.sweep(entered(visit) + timedelta(minutes=10))
    check_out(door, visit)
    assert services.sweep(timezone.now())["closed"] == 1
    assert Overdue.objects.get().resolution == Resolution.LEFT_BOOTH


def test_look_in_refusals(cast, sites, door, visit, make_person):
    with pytest.raises(DomainError) as exc:
        services.record_look_in(cast["analyst"], str(visit.pk))
    assert exc.value.code == "forbidden"
    with pytest.raises(NotFound):
        services.record_look_in(cast["other_reception"], str(visit.pk))
    with pytest.raises(NotFound):
        services.record_look_in(cast["reception"], "not-a-uuid")
    with pytest.raises(DomainError) as exc:
        services.record_look_in(cast["reception"], str(visit.pk), "0101901234 sover")
    assert exc.value.code == "cpr_in_free_text"
    check_out(door, visit)
    with pytest.raises(Conflict):
        services.record_look_in(cast["reception"], str(visit.pk))
    assert not LookIn.objects.exists()


def test_api_checks(cast, visit, api_as):
    answer = api_as(cast["reception"]).post(f"/visits/{visit.pk}/checks", {"note": "ok"})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["visit"], body["booth"], body["by"], body["note"]) == (
        str(visit.pk), visit.booth.label, cast["reception"].username, "ok")
    assert api_as(cast["reception"]).post(f"/visits/{visit.pk}/checks").status_code == 201
    assert api_as(cast["other_reception"]).post(
        f"/visits/{visit.pk}/checks").json()["code"] == "not_found"
    assert api_as(cast["reception"]).post("/visits/nonsense/checks").status_code in (400, 404)
    assert api_as(cast["analyst"]).post(f"/visits/{visit.pk}/checks").status_code == 403
    assert api_as().post(f"/visits/{visit.pk}/checks").status_code == 401
    assert LookIn.objects.count() == 2


def test_checked_on_the_board_page_and_intervals_page(cast, sites, visit, login, client):
    login(cast["reception"])
    answer = client.post("/staff/sites/h17/look-in", {"visit": str(visit.pk)}, follow=True)
    assert LookIn.objects.get().staff == cast["reception"]
    said = answer.content.decode().split('class="messages"')[1].split("</ul>")[0]
    assert 'class="message success"' in said and visit.booth.label in said
    # From another site's page: nothing recorded.
    client.post("/staff/sites/skyen/look-in", {"visit": str(visit.pk)})
    assert LookIn.objects.count() == 1
    assert client.get("/staff/sites/h17/check-intervals").status_code == 403

    login(cast["leader"])
    page = client.get("/staff/sites/h17/").content.decode()
    assert "/staff/sites/h17/check-intervals" in page
    assert client.post("/staff/sites/h17/check-intervals", {
        "injection-minutes": "12", "injection-assisted": "6", "smoking-minutes": "99",
        "smoking-assisted": "200"}).status_code == 400
    assert not CheckInterval.objects.exists()  # all or nothing
    client.post("/staff/sites/h17/check-intervals", {
        "injection-minutes": "12", "injection-assisted": "6", "smoking-minutes": "20",
        "smoking-assisted": "10"})
    assert sorted(CheckInterval.objects.values_list("minutes", "assisted_minutes")) == [
        (12, 6), (20, 10)]

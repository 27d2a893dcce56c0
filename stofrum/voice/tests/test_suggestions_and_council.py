from datetime import date

import pytest

from stofrum.audit.models import AuditEvent
from stofrum.errors import DomainError
from stofrum.voice import services
from stofrum.voice.models import CouncilMeeting, Suggestion


@pytest.fixture
def leader(make_staff):
    return make_staff("leader", ["h17"])


def test_anonymous_suggestion_and_the_leaders_response(door, leader, sites):
    s = services.leave_suggestion(door, sites["h17"], "suggestion", "More clean towels")
    assert s.anonymous
    with pytest.raises(DomainError):
        services.respond_to_suggestion(door, s, "ok")
    s = services.respond_to_suggestion(leader, s, "Ordered today")
    assert s.response == "Ordered today" and s.responded_by == leader


def test_meeting_request_linked_to_the_person_with_outcome(door, leader, make_person, sites):
    person = make_person()
    s = services.leave_suggestion(door, sites["h17"], "meeting", "About my quarantine",
                                  person=person)
    assert s.person == person
    s = services.respond_to_suggestion(leader, s, "Met; quarantine shortened")
    assert s.response


@pytest.mark.parametrize("kind, text, code", [
    ("wish", "t", "invalid_input"), ("suggestion", "", "text_required"),
    ("criticism", "x" * 5001, "text_too_long")])
def test_bad_suggestions_are_refused(door, sites, kind, text, code):
    with pytest.raises(DomainError) as info:
        services.leave_suggestion(door, sites["h17"], kind, text)
    assert info.value.code == code
    assert not Suggestion.objects.exists()


def test_suggestion_page_records_and_escapes(client, login, door, sites):
    login(door)
    r = client.post("/staff/sites/h17/suggestions",
                    {"kind": "criticism", "text": "<b>Loud</b> music"})
    assert r.status_code == 302
    html = client.get("/staff/sites/h17/suggestions").content.decode()
    assert "&lt;b&gt;Loud&lt;/b&gt;" in html


def test_council_meeting_with_minutes_decisions_and_actions(client, login, door, sites):
    login(door)
    r = client.post("/staff/sites/h17/council/", {
        "held_on": "2026-11-20", "agenda": "Opening hours; towels", "attendance_count": "7",
        "attendees": "Ada, Bo", "minutes": "Talked", "decisions": "Ask for longer hours",
        "actions": "Leader writes to the municipality by 1 Dec"})
    assert r.status_code == 302
    meeting = CouncilMeeting.objects.get()
    assert meeting.held_on == date(2026, 11, 20) and meeting.attendance_count == 7
    r = client.post(f"/staff/council/{meeting.pk}/", {
        "held_on": "2026-11-20", "agenda": "Opening hours; towels", "attendance_count": "8",
        "minutes": "Talked more"})
    meeting.refresh_from_db()
    assert meeting.attendance_count == 8 and meeting.minutes == "Talked more"
    assert AuditEvent.objects.filter(action="voice.council_meeting_updated").exists()


@pytest.mark.parametrize("data", [
    {"held_on": "", "agenda": "a"}, {"held_on": "2026-02-30", "agenda": "a"},
    {"held_on": "2026-11-20", "agenda": ""},
    {"held_on": "2026-11-20", "agenda": "a", "attendance_count": "-3"},
    {"held_on": "2026-11-20", "agenda": "a", "attendance_count": "many"},
])
def test_bad_council_meetings_are_refused_in_place(client, login, door, sites, data):
    login(door)
    r = client.post("/staff/sites/h17/council/", data)
    assert r.status_code in (400, 422)
    assert not CouncilMeeting.objects.exists()


def test_council_api(api_as, door, sites):
    r = api_as(door).post("/council-meetings", {"site": "h17", "held_on": "2026-11-20",
                                                "agenda": "Hours", "attendance_count": 5})
    assert r.status_code == 201
    r = api_as(door).patch(f"/council-meetings/{r.json()['id']}", {"decisions": "Longer"})
    assert r.status_code == 200 and r.json()["decisions"] == "Longer"
    assert api_as(door).get("/council-meetings", site="h17").json()["count"] == 1

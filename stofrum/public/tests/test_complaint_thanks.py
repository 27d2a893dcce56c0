"""The thank-you page after a public complaint says how the answer comes: from the room's
leader when a name or nickname was left (the other staff cannot see complaints), no
personal answer when anonymous, Borgerrådgiveren's contact — and that a complaint to the
Citizens' Advisor is not sent on from here (issue 16, item 10g)."""

import re

import pytest
from django.conf import settings


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def complain(client, **data):
    body = {"route": "leader", "text": "Too cold in the waiting room.", "site": "h17", **data}
    r = client.post("/complaints/", body, REMOTE_ADDR="203.0.113.9")
    assert r.status_code == 302, r.content
    return client.get(r["Location"]).content.decode()


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_named_complaint_is_answered_by_the_leader_not_the_staff(english, sites):
    page = text(complain(english, signed_as="Kasper"))
    assert "ask the staff" not in page
    assert "ask for the room's leader" in page and "other staff" in page
    assert "33 66 14 00" in page and "Borgerrådgiveren" in page


def test_an_anonymous_complaint_gets_no_personal_answer(english, sites):
    page = text(complain(english, anonymous="1"))
    assert "will not get a personal answer" in page
    assert "ask for the room's leader and give the name" not in page


def test_a_complaint_to_the_citizens_advisor_says_to_contact_them(english, sites):
    page = text(complain(english, route="citizens_advisor", signed_as="Kasper"))
    assert "not sent on from here" in page and "borgerraadgiveren@kk.dk" in page


def test_social_services_route_says_who_handles_it(english, sites):
    page = text(complain(english, route="social_services", anonymous="1"))
    assert "Socialforvaltningen" in page

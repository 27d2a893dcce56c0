"""Every page and answer that shows journal content or a CPR number tells browsers and
proxies not to keep a copy (Cache-Control: no-store, private); ordinary pages need not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.health.tests.test_journal import REAL_CPR, incident, write  # noqa: F401
from stofrum.staff.models import ApiToken


def assert_no_store(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, response.get("Cache-Control")


@pytest.fixture
def journal(nurse, incident):  # noqa: F811
    return write(nurse, incident, cpr_number=REAL_CPR)


@pytest.fixture
def auth(nurse):  # noqa: F811
    _, raw = ApiToken.issue(nurse, timezone.now() + timedelta(hours=1))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_journal_pages_are_not_stored(client, login, nurse, incident, journal):  # noqa: F811
    login(nurse)
    for url in (f"/staff/journal/{journal.pk}/", f"/staff/journal/{journal.pk}/extract",
                f"/staff/incidents/{incident.pk}/journal",
                f"/staff/incidents/{incident.pk}/journal?addendum_to={journal.pk}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response)
    response = client.post(f"/staff/journal/{journal.pk}/",
                           {"action": "reveal", "reason": "kontrol"})
    assert REAL_CPR in response.content.decode()
    assert_no_store(response)


def test_journal_answers_are_not_stored(client, auth, incident, journal):  # noqa: F811
    response = client.get(f"/api/v1/journal/{journal.pk}", {"reveal": "cpr", "reason": "k"},
                          **auth)
    assert response.status_code == 200
    assert_no_store(response)
    response = client.post(f"/api/v1/journal/{journal.pk}/disclosures",
                           {"to_whom": "Region H"}, content_type="application/json", **auth)
    assert response.status_code == 201
    assert_no_store(response)
    response = client.post(f"/api/v1/incidents/{incident.pk}/journal",
                           {"cpr": REAL_CPR, "disclosure_consent": "given",
                            "assessment": "a", "treatment": "t"},
                           content_type="application/json", **auth)
    assert response.status_code == 201
    assert_no_store(response)


def test_an_ordinary_page_does_not_need_it(client, sites):
    response = client.get("/")
    assert "no-store" not in response.get("Cache-Control", "")

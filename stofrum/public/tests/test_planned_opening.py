"""A planned room shows its opening date only while it is ahead; a passed one is not
claimed ("date not yet set"), on the public page and in the API (issue 16, item 10h)."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from stofrum.sites.models import Site


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def mobile_card(html):
    start = html.index('id="site-mobile"')
    return html[start:html.index("</li>", start)]


def test_a_passed_planned_date_is_not_claimed(english, sites):
    Site.objects.filter(slug="mobile").update(opening_date=date(2025, 12, 1))
    card = mobile_card(english.get("/").content.decode())
    assert "December 2025" not in card and "2025" not in card
    assert "not yet set" in card
    body = english.get("/api/v1/sites").json()
    mobile = next(s for s in body["items"] if s["slug"] == "mobile")
    assert mobile["status"] == "planned" and mobile["opening_date"] is None


def test_a_future_planned_date_is_shown(english, sites):
    ahead = timezone.localdate() + timedelta(days=90)
    Site.objects.filter(slug="mobile").update(opening_date=ahead)
    card = mobile_card(english.get("/").content.decode())
    assert str(ahead.year) in card and "not yet set" not in card
    mobile = next(s for s in english.get("/api/v1/sites").json()["items"]
                  if s["slug"] == "mobile")
    assert mobile["opening_date"] == ahead.isoformat()


def test_an_open_sites_opening_date_is_kept(sites):
    site = Site.objects.get(slug="h17")
    site.opening_date = date(2016, 6, 1)
    assert site.shown_opening_date(date(2026, 11, 30)) == date(2016, 6, 1)

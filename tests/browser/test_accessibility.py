"""axe-core on every kind of page, as the people who use them see them: the public, the
door (reception), statistics (analyst) and a leader's pages. WCAG 2.1 A and AA, no
violation allowed. The shift's own pages (lock screen, wall screen, the tablet door) are
checked in test_shift.py."""


import pytest

from tests.browser.test_door import Api, log_in, log_in_with_totp

pytestmark = pytest.mark.browser

PUBLIC = ["/", "/rules/h17/", "/complaints/", "/complaints/thanks?route=leader&cpr=1",
          "/login/"]
RECEPTION = ["/staff/", "/staff/sites/h17/", "/staff/sites/h17/persons/new",
             "/staff/persons/{code}/", "/staff/sites/h17/care", "/staff/sites/h17/referrals",
             "/staff/sites/h17/quarantines", "/staff/sites/h17/suggestions",
             "/staff/sites/h17/complaints/new", "/staff/sites/h17/council/",
             "/staff/agreement/"]
ANALYST = ["/staff/stats/", "/staff/stats/h17/", "/staff/stats/report/"]
LEADER = ["/staff/complaints/", "/staff/house-rules/h17/", "/staff/audit/",
          "/staff/sites/h17/wall-screens/", "/staff/persons/{code}/",
          "/staff/sites/h17/visits/{visit}/correct"]


def _visit(page, base, paths, axe, **names):
    for path in paths:
        response = page.goto(base + path.format(**names))
        assert response.status == 200, (path, response.status)
        axe(page, path)


def test_public_pages(browser, server_url, axe):
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    _visit(page, server_url, PUBLIC, axe)


def test_door_pages_for_reception(browser, server_url, axe):
    person = Api(server_url).person("Axel Tilgængelig")
    page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(page, server_url)
    _visit(page, server_url, RECEPTION, axe, code=person["code"])


def test_statistics_for_the_analyst(browser, server_url, axe):
    page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(page, server_url, username="analyst")
    _visit(page, server_url, ANALYST, axe)


def test_leader_pages(browser, server_url, totp_code, axe):
    api = Api(server_url)
    person = api.person("Lea Leder")
    visit = api.check_in(person, "h17")
    page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in_with_totp(page, server_url, "leader", totp_code)
    try:
        _visit(page, server_url, LEADER, axe, code=person["code"], visit=visit["id"])
        # The history panel (who did what, when) is there for the leader, and read by axe.
        assert page.locator("#history").count() == 1
    finally:
        leave = "leave-queue" if visit["state"] == "queued" else "checkout"
        api.call("POST", f"/visits/{visit['id']}/{leave}", {})


def test_every_opened_page_is_checked(page, axe_source):
    """The check that runs on every page a test opens fails on a violation (an image
    without a text alternative), so a page with one cannot pass unseen."""
    with pytest.raises(AssertionError, match="image-alt"):
        page.goto("data:text/html,<html lang=en><title>t</title><main><img src=x></main>")

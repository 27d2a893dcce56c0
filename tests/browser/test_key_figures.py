"""Nøgletal (the open minimum data set of a month) on a tablet: reached from the
statistics, readable without sideways scrolling, axe clean."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import Api, log_in, shot

pytestmark = pytest.mark.browser


def test_key_figures_of_a_month_on_a_tablet(browser, server_url, axe):
    api = Api(server_url)
    visit = api.check_in(api.person("Nøgletalla", site="h17"), "h17")
    api.call("POST", f"/visits/{visit['id']}/checkout", {})
    page = browser.new_context(viewport={"width": 820, "height": 1180}).new_page()
    log_in(page, server_url, username="analyst")
    page.goto(f"{server_url}/staff/stats/h17/")
    page.get_by_role("link", name="Nøgletal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nøgletal · H17")
    # The last month that has ended: figures beside how they are published.
    expect(page.get_by_role("columnheader", name="Udgivet")).to_be_visible()
    expect(page.locator('tr[data-indicator="visits"]')).to_contain_text("..")
    expect(page.get_by_role("rowheader", name="Health Canadas ni månedlige indikatorer")
           ).to_be_visible()
    axe(page, "key figures, a month that has ended")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "key-figures-ended-month")

    # This month, not yet ended: the figures so far, nothing published.
    page.get_by_role("link", name="Næste måned").click()
    expect(page.locator(".warning-box")).to_contain_text("Måneden er ikke slut")
    expect(page.get_by_role("columnheader", name="Udgivet")).to_have_count(0)
    visits = page.locator('tr[data-indicator="visits"] td.num').first
    assert int(visits.inner_text()) >= 1
    axe(page, "key figures, this month")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "key-figures-this-month")

"""The statistics dashboard in a real browser: charts drawn, their numbers beside them,
the date range picker, and a printable report."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import Api, log_in, shot

pytestmark = pytest.mark.browser


def test_dashboard_renders_charts_and_tables(browser, server_url):
    api = Api(server_url)
    for alias in ("Statistikka", "Tællemand"):
        person = api.person(alias, site="skyen")
        visit = api.check_in(person, "skyen")
        api.call("POST", f"/visits/{visit['id']}/checkout", {})
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, server_url, username="analyst")
    page.get_by_role("link", name="Statistik og rapporter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Statistik")
    charts = page.locator("svg.chart")
    assert charts.count() >= 8
    expect(page.locator(".kpis").first).to_contain_text("Besøg")
    visits_kpi = page.locator(".kpis div", has_text="Besøg").first.locator("dd")
    assert int(visits_kpi.inner_text()) >= 2
    page.get_by_text("Tallene", exact=True).first.click()
    expect(page.locator("#visits-title ~ details table")).to_be_visible()
    shot(page, "statistics-dashboard")

    page.get_by_role("link", name="Skyen").click()
    page.select_option("#range-bucket", "week")
    page.get_by_role("button", name="Vis").click()
    expect(page).to_have_url(re.compile(r".*/staff/stats/skyen/\?.*bucket=week"))
    page.get_by_role("link", name="Månedsrapport").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Månedsrapport")
    expect(page.locator("table").last).to_contain_text("visits")
    shot(page, "statistics-month-report")

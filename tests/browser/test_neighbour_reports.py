"""A neighbour reports a syringe from a phone without logging in; the staff of the room
see it on their home page and board on a tablet, read the contact details and close it.
Every page is checked with axe as it loads (conftest)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import log_in, shot

pytestmark = pytest.mark.browser

PLACE = "Istedgade 40, ved porten til gården"
CONTACT = "Tlf. 22 33 44 55"


def test_a_report_from_a_phone_reaches_the_staff_on_a_tablet(browser, server_url):
    phone = browser.new_context(viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{server_url}/")
    phone.locator('a[href="/neighbours/"]').first.click()
    phone.wait_for_url(re.compile(r".*/neighbours/$"))
    phone.select_option("#report-site", "h17")
    phone.check("input[name=kind][value=syringe]")
    phone.fill("#report-place", PLACE)
    phone.fill("#report-contact", CONTACT)
    # phone-first: nothing wider than the screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "neighbours-report-phone")
    phone.locator("#neighbour-report-form button[type=submit]").click()
    phone.wait_for_url(re.compile(r".*/neighbours/thanks\?contact=1.*"))
    expect(phone.locator("#how-answered")).to_be_visible()
    shot(phone, "neighbours-thanks-phone")
    assert all(c["name"] == "csrftoken" for c in phone.context.cookies())

    tablet = browser.new_context(viewport={"width": 820, "height": 1180}).new_page()
    log_in(tablet, server_url)
    home_count = tablet.locator(".neighbour-reports [data-neighbour-reports]").first
    expect(home_count).to_be_visible()
    tablet.goto(f"{server_url}/staff/sites/h17/")
    expect(tablet.locator(".neighbour-reports-open")).to_be_visible()
    expect(tablet.locator("main")).not_to_contain_text(CONTACT)
    shot(tablet, "neighbours-board-tablet")
    tablet.locator(".neighbour-reports-open a").click()
    tablet.wait_for_url(re.compile(r".*/staff/sites/h17/neighbours/$"))
    card = tablet.locator(".neighbour-reports .card", has_text=PLACE)
    expect(card).to_be_visible()
    assert tablet.evaluate("document.documentElement.scrollWidth") <= 820
    shot(tablet, "neighbours-site-reports-tablet")

    card.locator("form[action$='/contact'] button").click()
    tablet.wait_for_url(re.compile(r".*/contact$"))
    expect(tablet.locator("#neighbour-contact")).to_have_text(CONTACT)
    tablet.locator("main a[href='/staff/sites/h17/neighbours/']").click()
    tablet.wait_for_url(re.compile(r".*/staff/sites/h17/neighbours/$"))
    card = tablet.locator(".neighbour-reports .card", has_text=PLACE)
    card.locator("button[value=collected]").click()
    tablet.wait_for_url(re.compile(r".*/staff/sites/h17/neighbours/$"))
    expect(tablet.locator(".neighbour-reports .card", has_text=PLACE)).to_have_count(0)
    expect(tablet.locator("table.data")).to_contain_text(PLACE)
    shot(tablet, "neighbours-closed-tablet")

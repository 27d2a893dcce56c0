"""The overdose alarm in real browsers: one tap on a booth tile, and another screen shows a
full-width alarm with the booth, the person code and a running clock, without reload."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import Api, log_in, shot

pytestmark = pytest.mark.browser


def test_one_tap_alarm_reaches_another_screen_and_closes(browser, server_url):
    api = Api(server_url)
    person = api.person("Alarm Albert", site="skyen")
    visit = api.check_in(person, "skyen")
    door = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    other = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(door, server_url)
    log_in(other, server_url)  # stays on the staff home: alarms show on every page
    expect(other.locator("#alarm-zone")).to_be_attached()
    other.wait_for_timeout(500)  # let its event streams connect

    door.goto(f"{server_url}/staff/sites/skyen/")
    tile = door.locator(".booth.occupied", has_text="Alarm Albert")
    tile.get_by_role("button", name="Alarm").click()
    door.wait_for_url(re.compile(r".*/staff/incidents/.+/$"))

    banner = other.locator(".alarm-banner")
    expect(banner).to_be_visible(timeout=3_000)
    expect(banner).to_contain_text(visit["booth"])
    expect(banner).to_contain_text(person["code"])
    first = banner.locator(".alarm-clock").inner_text()
    other.wait_for_timeout(1_500)
    assert banner.locator(".alarm-clock").inner_text() != first  # the clock runs
    banner.locator(".alarm-ack").click()
    expect(banner.locator(".alarm-who")).to_contain_text("reception", timeout=3_000)
    shot(other, "alarm-on-another-screen")

    door.get_by_role("button", name=re.compile("0.4 mg")).click()
    expect(door.locator(".timeline")).to_contain_text(re.compile(r"0[.,]40 mg"))
    door.select_option("#outcome", "recovered_on_site")
    door.get_by_role("button", name=re.compile("Luk hændelsen|Close the incident")).click()
    expect(other.locator(".alarm-banner")).to_have_count(0, timeout=3_000)

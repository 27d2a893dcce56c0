"""A round around the site from a phone (390×844) and the door tablet (820×1180): the board
says a round is due, the form is filled with steppers and checkboxes, the board then says
when it ended; a refused round keeps what was typed. axe checks every page."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import log_in, shot
from tests.live_server import manage

pytestmark = pytest.mark.browser


def line_shot(page, name):
    folder = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.locator("#board .board-head").screenshot(path=str(folder / f"{name}-head.png"))
    page.locator(".round-line").screenshot(path=str(folder / f"{name}.png"))


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_round_from_a_phone_and_a_refused_one_on_the_tablet(browser, server_url,
                                                                server_env, axe):
    manage(server_env, "seed_zones")
    phone = browser.new_context(viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True).new_page()
    log_in(phone, server_url)
    phone.goto(f"{server_url}/staff/sites/h17/")
    line = phone.locator(".round-line")
    expect(line).to_have_attribute("data-round-due", "true")
    line_shot(phone, "rounds-board-line-due")
    line.locator("a[href='/staff/sites/h17/round']").click()
    phone.wait_for_url(re.compile(r".*/staff/sites/h17/round$"))
    _no_sideways_scroll(phone)

    more = phone.locator("button.step[data-step='1'][aria-controls='round-syringes']")
    for _ in range(3):
        more.tap()
    phone.locator("button.step[data-step='-1'][aria-controls='round-syringes']").tap()
    phone.locator("input[name=zones][value=halmtorvet]").check()
    seen = phone.locator("button.step[data-step='1'][aria-controls='round-public_use_seen']")
    seen.focus()
    phone.keyboard.press("Enter")  # the steppers work from the keyboard too
    expect(phone.locator("#round-syringes")).to_have_value("2")
    expect(phone.locator("#round-public_use_seen")).to_have_value("1")
    shot(phone, "rounds-phone-form")
    phone.locator(".round-form button[type=submit]").click()
    phone.wait_for_url(re.compile(r".*/staff/sites/h17/#board$"))
    expect(phone.locator(".round-line")).to_have_attribute("data-round-due", "false")
    line_shot(phone, "rounds-board-line-after")

    tablet = browser.new_context(viewport={"width": 820, "height": 1180}).new_page()
    log_in(tablet, server_url)
    tablet.goto(f"{server_url}/staff/sites/h17/round")
    tablet.fill("#round-started", "2026-11-02T10:30")
    tablet.fill("#round-ended", "2026-11-02T10:00")
    tablet.fill("#round-litter", "7")
    tablet.fill("#round-note", "Ved trappen")
    tablet.locator(".round-form button[type=submit]").click()
    expect(tablet.locator("#form-error")).to_be_visible()
    expect(tablet.locator("#round-litter")).to_have_value("7")
    expect(tablet.locator("#round-note")).to_have_value("Ved trappen")
    axe(tablet, "the refused round")
    shot(tablet, "rounds-tablet-refused")

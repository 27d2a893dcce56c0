"""The foundation in a real browser: the public page, logging in (with TOTP where the role
needs it), switching language, the staff home."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import shot

pytestmark = pytest.mark.browser

ROOMS = ["H17", "Skyen", "Reden København Stofindtag", "Stofrum Sundholm",
         "Det mobile stofindtagelsesrum"]


def test_public_page_in_danish_then_english_without_login(page, server_url):
    page.goto(f"{server_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.locator("h1")).to_have_text("Stofindtagelsesrummene i København")
    for room in ROOMS:
        expect(page.locator(".site-card h3", has_text=room)).to_be_visible()
    expect(page.locator("#site-reden")).to_contain_text("Forbeholdt kvinder")
    expect(page.locator("#site-h17")).to_contain_text("Halmtorvet 17")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("The drug consumption rooms in Copenhagen")
    shot(page, "public-english")
    page.get_by_role("button", name="Dansk").click()
    expect(page.locator("html")).to_have_attribute("lang", "da")


def test_keyboard_reaches_the_skip_link_first(page, server_url):
    page.goto(f"{server_url}/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()


def test_leader_logs_in_with_totp_switches_language_and_sees_home(page, server_url,
                                                                    totp_code):
    page.goto(f"{server_url}/login/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", "stofrum-demo")
    page.press("#id_password", "Enter")
    page.wait_for_url(re.compile(r".*/login/verify/.*"))
    expect(page.locator("h1")).to_have_text("Totrinsbekræftelse")
    page.fill("#id_otp", totp_code("leader"))
    page.press("#id_otp", "Enter")
    page.wait_for_url(re.compile(r".*/staff/$"))
    expect(page.locator("h2", has_text="Mine tilbud")).to_be_visible()
    expect(page.get_by_role("link", name="H17")).to_be_visible()
    expect(page.get_by_role("link", name="Revisionsspor").first).to_be_visible()
    page.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(r".*/staff/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h2", has_text="My sites")).to_be_visible()
    shot(page, "staff-home-english")


def test_a_wrong_password_is_shown_in_place_and_keeps_the_username(page, server_url):
    page.goto(f"{server_url}/login/")
    page.fill("#id_username", "reception")
    page.fill("#id_password", "wrong-password")
    page.press("#id_password", "Enter")
    expect(page.locator("#form-error")).to_contain_text("Forkert brugernavn eller adgangskode")
    expect(page.locator("#id_username")).to_have_value("reception")

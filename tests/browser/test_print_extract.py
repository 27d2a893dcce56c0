"""The printed journal extract for the Region carries only the document: an alarm running
at the site (red banner with a person code), the top bar and the footer are on screen but
not on paper (issue 16, item 10b)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import PASSWORD, Api, shot

pytestmark = pytest.mark.browser


def test_the_printed_extract_shows_no_alarm_no_bar_and_no_person_code(browser, server_url,
                                                                      totp_code):
    door = Api(server_url)
    person = door.person("Print Poul", site="h17")
    visit = door.check_in(person, "h17")
    nurse_api = Api(server_url, username="health", otp=totp_code("health"))
    incident = nurse_api.call("POST", "/incidents", {"site": "h17", "visit": visit["id"],
                                                     "kind": "overdose_opioid"})
    try:
        journal = nurse_api.call("POST", f"/incidents/{incident['id']}/journal", {
            "fictitious": True, "disclosure_consent": "given",
            "assessment": "Respirationsdepression", "treatment": "Naloxon 0,4 mg",
            "note": ""})
        page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
        page.goto(f"{server_url}/login/")
        page.fill("#id_username", "health")
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(re.compile(r".*/login/verify/.*"))
        page.fill("#id_otp", totp_code("health"))
        page.press("#id_otp", "Enter")
        page.wait_for_url(re.compile(r".*/staff/$"))
        page.goto(f"{server_url}/staff/journal/{journal['id']}/extract")
        expect(page.locator("h1")).to_contain_text("Journal extract")
        banner = page.locator(f"#alarm-{incident['id']}")
        expect(banner).to_be_visible(timeout=5_000)  # on screen the alarm still shouts
        expect(banner).to_contain_text(person["code"])

        page.emulate_media(media="print")
        expect(banner).to_be_hidden()
        expect(page.locator("#alarm-zone")).to_be_hidden()
        expect(page.locator("header.topbar")).to_be_hidden()
        expect(page.locator("footer")).to_be_hidden()
        expect(page.locator(".skip-link")).to_be_hidden()
        expect(page.locator("main h1")).to_be_visible()
        printed = page.locator("body").inner_text()
        assert person["code"] not in printed
        assert "Journal extract" in printed and "Naloxon" in printed
        shot(page, "journal-extract-print")
    finally:
        nurse_api.call("POST", f"/incidents/{incident['id']}/close",
                       {"outcome": "recovered_on_site"})

"""The rest of the room's day in a real browser: a service and a referral from the board,
a leader's quarantine refusing check-in at another room with the end date, and a
complaint from the public page (on a phone, without login) reaching the leader."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import Api, log_in, log_in_with_totp, shot

pytestmark = pytest.mark.browser


def test_service_and_referral_from_the_board(browser, server_url):
    api = Api(server_url)
    person = api.person("Tjenestemanden")
    api.check_in(person, "h17")
    page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(page, server_url)
    page.goto(f"{server_url}/staff/sites/h17/")
    tile = page.locator(".booth.occupied", has_text=person["code"])
    tile.get_by_role("link", name="Ydelse / brobygning").click()

    page.get_by_role("button", name="Sårskylning og sårpleje").click()      # tap two
    expect(page.locator(".messages")).to_contain_text("Registreret: Sårskylning og sårpleje")

    tile = page.locator(".booth.occupied", has_text=person["code"])
    tile.get_by_role("link", name="Ydelse / brobygning").click()
    page.select_option("#referral-target", "drug_treatment")
    page.fill("#referral-note", "Vil gerne i metadonbehandling")
    shot(page, "care-service-and-referral")
    page.get_by_role("button", name="Registrér brobygningen").click()
    expect(page.locator(".messages")).to_contain_text("Brobygning til Stofbehandling")

    page.goto(f"{server_url}/staff/persons/{person['code']}/")
    expect(page.locator("#care ~ .table-scroll").first).to_contain_text("Sårskylning")
    expect(page.locator("#care ~ .table-scroll").nth(1)).to_contain_text("Stofbehandling")
    expect(page.locator("#care ~ .table-scroll").nth(1)).to_contain_text("Foreslået")


def test_leader_quarantine_refuses_check_in_elsewhere_and_public_complaint_reaches_leader(
        browser, server_url, totp_code):
    api = Api(server_url)
    person = api.person("Karantænia")
    until = date.today() + timedelta(days=14)

    leader = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in_with_totp(leader, server_url, "leader", totp_code)

    leader.goto(f"{server_url}/staff/persons/{person['code']}/")
    form = leader.locator("#quarantine-form")
    form.locator("input[name=scope][value=all]").check()
    form.locator("#quarantine-until").fill(until.isoformat())
    form.locator("#quarantine-reason").fill("Truede personalet")
    form.get_by_role("button", name="Beslut karantænen").click()
    expect(leader.locator(".messages")).to_contain_text("Karantæne til og med")
    expect(leader.locator(".warning-box")).to_contain_text("alle tilbud")
    shot(leader, "conduct-quarantine-decided")

    door = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(door, server_url)
    door.goto(f"{server_url}/staff/sites/skyen/?person={person['code']}")
    door.check("input[name=substances][value=heroin]")
    door.check("input[name=method][value=injection]")
    door.click("#check-in-submit")
    expect(door.locator("#form-error")).to_contain_text(until.strftime("%d.%m.%Y"))
    expect(door.locator("#form-error")).to_contain_text("karantæne")
    shot(door, "conduct-check-in-refused")

    phone = browser.new_context(viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{server_url}/")
    phone.get_by_role("link", name="Skriv en klage").click()
    phone.select_option("#complaint-site", "h17")
    phone.check("input[name=route][value=leader]")
    phone.fill("#complaint-text", "Der er for koldt i venterummet <om natten>.")
    shot(phone, "public-complaint-phone")
    phone.get_by_role("button", name="Send klagen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Tak. Din klage er modtaget.")
    assert phone.context.cookies() == [] or all(
        c["name"] == "csrftoken" for c in phone.context.cookies())

    leader.goto(f"{server_url}/staff/")
    leader.get_by_role("link", name="Klager").click()
    expect(leader.locator("main")).to_contain_text("Der er for koldt i venterummet <om")
    shot(leader, "voice-complaints-for-leader")


def test_a_refused_complaint_response_keeps_what_the_leader_typed(browser, server_url,
                                                                  totp_code, axe):
    """The leader answers with a CPR number in the text: refused in place, the typed
    answer and the chosen status still there; the number removed, it is saved."""
    complaint = Api(server_url).call("POST", "/complaints", {
        "site": "h17", "route": "leader", "text": "Ingen svarer i telefonen.",
        "anonymous": True})
    leader = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in_with_totp(leader, server_url, "leader", totp_code)
    leader.goto(f"{server_url}/staff/complaints/{complaint['id']}/")

    answer = "Vi ringer dig op i morgen på 010180-1234, og vi har fået en ny telefon."
    leader.select_option("#complaint-status", "in_progress")
    leader.fill("#complaint-response", answer)
    leader.get_by_role("button", name="Gem").click()

    expect(leader.locator("#form-error")).to_contain_text("CPR-nummer")
    expect(leader.locator("#complaint-response")).to_have_value(answer)
    expect(leader.locator("#complaint-status")).to_have_value("in_progress")
    axe(leader, "a refused complaint response")
    shot(leader, "voice-complaint-response-refused")

    leader.fill("#complaint-response",
                leader.input_value("#complaint-response").replace(" på 010180-1234", ""))
    leader.get_by_role("button", name="Gem").click()

    expect(leader.locator(".messages")).to_contain_text("Klagen er opdateret.")
    expect(leader.locator("main")).to_contain_text(
        "Vi ringer dig op i morgen, og vi har fået en ny telefon.")
    expect(leader.locator(".facts")).to_contain_text("Under behandling")
    expect(leader.locator("#form-error")).to_have_count(0)

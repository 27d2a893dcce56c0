"""The overdose alarm in real browsers: one tap on a booth tile, and another screen shows a
full-width alarm with the booth, the person code and a running clock, without reload."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import Api, log_in, log_in_with_totp, shot

pytestmark = pytest.mark.browser


def test_one_tap_alarm_reaches_another_screen_and_closes(browser, server_url, totp_code,
                                                          server_env):
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
    # The clock runs (ticks each second; a busy machine may delay a tick).
    expect(banner.locator(".alarm-clock")).not_to_have_text(first, timeout=5_000)
    banner.locator(".alarm-ack").click()
    expect(banner.locator(".alarm-who")).to_contain_text("reception", timeout=3_000)
    shot(other, "alarm-on-another-screen")

    door.get_by_role("button", name=re.compile("0.4 mg")).click()
    expect(door.locator(".timeline")).to_contain_text(re.compile(r"0[.,]40 mg"))
    incident_url = door.url

    # A nurse writes the journal with a fictitious CPR number.
    nurse = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in_with_totp(nurse, server_url, "health", totp_code)
    nurse.goto(incident_url)
    nurse.get_by_role("link", name=re.compile("Skriv journalen|Write the journal")).click()
    nurse.check("input[name=patient_id][value=fictitious]")
    nurse.fill("#id_assessment", "Respirationsdepression efter heroin; vågnede efter naloxon.")
    nurse.check("input[name=disclosure_consent][value=refused]")
    expect(nurse.locator("#id_treatment")).to_have_value(re.compile("Naloxon"))
    nurse.get_by_role("button", name=re.compile("Gem journalen|Save the journal")).click()
    expect(nurse.locator("code.cpr")).to_have_text(re.compile(r"^[6-9]\d{5}-XXXX$"))
    expect(nurse.locator(".badge.info")).to_contain_text(re.compile("[Ff]iktiv|[Ff]ictitious"))
    shot(nurse, "journal-fictitious")

    # Revealing the number is explicit, with a reason; the database file never holds it.
    nurse.fill("#id_reason", "Kontrol af nummeret")
    nurse.get_by_role("button", name=re.compile("Vis det fulde CPR-nummer|Show the full")).click()
    number = nurse.locator("code.cpr").inner_text()
    assert re.fullmatch(r"[6-9]\d{5}-\d{4}", number)
    database = Path(server_env["DATABASE_URL"].removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert number.encode() not in stored and number.replace("-", "").encode() not in stored
    door.select_option("#outcome", "recovered_on_site")
    door.get_by_role("button", name=re.compile("Luk hændelsen|Close the incident")).click()
    expect(other.locator(".alarm-banner")).to_have_count(0, timeout=3_000)


def test_two_staff_alarm_one_booth_make_one_incident_and_the_kind_is_chosen_later(
        browser, server_url, totp_code):
    api = Api(server_url)
    person = api.person("Kokain Kim", site="h17")
    visit = api.check_in(person, "h17", substances=("cocaine",))
    door = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    nurse = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    watcher = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(door, server_url)
    log_in_with_totp(nurse, server_url, "health", totp_code)
    log_in(watcher, server_url)  # the staff home: every alarm shows here as a banner
    for page in (door, nurse):
        page.goto(f"{server_url}/staff/sites/h17/")
        expect(page.locator("#board")).to_have_attribute("data-live", "on", timeout=10_000)
    watcher.wait_for_timeout(500)  # let its event streams connect

    door.locator(".booth.occupied", has_text="Kokain Kim").get_by_role(
        "button", name="Alarm").click()
    door.wait_for_url(re.compile(r".*/staff/incidents/.+/$"))
    incident_url = door.url

    # The nurse's board shows, without reload, that an alarm is running on that booth.
    tile = nurse.locator(".booth.occupied", has_text="Kokain Kim")
    flag = tile.locator(".tile-alarm")
    expect(flag).to_be_visible(timeout=3_000)
    expect(flag).to_have_text(re.compile("Alarm i gang|Alarm running"))
    expect(flag).to_have_attribute("href", re.compile(r"/staff/incidents/.+/$"))
    shot(nurse, "alarm-running-on-the-tile")

    # The nurse presses Alarm on the same booth too: she joins the same incident.
    tile.get_by_role("button", name="Alarm", exact=True).click()
    nurse.wait_for_url(re.compile(r".*/staff/incidents/.+/$"))
    assert nurse.url == incident_url
    # One incident, one banner (banners of other tests' alarms on the shared server aside).
    banners = watcher.locator(".alarm-banner", has_text=person["code"])
    expect(banners).to_have_count(1, timeout=3_000)
    expect(banners).to_contain_text(visit["booth"])
    watcher.wait_for_timeout(1_000)  # a second alarm event would have arrived by now
    expect(banners).to_have_count(1)

    # The kind is unknown until chosen; the nurse chooses it on the incident page.
    expect(nurse.locator("h1")).to_contain_text(re.compile("Ukendt|Unknown"))
    nurse.get_by_label(re.compile(r"Overdosis \(stimulanser\)|Overdose \(stimulant\)")).check()
    nurse.get_by_role("button", name=re.compile("Gem typen|Save the kind")).click()
    expect(nurse.locator("h1")).to_contain_text(
        re.compile(r"Overdosis \(stimulanser\)|Overdose \(stimulant\)"))
    # Naloxone recorded by the nurse makes her a responder.
    nurse.get_by_role("button", name=re.compile("0.4 mg")).click()
    expect(nurse.locator(".incident-head")).to_contain_text("health")
    shot(nurse, "incident-kind-chosen")

    nurse.select_option("#outcome", "recovered_on_site")
    nurse.get_by_role("button", name=re.compile("Luk hændelsen|Close the incident")).click()
    expect(banners).to_have_count(0, timeout=3_000)
    # The journal is not lost: the board lists it for the nurse, with a link to write it.
    nurse.goto(f"{server_url}/staff/sites/h17/")
    pending = nurse.locator(".journals-pending")
    expect(pending).to_be_visible()
    expect(pending.get_by_role("link", name=re.compile("Skriv journalen|Write the journal"))
           ).not_to_have_count(0)
    expect(nurse.locator(".tile-alarm")).to_have_count(0)
    nurse.goto(f"{server_url}/staff/")
    expect(nurse.locator("ul.journals-pending")).to_be_visible()
    shot(nurse, "journals-pending-on-home")

"""Drug alerts in real browsers: overdoses with fentanyl at two sites (H17, Skyen) raise an
alert that a third site's board (Reden) shows without reload, acknowledged there with the
keyboard; the door shows it beside the check-in form when the person names fentanyl."""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import PASSWORD, Api, log_in, shot
from tests.live_server import ROOT

pytestmark = pytest.mark.browser


def test_a_cluster_at_two_sites_warns_a_third_site_s_board(browser, server_url, server_env,
                                                           axe):
    api = Api(server_url)
    # The demo accounts are not members of Reden: one who is.
    subprocess.run([sys.executable, "manage.py", "create_staff", "reden-door", "--role",
                    "reception", "--sites", "reden", "--password-stdin"], cwd=ROOT,
                   env=server_env, input=PASSWORD, text=True, capture_output=True, check=True,
                   timeout=120)
    board = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(board, server_url, "reden-door")
    board.goto(f"{server_url}/staff/sites/reden/")
    expect(board.locator(".drug-alert")).to_have_count(0)
    board.wait_for_timeout(500)  # let its event stream connect

    people = []
    for i, site in enumerate(("h17", "skyen", "h17")):
        person = api.person(f"Fentanyl {i}", site=site)
        visit = api.check_in(person, site, substances=("fentanyl",))
        incident = api.call("POST", "/incidents", {"site": site, "kind": "overdose_opioid",
                                                   "visit": visit["id"]})
        api.call("POST", f"/incidents/{incident['id']}/close", {"outcome": "recovered_on_site"})
        people.append(person)

    banner = board.locator(".drug-alert", has_text="Fentanyl")
    expect(banner).to_be_visible(timeout=5_000)
    expect(banner).to_contain_text("3")
    axe(board, "a drug alert on Reden's board")
    shot(board, "drug-alert-on-a-third-board")

    # Acknowledged with the keyboard, for this site.
    button = banner.get_by_role("button", name=re.compile("Kvittér|Acknowledge"))
    button.focus()
    board.keyboard.press("Enter")
    expect(banner).to_contain_text(re.compile("Kvitteret|Acknowledged"), timeout=5_000)
    alerts = api.call("GET", "/alerts?active=true")["items"]
    fentanyl = next(a for a in alerts if a["substance"] == "fentanyl")
    assert set(fentanyl["acknowledged_by_site"]) == {"reden"}
    assert fentanyl["sites"] == ["h17", "skyen"] and fentanyl["source"] == "cluster"

    # At the door: picking a person whose last visit named fentanyl shows the alert
    # beside the check-in form; unticking it hides it.
    door = browser.new_context(viewport={"width": 820, "height": 1180}).new_page()
    log_in(door, server_url)
    expect(door.locator("#drug-alerts .drug-alert", has_text="Fentanyl")).to_be_visible()
    door.goto(f"{server_url}/staff/sites/skyen/?person={people[1]['code']}")
    hint = door.locator("#drug-alert-hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Fentanyl")
    axe(door, "the door with a drug alert beside the check-in form")
    shot(door, "drug-alert-at-the-door")
    door.locator("#check-in-form input[name=substances][value=fentanyl]").uncheck()
    expect(hint).to_be_hidden()

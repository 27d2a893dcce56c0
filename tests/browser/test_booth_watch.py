"""Booth watch in real browsers (issue 14): a booth goes overdue on one board and is checked
from another; one more interval later a banner stands on both until 'Checked' is tapped.
The clock is fast-forwarded by moving the booth entry (and the look-in) back in the
database; the server's own sweep notices it, as it would in production."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import Api, log_in, log_in_with_totp, shot
from tests.live_server import manage

pytestmark = pytest.mark.browser

SITE = "skyen"
CHECK_NOW = re.compile("Check now|Tjek nu", re.IGNORECASE)
CHECKED = re.compile("^(Checked|Tjekket)")
# The server sweeps every STOFRUM_WATCH_SWEEP_SECONDS (10) while a stream is open.
SWEPT = 25_000


def move_back(server_env, visit_id: str, minutes: int) -> None:
    """The booth entered, and every look-in made, `minutes` earlier than they were."""
    manage(server_env, "shell", "-c", (
        "from datetime import timedelta\n"
        "from django.db.models import F\n"
        "from stofrum.visits.models import Visit\n"
        "from stofrum.watch.models import LookIn\n"
        f"back = timedelta(minutes={minutes})\n"
        f"Visit.objects.filter(pk='{visit_id}').update(booth_at=F('booth_at') - back)\n"
        f"LookIn.objects.filter(visit_id='{visit_id}').update(at=F('at') - back)\n"))


def test_a_booth_overdue_on_one_board_is_checked_from_another(browser, server_url,
                                                             server_env, axe):
    api = Api(server_url)
    visit = api.check_in(api.person("Tilsyn Tove", site=SITE, gender="female"), SITE)
    assert visit["booth"], "the test needs a free injection booth at the site"
    boards = []
    for size in ({"width": 1024, "height": 768}, {"width": 820, "height": 1180}):
        page = browser.new_context(viewport=size).new_page()
        log_in(page, server_url)
        page.goto(f"{server_url}/staff/sites/{SITE}/")
        expect(page.locator("#board")).to_have_attribute("data-live", "on", timeout=10_000)
        boards.append(page)
    wide, tall = boards
    tiles = [b.locator(f'.booth[data-booth="{visit["booth"]}"]') for b in boards]
    for tile in tiles:
        expect(tile).not_to_have_class(re.compile("watch-"))
        expect(tile).to_contain_text(re.compile("Not checked yet|Ikke tjekket endnu"))

    # 11 minutes in the booth without a look-in (injection: 10): "Check now" everywhere.
    move_back(server_env, visit["id"], 11)
    for tile in tiles:
        expect(tile).to_have_class(re.compile(r"\bwatch-overdue\b"), timeout=SWEPT)
        expect(tile.locator(".watch-now")).to_have_text(CHECK_NOW)
    shot(wide, "watch-overdue-tile")
    axe(wide, "board with an overdue booth")

    # The other board taps "Checked": both are back to normal.
    tiles[1].get_by_role("button", name=CHECKED).click()
    for tile in tiles:
        expect(tile).not_to_have_class(re.compile("watch-"), timeout=5_000)
        expect(tile.locator(".watch-now")).to_be_hidden()
        expect(tile).to_contain_text(re.compile(r"(Checked|Tjekket) \d\d:\d\d"))

    # Two intervals without a look-in: a full-width banner on both, not the red alarm.
    move_back(server_env, visit["id"], 21)
    banners = [b.locator(".watch-banner", has_text=visit["booth"]) for b in boards]
    for banner in banners:
        expect(banner).to_be_visible(timeout=SWEPT)
    for board in boards:
        expect(board.locator(".alarm-banner")).to_have_count(0)
    width = tall.evaluate("document.documentElement.clientWidth")
    assert banners[1].bounding_box()["width"] >= width - 2
    shot(tall, "watch-escalated-banner-tablet")
    axe(tall, "board with an escalated booth")

    # "Checked" on the banner, from the keyboard: gone from both boards.
    banners[0].get_by_role("button", name=CHECKED).focus()
    wide.keyboard.press("Enter")
    for banner in banners:
        expect(banner).to_have_count(0, timeout=5_000)
    for tile in tiles:
        expect(tile).not_to_have_class(re.compile("watch-"))
    shot(wide, "watch-checked-again")


def test_a_leader_sets_the_check_intervals(browser, server_url, totp_code):
    page = browser.new_context(viewport={"width": 820, "height": 1180}).new_page()
    log_in_with_totp(page, server_url, "leader", totp_code)
    page.goto(f"{server_url}/staff/sites/h17/")
    page.get_by_role("link", name=re.compile("Booth check intervals|Tjekintervaller")).click()
    page.wait_for_url(re.compile(r".*/check-intervals$"))
    page.fill("input[name=injection-minutes]", "12")
    page.fill("input[name=injection-assisted]", "6")
    page.get_by_role("button", name=re.compile("^(Save|Gem)$")).click()
    expect(page.locator(".message.success")).to_be_visible()
    expect(page.locator("input[name=injection-minutes]")).to_have_value("12")
    shot(page, "watch-check-intervals")

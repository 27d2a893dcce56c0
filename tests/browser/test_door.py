"""The door in a real browser: first visit with a drawn signature, check-in, a second
screen's board updating by itself, check-out promoting the queue, a refusal in place,
and a returning person checked in from the keyboard alone."""

import contextlib
import json
import re
import socket
import threading
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "stofrum-demo"


class Api:
    """The JSON API as a demo account (reception unless told), to set the scene quickly."""

    def __init__(self, base: str, username="reception", otp=None, ssl_context=None,
                 password=PASSWORD):
        self.base = base
        self.ssl_context = ssl_context
        self.token = None
        credentials = {"username": username, "password": password, **({"otp": otp} if otp else {})}
        self.token = self.call("POST", "/auth/token", credentials)["token"]

    def call(self, method, path, body=None):
        request = urllib.request.Request(
            f"{self.base}/api/v1{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json",
                     **({"Authorization": f"Bearer {self.token}"}
                        if getattr(self, "token", None) else {})})
        with urllib.request.urlopen(request, timeout=10, context=self.ssl_context) as response:
            return json.loads(response.read() or b"null")

    def person(self, alias, site="h17", gender="male", birth_year=1980):
        person = self.call("POST", "/persons", {
            "alias": alias, "birth_year": birth_year, "gender": gender,
            "municipality": "101", "site": site, "confirm_new": True})
        self.call("POST", f"/persons/{person['id']}/first-aid-agreement", {"site": site})
        return person

    def check_in(self, person, site, method="injection", substances=("heroin",)):
        return self.call("POST", "/visits", {"person": person["id"], "site": site,
                                             "method": method, "substances": list(substances)})


def log_in(page, server_url, username="reception"):
    page.goto(f"{server_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(re.compile(r".*/staff/$"))


def log_in_with_totp(page, server_url, username, code):
    """Log in an account that needs its second factor; `code` is the totp_code fixture."""
    page.goto(f"{server_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.fill("#id_otp", code(username))
    page.press("#id_otp", "Enter")
    page.wait_for_url(re.compile(r".*/staff/$"))


def shot(page, name):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_first_visit_check_in_and_a_second_board_updates_without_reload(browser, server_url):
    door = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    board = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(door, server_url)
    log_in(board, server_url)
    board.goto(f"{server_url}/staff/sites/h17/")
    expect(board.locator("#board")).to_have_attribute("data-live", "on", timeout=10_000)

    door.goto(f"{server_url}/staff/sites/h17/")
    door.click("a[href$='/persons/new']")
    door.fill("#id_alias", "Vibeke Første")
    door.fill("#id_birth_year", "1977")
    door.check("input[name=gender][value=female]")
    door.select_option("#id_municipality", "147")
    door.click("form.stack button[type=submit]")
    expect(door.locator("#signature-pad")).to_be_visible()
    door.locator("#signature-pad").scroll_into_view_if_needed()
    box = door.locator("#signature-pad").bounding_box()
    door.mouse.move(box["x"] + 30, box["y"] + 60)
    door.mouse.down()
    door.mouse.move(box["x"] + 160, box["y"] + 110, steps=12)
    door.mouse.move(box["x"] + 300, box["y"] + 40, steps=12)
    door.mouse.up()
    door.check("#id_house_rules_shown")
    door.check("#id_signed")
    shot(door, "door-first-visit-signed")
    door.click("#sign-form button[type=submit]")
    expect(door.locator("#check-in-form")).to_be_visible()
    door.check("input[name=substances][value=heroin]")
    door.click("#check-in-submit")
    expect(door.locator(".message.success")).to_contain_text(re.compile(r"I\d+"))

    # The other screen shows her in a booth, without a reload.
    tile = board.locator(".booth.occupied", has_text="Vibeke Første")
    expect(tile).to_be_visible(timeout=5_000)
    shot(board, "door-second-board-updated")

    # The signature was stored with the agreement.
    code = tile.locator("code").inner_text()
    agreement = door.context.request.get(f"{server_url}/staff/persons/{code}/agreement")
    assert "data:image/png;base64," in agreement.text()


class CuttableLink:
    """A TCP link from the browser to the test server that the test can cut, as a dropped
    network does: every open connection ends and new ones are refused until it is back.
    Or it can answer every new request with 503 database_unavailable instead, as the app
    does while its database is away (`answer_503`), until it passes again (`restore`)."""

    UNAVAILABLE = (b'{"code":"database_unavailable"}')

    def __init__(self, server_url: str):
        host, port = urllib.parse.urlsplit(server_url).netloc.split(":")
        self.target = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.up = True
        self.unavailable = False
        self.answered_503: list[str] = []  # the paths answered
        self.lock = threading.Lock()
        self.open: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.up:
                client.close()
                continue
            if self.unavailable:
                threading.Thread(target=self._answer_503, args=(client,), daemon=True).start()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._end(source, sink)

    def _answer_503(self, client):
        with client:
            request = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in request and (data := client.recv(65536)):
                    request += data
            with self.lock:
                self.answered_503.append(request.split(b" ", 2)[1].decode(errors="replace"))
            with contextlib.suppress(OSError):
                client.sendall(b"HTTP/1.1 503 Service Unavailable\r\n"
                               b"Content-Type: application/json\r\nRetry-After: 15\r\n"
                               b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                               % (len(self.UNAVAILABLE), self.UNAVAILABLE))
                client.shutdown(socket.SHUT_WR)

    def _end(self, *sockets):
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            with self.lock:
                self.open.discard(sock)

    def cut(self):
        self.up = False
        with self.lock:
            sockets = list(self.open)
        self._end(*sockets)

    def answer_503(self):
        """Drop every open connection and answer each new request 503."""
        self.unavailable = True
        self.cut()
        self.up = True

    def restore(self):
        self.unavailable = False
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


def test_a_board_whose_stream_drops_says_so_and_catches_up_when_it_is_back(browser,
                                                                          server_url):
    api = Api(server_url)
    person = api.person("Ulla Undervejs")
    link = CuttableLink(server_url)
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    board = context.new_page()
    log_in(board, link.url)
    board.goto(f"{link.url}/staff/sites/h17/")
    expect(board.locator("#board")).to_have_attribute("data-live", "on", timeout=10_000)
    expect(board.locator("#live-status")).to_be_hidden()

    # The network goes: the stream drops and the page says it may be out of date.
    link.cut()
    expect(board.locator("body")).to_have_attribute("data-live", "reconnecting", timeout=10_000)
    expect(board.locator("#live-status")).to_be_visible()
    shot(board, "door-board-reconnecting")
    # A check-in at another screen while this one is away.
    api.check_in(person, "h17")
    expect(board.locator("#board")).not_to_contain_text("Ulla Undervejs")

    # Back: the bar goes and the board shows what it missed, without a reload.
    link.restore()
    expect(board.locator("body")).to_have_attribute("data-live", "on", timeout=15_000)
    expect(board.locator("#live-status")).to_be_hidden()
    expect(board.locator("#board")).to_contain_text("Ulla Undervejs", timeout=5_000)
    context.close()
    link.close()


def test_a_stream_answered_503_reconnects_by_itself_and_alarms_show_again(browser,
                                                                         server_url,
                                                                         totp_code):
    # The browser gives up on a stream whose reconnect is answered with an error (here
    # 503 database_unavailable, as during a database outage): the page must try again.
    link = CuttableLink(server_url)
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    board = context.new_page()
    log_in(board, link.url)
    board.goto(f"{link.url}/staff/sites/h17/")
    expect(board.locator("body")).to_have_attribute("data-live", "on", timeout=10_000)

    link.answer_503()
    expect(board.locator("body")).to_have_attribute("data-live", "reconnecting", timeout=10_000)
    expect(board.locator("#live-status")).to_be_visible()
    # The browser's own retry was answered 503, and the page's next try too.
    def stream_tries():
        return sum("/events" in path for path in link.answered_503)

    for _ in range(240):
        if stream_tries() >= 2:
            break
        board.wait_for_timeout(250)
    assert stream_tries() >= 2, "the page stopped trying after its stream was refused"
    expect(board.locator("body")).to_have_attribute("data-live", "reconnecting")

    link.restore()
    expect(board.locator("body")).to_have_attribute("data-live", "on", timeout=40_000)
    expect(board.locator("#live-status")).to_be_hidden()
    nurse = Api(server_url, username="health", otp=totp_code("health"))
    incident = nurse.call("POST", "/incidents", {"site": "h17"})
    try:
        expect(board.locator(f"#alarm-{incident['id']}")).to_be_visible(timeout=5_000)
    finally:
        # The server is shared by the browser tests: an alarm left open shows on theirs.
        nurse.call("POST", f"/incidents/{incident['id']}/close",
                   {"outcome": "recovered_on_site"})
    context.close()
    link.close()


def test_check_out_gives_the_booth_to_the_queued_person(browser, server_url):
    api = Api(server_url)
    people = [api.person(f"Kø {n}") for n in range(9)]
    visits = [api.check_in(p, "h17", method="smoking", substances=("crack",)) for p in people]
    assert [v["state"] for v in visits].count("queued") == 1
    door = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    board = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(door, server_url)
    log_in(board, server_url)
    board.goto(f"{server_url}/staff/sites/h17/")
    expect(board.locator("#board")).to_have_attribute("data-live", "on", timeout=10_000)
    expect(board.locator("[data-queue-person]")).to_contain_text("Kø 8")

    door.goto(f"{server_url}/staff/sites/h17/")
    door.locator(".booth.occupied", has_text="Kø 0").get_by_role(
        "button", name=re.compile("Tjek ud|Check out")).click()
    expect(board.locator(".booth.occupied", has_text="Kø 8")).to_be_visible(timeout=5_000)
    expect(board.locator("[data-queue-person]")).to_have_count(0)
    shot(board, "door-queue-promoted")


def test_a_refused_check_in_shows_its_message(browser, server_url):
    api = Api(server_url)
    person = api.person("Hashrygeren", site="skyen")
    page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(page, server_url)
    page.goto(f"{server_url}/staff/sites/skyen/?person={person['code']}")
    page.check("input[name=substances][value=cannabis]")
    page.check("input[name=method][value=smoking]")
    page.click("#check-in-submit")
    expect(page.locator("#form-error")).to_contain_text(re.compile("[Hh]ash"))
    expect(page.locator("input[name=substances][value=cannabis]")).to_be_checked()
    shot(page, "door-refused")


def test_a_returning_person_is_checked_in_with_five_keystrokes(browser, server_url):
    api = Api(server_url)
    person = api.person("Søren", site="skyen")
    first = api.check_in(person, "skyen", substances=("heroin", "cocaine"))
    api.call("POST", f"/visits/{first['id']}/checkout", {})
    page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(page, server_url)
    page.goto(f"{server_url}/staff/sites/skyen/")
    expect(page.locator("#person-search")).to_be_focused()

    keystrokes = 0
    for key in "sør":
        page.keyboard.type(key)
        keystrokes += 1
    selected = page.locator("[role=option][aria-selected=true]")
    expect(selected).to_contain_text("Søren")
    page.keyboard.press("Enter")
    keystrokes += 1
    expect(page.locator("#check-in-submit")).to_be_focused()
    expect(page.locator("input[name=substances][value=heroin]")).to_be_checked()
    expect(page.locator("input[name=substances][value=cocaine]")).to_be_checked()
    page.keyboard.press("Enter")
    keystrokes += 1
    expect(page.locator(".message.success")).to_contain_text("Søren")
    assert keystrokes == 5
    shot(page, "door-keyboard-check-in")


def test_enter_on_a_new_person_focuses_the_substances_not_the_button(browser, server_url):
    api = Api(server_url)
    api.person("Nyankomne Nanna", gender="female")
    page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(page, server_url)
    page.goto(f"{server_url}/staff/sites/h17/")
    page.keyboard.type("nyanko")
    expect(page.locator("[role=option][aria-selected=true]")).to_contain_text("Nyankomne")
    page.keyboard.press("Enter")
    expect(page.locator("#check-in-form")).to_be_visible()
    first = page.locator("input[name=substances]").first
    expect(first).to_be_focused()
    page.keyboard.press("Enter")  # nothing is sent: no empty check-in
    expect(page.locator("#check-in-form")).to_be_visible()
    expect(page.locator("#form-error")).to_have_count(0)
    shot(page, "door-new-person-focus")


def test_undo_correct_and_move_on_the_board(browser, server_url):
    api = Api(server_url)
    person = api.person("Fortryde Finn")
    visit = api.check_in(person, "h17")
    page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(page, server_url)
    page.goto(f"{server_url}/staff/sites/h17/")
    tile = page.locator(".booth.occupied", has_text="Fortryde Finn")
    booth = visit["booth"]

    # Check out by mistake, then undo: back in the same booth.
    tile.get_by_role("button", name=re.compile("Tjek ud|Check out")).click()
    recent = page.locator("[data-recent-checkout]", has_text="Fortryde Finn")
    expect(recent).to_be_visible()
    shot(page, "door-recently-checked-out")
    recent.get_by_role("button", name=re.compile("Fortryd|Undo")).click()
    expect(page.locator(f".booth.occupied[data-booth='{booth}']")).to_contain_text(
        "Fortryde Finn")

    # Correct the substances and move to another free booth.
    page.locator(".booth.occupied", has_text="Fortryde Finn").locator(
        "a[data-correct]").click()
    expect(page.locator("#correct-form")).to_be_visible()
    page.check("#correct-form input[name=substances][value=cocaine]")
    options = page.locator("#id_booth option").all_inner_texts()
    target = next(o.split(" ")[0] for o in options[1:] if o.startswith("I"))
    page.select_option("#id_booth", target)
    shot(page, "door-correct-form")
    page.click("#correct-submit")
    moved = page.locator(f".booth.occupied[data-booth='{target}']")
    expect(moved).to_contain_text("Fortryde Finn")
    expect(moved.locator(".what")).to_contain_text(re.compile("[Kk]okain|[Cc]ocaine"))
    shot(page, "door-moved")

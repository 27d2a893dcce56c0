"""Faults survived (issue 13), on loopback, bounded: the production layout (two app
processes as stofrum@.service runs them, nginx from deploy/nginx.conf.template in front)
on a PostgreSQL cluster of the test's own (tests/private_postgres.py: the machine's shared
server is never stopped), under a steady load through the proxy: doors checking persons in
and out, health staff raising alarms, every write with an Idempotency-Key and sent again
with the same key when the answer was lost (no answer, 502, 503). Boards hold the site's
event stream open at each app process directly and fetch the board when they (re)connect
and when told to resync, as the pages do.

- One app process is killed (SIGKILL) mid-load: the other serves; afterwards every visit
  exists exactly once, no booth ever held two visits at once, every visit and alarm has its
  audit row and the audit trail is whole, every alarm reached every board of its site.
- PostgreSQL is stopped for a few seconds mid-load and started again: while it is down the
  API answers 503 `database_unavailable`, never 500; the same app processes serve again
  by themselves; nothing is half-written; the boards are told to resync and catch up.

Run once, in the PostgreSQL run (the app's behaviour on PostgreSQL is what is tested; the
cluster is its own whatever the run's DATABASE_URL)."""

import itertools
import json
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from tests.live_server import base_env, free_port, launch, manage, stop
from tests.private_postgres import PrivatePostgres
from tests.prod_layout import (
    require_nginx,
    self_signed_certificate,
    serve_proxy,
    unit_commands,
    unverified,
)

pytestmark = pytest.mark.postgres

SITE = "h17"
DOORS = 4  # receptionists checking in and out at once, each with a token of their own
PERSONS_PER_DOOR = 3
BOARDS_PER_PROCESS = 2
ALARM_EVERY_S = 0.7
RETRY_AFTER_S = 0.2
WRITE_DEADLINE_S = 30  # how long a write is sent again before the test gives up on it
PHASE_DEADLINE_S = 30  # how long any phase may take before the test fails
CYCLES = 8  # check-in/check-out cycles before the fault, and again after it
LOST = "no answer"  # a connection refused or cut before the answer
SCENARIOS = ("kill", "restart")

SETUP = """
import json, uuid
from datetime import timedelta
from django.utils import timezone
from stofrum.people.services import register_person, sign_first_aid_agreement
from stofrum.sites.models import Site
from stofrum.staff.models import ApiToken
from stofrum.staff.services import create_staff

site = Site.objects.get(slug=SITE)
expires = timezone.now() + timedelta(hours=2)

def account(name, role):
    staff = create_staff(None, name, role, [SITE], uuid.uuid4().hex, validate=False)[0]
    return staff, ApiToken.issue(staff, expires)[1]

found = {}
for scenario in SCENARIOS:
    doors = []
    for door in range(DOORS):
        staff, token = account(f"{scenario}-door-{door}", "reception")
        persons = []
        for n in range(PERSONS_PER_DOOR):
            person = register_person(staff, site, alias=f"Fault {scenario} {door} {n}",
                                     birth_year=1980, gender="male", municipality="101",
                                     confirm_new=True)
            sign_first_aid_agreement(staff, person, site)
            persons.append(str(person.pk))
        doors.append({"token": token, "persons": persons})
    health, health_token = account(f"{scenario}-nurse", "health")
    board = account(f"{scenario}-board", "reception")[1]
    found[scenario] = {"doors": doors, "health": {"token": health_token, "id": health.pk},
                       "board": board}
print("SETUP " + json.dumps(found))
"""


# --- the layout ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster():
    require_nginx()
    postgres = PrivatePostgres()
    try:
        postgres.start()
        yield postgres
    finally:
        postgres.remove()


@pytest.fixture(scope="module")
def prepared(cluster, tmp_path_factory):
    """The database on the private cluster, migrated and seeded, with the accounts and
    persons of both scenarios; the environment of the app processes; the certificate."""
    import psycopg

    folder = tmp_path_factory.mktemp("faults")
    with psycopg.connect(cluster.url(), autocommit=True, connect_timeout=10) as connection:
        connection.execute("CREATE DATABASE stofrum")
    env = base_env(folder, cluster.url("stofrum"))
    # The app takes the client's address from nginx's X-Forwarded-For, as in production.
    env["STOFRUM_TRUSTED_PROXIES"] = "127.0.0.1"
    for command in (["migrate", "--noinput"], ["create_cpr_key", "--if-missing"],
                    ["seed_sites"]):
        manage(env, *command)
    code = (f"SITE, SCENARIOS, DOORS, PERSONS_PER_DOOR = {SITE!r}, {SCENARIOS!r}, {DOORS}, "
            f"{PERSONS_PER_DOOR}\n{SETUP}")
    line = next(line for line in manage(env, "shell", "-c", code).splitlines()
                if line.startswith("SETUP "))
    return SimpleNamespace(env=env, folder=folder, database=cluster.url("stofrum"),
                           accounts=json.loads(line.removeprefix("SETUP ")),
                           certificate=self_signed_certificate(folder))


@pytest.fixture
def layout(prepared, tmp_path):
    """Two app processes, each run by stofrum@.service's command, and nginx in front of
    both; the processes by name ("a", "b") with their URLs and logs, and the proxy's URL."""
    processes = {}
    proxy = None
    try:
        for name in ("a", "b"):
            port = free_port()
            command = unit_commands("stofrum@.service", prepared.env, instance=str(port))[0]
            log = tmp_path / f"app-{name}.log"
            processes[name] = SimpleNamespace(
                process=launch(prepared.env, log, port, command), log=log,
                url=f"http://127.0.0.1:{port}")
        proxy = serve_proxy(tmp_path / "nginx", [p.url.removeprefix("http://")
                                                 for p in processes.values()],
                            *prepared.certificate)
        yield SimpleNamespace(processes=processes, proxy=next(proxy))
    finally:
        if proxy is not None:
            proxy.close()
        for app in processes.values():
            stop(app.process)


# --- the load ------------------------------------------------------------------------------

class Load:
    """What the doors, the health staff and the boards saw: every answer by what was asked
    and its status, the codes of the 503s, and the writes that succeeded."""

    def __init__(self):
        self.lock = threading.Lock()
        self.stop = threading.Event()  # no new cycle, no new alarm
        self.answers: Counter = Counter()  # (what, status)
        self.unavailable: Counter = Counter()  # the codes of 503 answers
        self.problems: list[str] = []
        self.cycles: list[tuple[str, str]] = []  # (person, visit) checked in and out
        self.incidents: list[str] = []
        self.answered: list[str] = []  # the incidents answered the first time they were sent
        self.threads: list[threading.Thread] = []

    def saw(self, what: str, status, body: bytes = b"") -> None:
        with self.lock:
            self.answers[(what, status)] += 1
            if status == 503:
                try:
                    self.unavailable[json.loads(body).get("code")] += 1
                except ValueError:
                    self.unavailable[body[:80]] += 1

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)

    def statuses(self) -> Counter:
        found = Counter()
        with self.lock:
            for (_, status), n in self.answers.items():
                found[status] += n
        return found

    def count(self, status) -> int:
        return self.statuses()[status]

    def start(self, target, *args) -> None:
        thread = threading.Thread(target=self.guard, args=(target, *args), daemon=True)
        self.threads.append(thread)
        thread.start()

    def guard(self, target, *args) -> None:
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001 - a crashed client is reported, not lost
            self.problem(f"{target.__name__} failed: {exc!r}")

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=WRITE_DEADLINE_S + 10)
            assert not thread.is_alive(), "a client did not stop"


def write(load: Load, client, what: str, path: str, body: dict, ok: int):
    """POST with an Idempotency-Key, sent again with the same key while the answer is lost
    (no answer, 502, 503); the answer's JSON when `ok`, else None (a problem noted), and
    how many times it was sent."""
    import httpx

    key = uuid.uuid4().hex
    deadline = time.monotonic() + WRITE_DEADLINE_S
    for sent in itertools.count(1):
        try:
            response = client.post(path, json=body, headers={"Idempotency-Key": key})
        except httpx.TransportError:
            status, content = LOST, b""
        else:
            status, content = response.status_code, response.content
        load.saw(what, status, content)
        if status == ok:
            return json.loads(content), sent
        if status not in (LOST, 502, 503) or time.monotonic() > deadline:
            load.problem(f"{what} {path}: {status} {content[:300]!r}")
            return None, sent
        time.sleep(RETRY_AFTER_S)


def api_client(base: str, token: str):
    import httpx

    return httpx.Client(base_url=base, verify=unverified(), timeout=15,
                        headers={"Authorization": f"Bearer {token}"})


def door(load: Load, proxy: str, token: str, persons: list[str]) -> None:
    """A receptionist: checks each person in (a free booth: there are more than doors) and
    out again, one after the other, until told to stop."""
    with api_client(proxy, token) as client:
        for person in itertools.cycle(persons):
            if load.stop.is_set():
                return
            visit, _ = write(load, client, "check-in", "/api/v1/visits",
                             {"person": person, "site": SITE, "substances": ["heroin"],
                              "method": "injection"}, ok=201)
            if visit is None:
                return
            if visit["state"] != "in_booth":
                load.problem(f"check-in queued with free booths: {visit}")
                return
            done, _ = write(load, client, "check-out",
                            f"/api/v1/visits/{visit['id']}/checkout", {}, ok=200)
            if done is None:
                return
            with load.lock:
                load.cycles.append((person, visit["id"]))


def nurse(load: Load, proxy: str, token: str) -> None:
    """Health staff: an alarm now and then, until told to stop."""
    with api_client(proxy, token) as client:
        while not load.stop.wait(ALARM_EVERY_S):
            incident, sent = write(load, client, "alarm", "/api/v1/incidents",
                                   {"site": SITE, "kind": "overdose_opioid"}, ok=201)
            if incident is None:
                return
            with load.lock:
                load.incidents.append(incident["id"])
                if sent == 1:
                    load.answered.append(incident["id"])


class Board(threading.Thread):
    """A board of the site at one app process: the event stream (`GET
    /api/v1/sites/{slug}/events`, read from a socket with short timeouts so that it stops
    when told), the board fetched on `hello` and on a resync. When its stream ends it
    connects again, to the next process of `urls` (its own first) when its own is gone.
    `alarms`: incidents learnt of by an `alarm` event; `on_board`: open incidents seen on a
    fetched board."""

    def __init__(self, load: Load, name: str, urls: list[str], token: str):
        super().__init__(name=name, daemon=True)
        self.load, self.urls, self.token = load, urls, token
        self.done = threading.Event()
        self.alarms: set[str] = set()
        self.on_board: set[str] = set()
        self.hellos = 0
        self.resyncs = 0
        self.streams: list[str] = []  # the URL of each stream it held
        self.fetched = threading.Event()  # a board was fetched after the first hello

    def knows(self) -> set[str]:
        return self.alarms | self.on_board

    def run(self) -> None:
        for url in itertools.cycle(self.urls):
            if self.done.is_set():
                return
            try:
                self.follow(url)
            except OSError:
                self.load.saw("events", LOST)
            except Exception as exc:  # noqa: BLE001 - reported as a problem of the test
                self.load.problem(f"board {self.name}: {exc!r}")
                return
            self.done.wait(0.3)

    def follow(self, url: str) -> None:
        parts = urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
            sock.sendall(f"GET /api/v1/sites/{SITE}/events HTTP/1.1\r\n"
                         f"Host: {parts.netloc}\r\nAuthorization: Bearer {self.token}\r\n"
                         "Accept: text/event-stream\r\n\r\n".encode())
            sock.settimeout(0.3)
            raw, head, text = b"", None, b""
            while not self.done.is_set():
                try:
                    chunk = sock.recv(65536)
                except TimeoutError:
                    continue
                if not chunk:
                    return
                raw += chunk
                if head is None:
                    if b"\r\n\r\n" not in raw:
                        continue
                    head, raw = raw.split(b"\r\n\r\n", 1)
                    status = int(head.split()[1])
                    self.load.saw("events", status)
                    if status != 200:
                        return
                    self.streams.append(url)
                data, raw, ended = dechunk(raw)
                text += data
                while b"\n\n" in text:
                    block, text = text.split(b"\n\n", 1)
                    self.event(url, block.decode())
                if ended:
                    return

    def event(self, url: str, block: str) -> None:
        fields = dict(line.split(": ", 1) for line in block.splitlines()
                      if ": " in line and not line.startswith(":"))
        name, data = fields.get("event"), json.loads(fields.get("data", "{}"))
        if name == "hello":
            self.hellos += 1
            self.fetch(url)
        elif name == "board" and (data.get("resync") or data.get("full")):
            # A site's stream sends the whole board (`full`) where events were lost.
            self.resyncs += 1
            self.fetch(url)
        elif name == "alarm":
            self.alarms.add(data["incident"])

    def fetch(self, url: str) -> None:
        """The whole board, as a page fetches it; sent again while the answer is lost."""
        request = urllib.request.Request(f"{url}/api/v1/sites/{SITE}/board",
                                         headers={"Authorization": f"Bearer {self.token}"})
        deadline = time.monotonic() + WRITE_DEADLINE_S
        while not self.done.is_set():
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status, body = response.status, response.read()
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read()
            except OSError:
                status, body = LOST, b""
            self.load.saw("board", status, body)
            if status == 200:
                self.on_board |= {i["incident"] for i in json.loads(body)["open_incidents"]}
                self.fetched.set()
                return
            if status not in (LOST, 503) or time.monotonic() > deadline:
                self.load.problem(f"board {self.name}: {status} {body[:200]!r}")
                return
            time.sleep(RETRY_AFTER_S)


def dechunk(raw: bytes) -> tuple[bytes, bytes, bool]:
    """The complete chunks at the start of `raw` (HTTP/1.1 chunked coding) as one body, the
    bytes left over, and whether the last chunk came."""
    body = b""
    while (end := raw.find(b"\r\n")) >= 0:
        size = int(raw[:end].split(b";")[0], 16)
        if len(raw) < end + 2 + size + 2:
            break
        body += raw[end + 2:end + 2 + size]
        raw = raw[end + 2 + size + 2:]
        if size == 0:
            return body, raw, True
    return body, raw, False


def wait_until(condition, what: str, timeout: float = PHASE_DEADLINE_S,
               required: bool = True) -> None:
    """Wait until `condition()` holds; past `timeout`, fail the test (or, when not
    `required`, go on: the assertions after say what is missing)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            if required:
                raise AssertionError(f"waited {timeout:.0f} s in vain: {what}")
            return
        time.sleep(0.05)


class Scene:
    """The load and the boards of one scenario, started and always stopped."""

    def __init__(self, layout, accounts):
        self.layout, self.accounts = layout, accounts
        self.load = Load()
        urls = [p.url for p in layout.processes.values()]
        self.boards = [
            Board(self.load, f"{name}{n}", [app.url] + [u for u in urls if u != app.url],
                  accounts["board"])
            for name, app in layout.processes.items() for n in range(BOARDS_PER_PROCESS)]

    def __enter__(self):
        try:
            for board in self.boards:
                board.start()
            wait_until(lambda: all(b.fetched.is_set() for b in self.boards),
                       "every board connected and fetched")
            for account in self.accounts["doors"]:
                self.load.start(door, self.load, self.layout.proxy, account["token"],
                                account["persons"])
            self.load.start(nurse, self.load, self.layout.proxy,
                            self.accounts["health"]["token"])
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info):
        try:
            self.load.join()
        finally:
            for board in self.boards:
                board.done.set()
            for board in self.boards:
                board.join(timeout=WRITE_DEADLINE_S + 10)

    def cycles(self) -> int:
        with self.load.lock:
            return len(self.load.cycles)

    def alarms(self) -> int:
        with self.load.lock:
            return len(self.load.incidents)

    def running(self, after_cycles: int, after_alarms: int, what: str) -> None:
        """Wait while the load goes on until it has done CYCLES more cycles and an alarm
        more than given."""
        wait_until(lambda: self.load.problems or (self.cycles() >= after_cycles + CYCLES
                                                  and self.alarms() > after_alarms), what)
        assert not self.load.problems, self.load.problems

    def finish(self) -> None:
        """Stop the load: each door ends its cycle, the nurse her alarm."""
        self.load.join()


# --- what must hold afterwards ------------------------------------------------------------

def check_database(prepared, scene: Scene) -> None:
    """Every visit the doors made exists once, was checked in and out with its audit
    events; no booth ever held two visits at once; every alarm exists once with its audit
    event; no write is left half-done; the audit trail is whole."""
    import psycopg

    load, accounts = scene.load, scene.accounts
    persons = [p for account in accounts["doors"] for p in account["persons"]]
    made = {visit for _, visit in load.cycles}
    assert len(made) == len(load.cycles)
    with psycopg.connect(prepared.database, connect_timeout=10) as connection:
        def rows(query, *args):
            return connection.execute(query, args).fetchall()

        visits = rows("SELECT id::text, person_id::text, state FROM visits_visit "
                      "WHERE person_id::text = ANY(%s)", persons)
        assert {v for v, _, _ in visits} == made
        assert Counter(p for _, p, _ in visits) == Counter(p for p, _ in load.cycles)
        assert {state for _, _, state in visits} <= {"done"}
        assert rows("SELECT count(*) FROM visits_visit WHERE state IN ('queued', 'in_booth')"
                    ) == [(0,)]
        # No booth ever held two visits at once: their times in it never overlap.
        assert rows("""
            SELECT a.booth_id, (a.booth_at, a.ended_at)::text, (b.booth_at, b.ended_at)::text
              FROM visits_visit a JOIN visits_visit b
                ON a.booth_id = b.booth_id AND a.id < b.id
             WHERE a.booth_at < coalesce(b.ended_at, now())
               AND b.booth_at < coalesce(a.ended_at, now())""") == []
        substances = dict(rows("SELECT visit_id::text, count(*) FROM visits_visit_substances "
                               "WHERE visit_id::text = ANY(%s) GROUP BY visit_id", list(made)))
        assert substances == dict.fromkeys(made, 1)
        audited = Counter(rows(
            "SELECT object_id, action FROM audit_auditevent WHERE object_type = 'visits.visit' "
            "AND object_id = ANY(%s)", list(made)))
        assert audited == Counter({(v, a): 1 for v in made
                                   for a in ("visits.checked_in", "visits.checked_out")})

        incidents = rows("SELECT id::text FROM health_incident WHERE raised_by_id = %s",
                         accounts["health"]["id"])
        assert sorted(i for i, in incidents) == sorted(load.incidents)
        raised = Counter(rows("SELECT object_id FROM audit_auditevent "
                              "WHERE action = 'health.incident.raised' AND object_id = ANY(%s)",
                              load.incidents))
        assert raised == Counter({(i,): 1 for i in load.incidents})

        # A key is kept only with its answer, in the transaction of the write; a 5xx
        # rolls both back.
        assert rows("SELECT count(*) FROM idempotency_idempotentrequest "
                    "WHERE status IS NULL OR status >= 500") == [(0,)]
    assert manage(prepared.env, "verify_audit").startswith("audit trail whole")


def check_boards(*expected: tuple[list[Board], list[str], bool]) -> None:
    """For each (boards, incidents, by_event): each of the incidents reached each of the
    boards, by its `alarm` event, or (unless `by_event`) on the board fetched when the
    board (re)connected or was told to resync. Waits for the last of them first."""
    def missing():
        return {board.name: set(incidents) - (board.alarms if by_event else board.knows())
                for boards, incidents, by_event in expected for board in boards
                if not set(incidents) <= (board.alarms if by_event else board.knows())}

    assert all(incidents for _, incidents, _ in expected)
    wait_until(lambda: not missing(), "every alarm on every board", required=False)
    assert not missing()


def readyz(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# --- the faults ----------------------------------------------------------------------------

def test_an_app_process_killed_under_load(prepared, layout):
    a, b = layout.processes["a"], layout.processes["b"]
    with Scene(layout, prepared.accounts["kill"]) as scene:
        scene.running(0, 0, "the load before the kill")
        cycles, alarms = scene.cycles(), scene.alarms()
        a.process.kill()
        a.process.wait(timeout=10)
        scene.running(cycles, alarms, "the load after the kill")
        scene.finish()

        load = scene.load
        assert not load.problems, load.problems
        statuses = load.statuses()
        # What a client sees of a process that dies: its connections cut (nginx answers
        # 502 for a request that was under way there; the boards lose their streams); then
        # nginx sends everything to the survivor. Never a 500, never a 503.
        assert set(statuses) <= {200, 201, 502, LOST}, load.answers
        assert readyz(b.url) == 200
        # Process A served writes before it died (nginx shares requests between the two).
        assert "stofrum.access POST /api/v1/visits" in a.log.read_text()
        check_database(prepared, scene)
        # B's boards kept their streams and got every alarm as it was raised; A's moved to
        # B, caught up from the board they fetched there, then got the alarms as raised.
        a_boards, b_boards = ([board for board in scene.boards if board.urls[0] == app.url]
                              for app in (a, b))
        assert all(board.streams == [b.url] for board in b_boards)
        assert all(board.streams[0] == a.url and board.streams[-1] == b.url
                   for board in a_boards)
        # An alarm committed by A just before it died, its answer lost, was announced by
        # nobody (the notification goes out after the commit, from the process that made
        # it), and its retry is answered from the stored answer: B's boards are sure to
        # have had, as events, the alarms answered the first time they were sent.
        check_boards((a_boards, load.incidents, False), (b_boards, load.answered, True))


def test_postgresql_restarted_under_load(prepared, layout, cluster):
    apps = layout.processes.values()
    with Scene(layout, prepared.accounts["restart"]) as scene:
        scene.running(0, 0, "the load before the restart")
        resyncs = {board.name: board.resyncs for board in scene.boards}
        cluster.stop()
        try:
            # Down until the load has met it a few times (and at least two seconds).
            down = time.monotonic()
            wait_until(lambda: scene.load.count(503) >= DOORS,
                       "503s while the database is down")
            time.sleep(max(0.0, 2 - (time.monotonic() - down)))
            assert all(readyz(app.url) == 503 for app in apps)
        finally:
            cluster.start()
        cycles, alarms = scene.cycles(), scene.alarms()
        scene.running(cycles, alarms, "the load after the restart")
        wait_until(lambda: all(b.resyncs > resyncs[b.name] for b in scene.boards),
                   "every board told to resync once the event bus is back")
        scene.finish()

        load = scene.load
        assert not load.problems, load.problems
        statuses = load.statuses()
        # While the database was down: 503 database_unavailable, nothing else, no 500.
        assert set(statuses) <= {200, 201, 503}, load.answers
        assert statuses[503] > 0 and set(load.unavailable) == {"database_unavailable"}, \
            load.unavailable
        # The same processes serve again, ready: nobody restarted them.
        assert all(app.process.poll() is None and readyz(app.url) == 200 for app in apps)
        check_database(prepared, scene)
        # The streams stayed open through the outage; each board was told to resync when
        # its process's event bus was back, and knows every alarm.
        assert all(len(board.streams) == 1 for board in scene.boards)
        check_boards((scene.boards, load.incidents, False))

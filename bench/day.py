"""Benchmark: a busy day of Copenhagen's five rooms, replayed over real HTTP.

    .venv/bin/python bench/day.py [--processes 2] [--compress-minutes 10] [--speedup 10]
                                  [--checkins 2500] [--phases day,burst] [--quick]
                                  [--write-docs] [--note TEXT]

Setup (not measured): a fresh PostgreSQL database, migrated, the CPR and audit keys, the
seeded sites, a reception and a health account per site with bearer tokens, and some
thousands of persons with first-aid agreements (stofrum/stats/demo.py's generator).

The day: about 2,500 check-ins over the five sites, in each site's share of the city's
visits and the rhythm of a room (both from stofrum/stats/demo.py: quiet mornings, busy
afternoons and evenings), within the seeded opening hours of a Friday. Each arrival is a
person search at the door, then the check-in; a check-out after 12–35 minutes in the booth
(a queued visit is checked out once the board shows it in a booth; after 40 minutes in the
queue half give up, and whoever still waits at closing leaves); a service for about 15 %
of the visits; a few incidents (`--incidents`), each with two or three interventions and
a close. Every write carries an Idempotency-Key. Boards (`--boards` per site) hold the
site's event stream open the whole time and, as the door page does, fetch the board
again on each `board` event.

Replayed with asyncio and httpx over HTTP/2 through nginx (deploy/nginx.conf.template,
TLS) in front of N uvicorn processes (`--processes`, e.g. `1,2`), in the production
configuration (not the demo; the proxy trusted; the PostgreSQL event bus). Phase `day`
compresses the day into `--compress-minutes`, phase `burst` plays it again `--speedup`
times faster. `--quick`: a one-minute day and a six-second burst.

Prints per operation p50/p95/p99 and counts, errors (non-zero exit when there are any),
the app processes' CPU time per request, and the alarm's delivery time to every board of
its site. With `--write-docs` it keeps the results in var/bench/day-results.json and
writes them into docs/performance.md. A benchmark, not a test.
"""

import argparse
import asyncio
import bisect
import contextlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import common, proxy  # noqa: E402
from tests.prod_layout import unverified  # noqa: E402

DB_NAME = "stofrum_bench_day"
SECRET_KEY = "bench-only"
RESULTS = ROOT / "var" / "bench" / "day-results.json"
LOGS = ROOT / "var" / "bench" / "day"  # the app's and nginx's output, per run
HEADING = "## A busy day (bench/day.py)"
DAY = 24 * 3600
WEEKDAY = 4  # a Friday: every room is open, the mobile one too
SERVICE_SHARE = 0.15
CONSUMPTION_MINUTES = (12, 35)
HEALTH_SERVICES = {"observation", "wound_care", "doctor_assessment", "eye_rinse", "first_aid",
                   "injection_guidance"}
INTERVENTIONS = {"overdose_opioid": [("naloxone", 1), ("oxygen", 2), ("recovery_position", 4)],
                 "default": [("oxygen", 1), ("recovery_position", 3), ("ambulance_called", 5)]}
CLOSE_AFTER_MINUTES = 15
# Sent again without a key, a write done the first time answers so.
RETRY_ANSWERS = {(409, "not_queued"), (409, "incident_closed")}
TIMEOUT_S = 120
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- setup: a child process with Django ------------------------------------------------

def setup(db: str, persons: int, out: Path) -> None:
    """Make the database and write what the replay needs (tokens, persons, the shape of
    the day) to `out` as JSON. Runs in its own process; the replay never imports Django."""
    common.setup_django(db, reset=True)
    from datetime import time as clock

    from django.utils import timezone

    from stofrum.sites import seed
    from stofrum.sites.choices import SiteStatus
    from stofrum.sites.models import OpeningHours, Site
    from stofrum.sites.services import seed_sites
    from stofrum.staff.models import ApiToken
    from stofrum.staff.services import create_staff
    from stofrum.stats import demo

    seed_sites()
    # The server's clock is not the replayed day's: in this database every room is open
    # around the clock (the mobile one too, still planned in the seed), so no check-in
    # meets a closed door; the replay keeps to the seeded hours itself.
    Site.objects.filter(slug="mobile").update(status=SiteStatus.OPEN)
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(site=site, weekday=day, opens=clock(0), closes=clock(0))
        for site in Site.objects.all() for day in range(7))
    expires = timezone.now() + timedelta(hours=12)
    tokens = {}
    for data in seed.SITES:
        slug = data["slug"]
        tokens[slug] = {}
        for role in ("reception", "health"):
            staff, _ = create_staff(None, f"{role}-{slug}", role, [slug],
                                    uuid.uuid4().hex, validate=False)
            tokens[slug][role] = ApiToken.issue(staff, expires)[1]
    registrar = create_staff(None, "registrar", "reception", [s["slug"] for s in seed.SITES],
                             uuid.uuid4().hex, validate=False)[0]
    generator = demo.Generator(persons=persons, days=1, visits_per_day=0, seed=11,
                               end=timezone.localdate(), staff=registrar)
    generator.make_persons()
    from stofrum.people.models import Person

    people = {p.pk: p for p in Person.objects.all()}
    sites = []
    for data in seed.SITES:
        spans = [(opens, closes) for day, opens, closes in data["hours"] if day == WEEKDAY]
        hours = [h for h in range(24) if any(
            opens == closes or opens <= clock(h, 30) < closes for opens, closes in spans)]
        closes = max((DAY if opens == closes else closes.hour * 3600 + closes.minute * 60)
                     for opens, closes in spans) if spans else 0
        sites.append({"slug": data["slug"], "women_only": data["women_only"],
                      "methods": list(data["booths"]), "booths": data["booths"],
                      "hours": hours, "closes": closes})
    shape = {"volume": demo.VOLUME, "hours": demo.HOURS, "smoking_share": demo.SMOKING_SHARE,
             "injection": demo.INJECTION, "smoking": demo.SMOKING,
             "services": demo.SERVICES, "incidents": demo.INCIDENTS,
             "outcomes": demo.OUTCOMES, "give_up_after": demo.GIVE_UP_AFTER}
    out.write_text(json.dumps({
        "tokens": tokens, "sites": sites, "shape": shape,
        "persons": [[str(pid), p.code, p.alias, p.gender, weight]
                    for pid, _gender, _created, weight in generator.persons
                    for p in [people[pid]]]}))


def prepare(db: str, persons: int, folder: Path) -> dict:
    out = folder / "setup.json"
    subprocess.run([sys.executable, __file__, "--setup-only", db, str(persons), str(out)],
                   cwd=ROOT, check=True)
    return json.loads(out.read_text())


# --- the schedule ----------------------------------------------------------------------

def _weighted(rng, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


@dataclass
class Arrival:
    at: float  # seconds into the day
    site: str
    method: str
    substances: list
    minutes: float  # in the booth
    service: str | None
    gives_up: bool
    search: str  # "prefix" | "code" | "typo"


@dataclass
class Alarm:
    at: float
    site: str
    kind: str
    outcome: str


def schedule(setup_data: dict, checkins: int, incidents: int, seed: int):
    rng = random.Random(seed)
    shape = setup_data["shape"]
    open_sites = [s for s in setup_data["sites"] if s["hours"]]
    total = sum(shape["volume"][s["slug"]] for s in open_sites)
    arrivals = []
    for site in open_sites:
        count = round(checkins * shape["volume"][site["slug"]] / total)
        hours = rng.choices(site["hours"], [shape["hours"][h] for h in site["hours"]], k=count)
        for hour in hours:
            smoking = "smoking" in site["methods"] and rng.random() < shape["smoking_share"]
            method = "smoking" if smoking else "injection"
            mix = shape["smoking"] if smoking else shape["injection"]
            arrivals.append(Arrival(
                at=hour * 3600 + rng.uniform(0, 3600), site=site["slug"], method=method,
                substances=list(_weighted(rng, mix)),
                minutes=rng.uniform(*CONSUMPTION_MINUTES),
                service=_weighted(rng, shape["services"]) if rng.random() < SERVICE_SHARE
                else None,
                gives_up=rng.random() < 0.5,
                search=rng.choices(["prefix", "code", "typo"], [55, 25, 20])[0]))
    arrivals.sort(key=lambda a: a.at)
    alarms = []
    for _ in range(incidents):
        site = rng.choices(open_sites, [shape["volume"][s["slug"]] for s in open_sites])[0]
        hour = rng.choices(site["hours"], [shape["hours"][h] for h in site["hours"]])[0]
        alarms.append(Alarm(at=hour * 3600 + rng.uniform(0, 3600), site=site["slug"],
                            kind=_weighted(rng, shape["incidents"]),
                            outcome=_weighted(rng, shape["outcomes"])))
    return arrivals, sorted(alarms, key=lambda a: a.at)


# --- measuring -------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """User and system time of a process (all its threads) so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@dataclass
class Visit:
    id: str
    person: str
    arrival: Arrival
    queued_at: float = 0.0


@dataclass
class Phase:
    name: str
    scale: float  # day seconds per real second
    samples: dict = field(default_factory=lambda: defaultdict(list))
    errors: list = field(default_factory=list)
    expected: Counter = field(default_factory=Counter)
    info: Counter = field(default_factory=Counter)
    lag: list = field(default_factory=list)
    alarm_sent: dict = field(default_factory=dict)  # incident -> (perf time, site)
    alarm_seen: dict = field(default_factory=lambda: defaultdict(dict))  # incident -> {board: t}


class Replay:
    """One phase of the day against the proxy: the door, the health staff and the boards."""

    def __init__(self, url: str, setup_data: dict, phase: Phase, boards: int, refresh: bool,
                 desks: int):
        import httpx

        self.httpx = httpx
        self.url, self.phase, self.refresh = url, phase, refresh
        self.sites = {s["slug"]: s for s in setup_data["sites"]}
        self.staff = {
            (slug, role): httpx.AsyncClient(
                base_url=url, http2=True, verify=unverified(), timeout=TIMEOUT_S,
                headers={"Authorization": f"Bearer {token}"})
            for slug, roles in setup_data["tokens"].items() for role, token in roles.items()}
        # Staff do one thing at a time: `desks` receptionists and as many health staff
        # per site, so requests in flight are bounded as at the real doors.
        self.hands = {key: asyncio.Semaphore(desks) for key in self.staff}
        self.board_count = boards
        self.boards = []
        self.persons = setup_data["persons"]
        self.pools = {}
        for slug, site in self.sites.items():
            people = [p for p in self.persons if not site["women_only"] or p[3] == "female"]
            cumulative, total = [], 0.0
            for p in people:
                total += p[4]
                cumulative.append(total)
            self.pools[slug] = (people, cumulative)
        self.open_persons: set[str] = set()
        self.alarmed: set[str] = set()  # visits an alarm was raised for
        self.in_booth = defaultdict(dict)  # site -> {visit id: Visit}
        self.queued = defaultdict(dict)
        self.tasks: set[asyncio.Task] = set()
        self.requests = 0
        self.rng = random.Random(3)
        self.started = 0.0
        self.stopped = False  # past the time limit: nobody new arrives

    # time: seconds into the day <-> perf_counter
    def real(self, day_seconds: float) -> float:
        return self.started + day_seconds / self.phase.scale

    def later(self, day_seconds: float) -> float:
        return time.perf_counter() + day_seconds / self.phase.scale

    def spawn_at(self, when: float, coroutine_function, *args) -> None:
        async def run():
            delay = when - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await coroutine_function(when, *args)

        task = asyncio.create_task(run())
        self.tasks.add(task)
        task.add_done_callback(self._done)

    @contextlib.asynccontextmanager
    async def desk(self, slug: str, role: str, when: float):
        """A member of staff at the site, doing one thing at a time; how late they start
        on something (waiting for the previous answers) is measured."""
        async with self.hands[(slug, role)]:
            self.phase.lag.append(max(0.0, time.perf_counter() - when) * 1000)
            yield self.staff[(slug, role)]

    def _done(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.phase.errors.append(("replay", repr(task.exception())))

    async def call(self, op, client, method, path, *, expect=(200,), accept=(), json_body=None,
                   params=None, idempotent=False):
        """One request, timed; an answer outside `expect` and `accept` (status, code) is an
        error. Returns the response, or None on an error."""
        headers = {"Idempotency-Key": uuid.uuid4().hex} if idempotent else None
        self.requests += 1
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                response = await client.request(method, path, json=json_body, params=params,
                                                headers=headers)
                break
            except self.httpx.TransportError as exc:
                # nginx ends an HTTP/2 connection after 1,000 requests (GOAWAY); a browser
                # sends what was cut off again on a new connection, and so does this
                # client: a write with the same Idempotency-Key, answered once.
                if attempt == 2 or not isinstance(exc, (self.httpx.RemoteProtocolError,
                                                        self.httpx.LocalProtocolError)):
                    self.phase.errors.append((op, f"{type(exc).__name__}: {exc}"))
                    return None
                self.phase.info["sent again after the connection ended"] += 1
        self.phase.samples[op].append((time.perf_counter() - started) * 1000)
        if response.status_code in expect:
            return response
        try:
            code = response.json().get("code")
        except ValueError:
            code = None
        if (response.status_code, code) in accept or (
                attempt == 2 and (response.status_code, code) in RETRY_ANSWERS):
            self.phase.expected[(op, response.status_code, code)] += 1
            return response
        self.phase.errors.append((op, f"{response.status_code} {code or response.text[:80]}"))
        return None

    # --- people at the door ------------------------------------------------------------

    def pick_person(self, slug: str):
        people, cumulative = self.pools[slug]
        for _ in range(50):
            index = min(bisect.bisect_left(cumulative, self.rng.uniform(0, cumulative[-1])),
                        len(people) - 1)
            person = people[index]
            if person[0] not in self.open_persons:
                self.open_persons.add(person[0])
                return person
        return None

    def query(self, person, style: str) -> str:
        alias = person[2]
        if style == "code":
            return person[1]
        if style == "typo" and len(alias) > 4:
            i = self.rng.randrange(1, len(alias) - 2)
            return alias[:i] + alias[i + 1] + alias[i] + alias[i + 2:]
        return alias[: self.rng.randint(3, 4)]

    async def arrive(self, when: float, arrival: Arrival) -> None:
        async with self.desk(arrival.site, "reception", when) as door:
            if self.stopped:
                self.phase.info["arrivals not played (time limit)"] += 1
                return
            await self._arrive(door, arrival)

    async def _arrive(self, door, arrival: Arrival) -> None:
        person = self.pick_person(arrival.site)
        if person is None:
            self.phase.info["nobody free to arrive"] += 1
            return
        found = await self.call("search", door, "GET", "/api/v1/persons",
                                params={"q": self.query(person, arrival.search),
                                        "site": arrival.site})
        if found is not None:
            hit = any(item["id"] == person[0] for item in found.json()["items"])
            self.phase.info["search found the person"] += hit
        answer = await self.call(
            "check-in", door, "POST", "/api/v1/visits", expect=(201,), idempotent=True,
            json_body={"person": person[0], "site": arrival.site,
                       "substances": arrival.substances, "method": arrival.method})
        if answer is None:
            self.open_persons.discard(person[0])
            return
        data = answer.json()
        visit = Visit(data["id"], person[0], arrival)
        if data["state"] == "in_booth":
            self.in_booth[arrival.site][visit.id] = visit
            self.spawn_at(self.later(arrival.minutes * 60), self.check_out, visit)
        else:
            self.phase.info["queued at check-in"] += 1
            visit.queued_at = time.perf_counter()
            self.queued[arrival.site][visit.id] = visit
            if arrival.gives_up:
                give_up = self.phase_shape["give_up_after"] * 60
                self.spawn_at(self.later(give_up), self.leave_queue, visit)

    def took_booth(self, visit: Visit) -> None:
        """A queued visit is in a booth now (the board shows it): its time there starts."""
        self.queued[visit.arrival.site].pop(visit.id, None)
        self.in_booth[visit.arrival.site][visit.id] = visit
        self.spawn_at(self.later(visit.arrival.minutes * 60), self.check_out, visit)

    async def leave_queue(self, when: float, visit: Visit) -> None:
        site = visit.arrival.site
        if visit.id not in self.queued[site]:
            return  # took a booth meanwhile
        async with self.desk(site, "reception", when) as door:
            if visit.id not in self.queued[site]:
                return
            answer = await self.call(
                "leave queue", door, "POST", f"/api/v1/visits/{visit.id}/leave-queue",
                accept=[(409, "not_queued")])
        if answer is None:
            return
        if answer.status_code == 409:  # a booth came free just now
            if visit.id in self.queued[site]:
                self.took_booth(visit)
            return
        self.queued[site].pop(visit.id, None)
        self.open_persons.discard(visit.person)
        self.phase.info["left the queue"] += 1

    async def close_queue(self, when: float, slug: str) -> None:
        """Closing time: whoever still waits leaves."""
        for visit in list(self.queued[slug].values()):
            await self.leave_queue(when, visit)

    async def check_out(self, when: float, visit: Visit) -> None:
        site = visit.arrival.site
        async with self.desk(site, "reception", when) as door:
            await self.call("check-out", door, "POST", f"/api/v1/visits/{visit.id}/checkout",
                            idempotent=True)
        self.in_booth[site].pop(visit.id, None)
        self.open_persons.discard(visit.person)
        if visit.arrival.service:
            kind = visit.arrival.service
            role = "health" if kind in HEALTH_SERVICES else "reception"
            async with self.desk(site, role, time.perf_counter()) as staff:
                await self.call("service", staff, "POST", "/api/v1/services", expect=(201,),
                                idempotent=True,
                                json_body={"site": site, "kind": kind, "person": visit.person,
                                           "visit": visit.id})

    # --- the overdose response ---------------------------------------------------------

    async def alarm(self, when: float, alarm: Alarm) -> None:
        if self.stopped:
            self.phase.info["alarms not played (time limit)"] += 1
            return
        # An alarm does not wait for anyone's desk: whoever is nearest presses it.
        self.phase.lag.append(max(0.0, time.perf_counter() - when) * 1000)
        health = self.staff[(alarm.site, "health")]
        booths = [v for v in self.in_booth[alarm.site].values()
                  if v.id not in self.alarmed]  # a second alarm would join the first
        body = {"site": alarm.site, "kind": alarm.kind}
        if booths:
            body["visit"] = self.rng.choice(booths).id
            self.alarmed.add(body["visit"])
        started = time.perf_counter()
        answer = await self.call("incident", health, "POST", "/api/v1/incidents",
                                 expect=(201,), idempotent=True, json_body=body)
        if answer is None:
            return
        incident = answer.json()["id"]
        self.phase.alarm_sent[incident] = (started, alarm.site)
        steps = INTERVENTIONS.get(alarm.kind, INTERVENTIONS["default"])
        self.spawn_at(time.perf_counter(), self.respond, health, incident,
                      steps[: self.rng.choice((2, 3))], alarm.outcome)

    async def respond(self, when: float, health, incident: str, steps, outcome) -> None:
        """The interventions and the close, in order: each once the one before is answered
        and its minute has come."""
        for kind, minute in [*steps, (None, CLOSE_AFTER_MINUTES)]:
            delay = when + minute * 60 / self.phase.scale - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if kind is None:
                await self.close_incident(health, incident, outcome)
            else:
                await self.intervene(health, incident, kind)

    async def intervene(self, health, incident: str, kind: str) -> None:
        body = {"kind": kind}
        if kind == "naloxone":
            body.update(dose_mg="0.4", route="im")
        await self.call("intervention", health, "POST",
                        f"/api/v1/incidents/{incident}/interventions", expect=(201,),
                        idempotent=True, json_body=body)

    async def close_incident(self, health, incident: str, outcome: str) -> None:
        await self.call("close incident", health, "POST", f"/api/v1/incidents/{incident}/close",
                        json_body={"outcome": outcome})

    # --- the boards --------------------------------------------------------------------

    async def open_boards(self) -> None:
        ready = []
        for slug in self.sites:
            for index in range(self.board_count):
                board = Board(self, slug, index)
                self.boards.append(board)
                ready.append(board.ready)
                board.task = asyncio.create_task(board.follow())
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in ready)), 60)

    async def close(self) -> None:
        for board in self.boards:
            board.task.cancel()
        await asyncio.gather(*(b.task for b in self.boards), return_exceptions=True)
        for board in self.boards:
            await board.client.aclose()
            await board.stream_client.aclose()
        for client in self.staff.values():
            await client.aclose()

    # --- the phase ---------------------------------------------------------------------

    async def run(self, arrivals, alarms, limit_s: float | None) -> None:
        await self.open_boards()
        self.started = time.perf_counter() + 0.5
        if limit_s:
            asyncio.get_running_loop().call_at(
                asyncio.get_running_loop().time() + limit_s, setattr, self, "stopped", True)
        for arrival in arrivals:
            self.spawn_at(self.real(arrival.at), self.arrive, arrival)
        for alarm in alarms:
            self.spawn_at(self.real(alarm.at), self.alarm, alarm)
        for slug, site in self.sites.items():
            if site["hours"]:
                self.spawn_at(self.real(site["closes"]), self.close_queue, slug)
        while self.tasks:
            await asyncio.wait(set(self.tasks))
        await asyncio.sleep(1)  # the last events reach the boards
        self.phase.info["visits still open at the end"] = (
            sum(map(len, self.in_booth.values())) + sum(map(len, self.queued.values())))


class Board:
    """A board of a site: its event stream, the board fetched again on each `board` event
    (as stofrum/static/stofrum/door.js does, once more if one came during a fetch), and the
    arrival of each alarm. The first board of a site is the door's: it sees queued visits
    take their booths."""

    def __init__(self, replay: Replay, slug: str, index: int):
        self.replay, self.slug, self.index = replay, slug, index
        token = replay.staff[(slug, "reception")].headers["Authorization"]
        # The stream on a connection of its own, so that the proxy's limit of requests
        # per connection (the board's fetches) never cuts it.
        self.stream_client = replay.httpx.AsyncClient(
            base_url=replay.url, http2=True, verify=unverified(),
            timeout=replay.httpx.Timeout(TIMEOUT_S, read=None),
            headers={"Authorization": token})
        self.client = replay.httpx.AsyncClient(
            base_url=replay.url, http2=True, verify=unverified(), timeout=TIMEOUT_S,
            headers={"Authorization": token})
        self.last_event_id = None
        self.ready = asyncio.Event()
        self.fetching = self.again = False
        self.task = None

    async def follow(self) -> None:
        """The stream, opened again (with Last-Event-ID) when it ends, as EventSource does."""
        while True:
            await self.follow_once()
            self.replay.phase.info["board streams opened again"] += 1
            await asyncio.sleep(0.5)

    async def follow_once(self) -> None:
        phase = self.replay.phase
        headers = {"Accept": "text/event-stream"}
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        try:
            async with self.stream_client.stream(
                    "GET", f"/api/v1/sites/{self.slug}/events", headers=headers) as stream:
                if stream.status_code != 200:
                    phase.errors.append(("board stream", str(stream.status_code)))
                    return
                event = None
                async for line in stream.aiter_lines():
                    if line.startswith("id: "):
                        self.last_event_id = line[4:]
                    elif line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        seen = time.perf_counter()
                        if event == "hello":
                            if self.ready.is_set():  # back after a break: fetch it once
                                self.changed()
                            self.ready.set()
                        elif event == "alarm":
                            data = json.loads(line[6:])
                            if not data.get("responders"):
                                phase.alarm_seen[data["incident"]].setdefault(
                                    (self.slug, self.index), seen)
                        elif event == "board":
                            self.changed()
        except asyncio.CancelledError:
            raise
        except self.replay.httpx.HTTPError as exc:
            if not isinstance(exc, self.replay.httpx.RemoteProtocolError):
                phase.errors.append(("board stream", f"{type(exc).__name__}: {exc}"))

    def changed(self) -> None:
        door = self.index == 0
        if not self.replay.refresh and not (door and self.replay.queued[self.slug]):
            return
        if self.fetching:
            self.again = True
            return
        self.fetching = True
        task = asyncio.create_task(self.fetch())
        self.replay.tasks.add(task)
        task.add_done_callback(self.replay._done)

    async def fetch(self) -> None:
        try:
            while True:
                self.again = False
                answer = await self.replay.call("board", self.client, "GET",
                                                f"/api/v1/sites/{self.slug}/board")
                if answer is not None and self.index == 0:
                    queued = self.replay.queued[self.slug]
                    for booth in answer.json()["booths"]:
                        visit = booth.get("visit") or {}
                        if visit.get("id") in queued:
                            self.replay.took_booth(queued[visit["id"]])
                if not self.again:
                    break
        finally:
            self.fetching = False


# --- one server configuration ----------------------------------------------------------

def app_env(db: str, pool: str) -> dict:
    env = {**os.environ, "DATABASE_URL": f"{common.BASE}/{db}", "SECRET_KEY": SECRET_KEY,
           "DJANGO_SETTINGS_MODULE": "stofrum.settings", "STOFRUM_EVENT_BUS": "postgres",
           "STOFRUM_TRUSTED_PROXIES": "127.0.0.1", "STOFRUM_DB_POOL": pool,
           "STOFRUM_VAR_DIR": str(ROOT / "var" / "bench")}
    env.pop("STOFRUM_DEMO", None)
    return env


async def warm_up(url: str, setup_data: dict, processes: int) -> None:
    """Every process has served a few requests (imports, first connections) before the
    clock starts."""
    import httpx

    token = setup_data["tokens"]["h17"]["reception"]
    async with httpx.AsyncClient(base_url=url, http2=True, verify=unverified(), timeout=60,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        for _ in range(10 * processes):
            await asyncio.gather(client.get("/api/v1/persons", params={"q": "Kim"}),
                                 client.get("/api/v1/sites/h17/board"))


def measure_phase(url, setup_data, phase, args, pids, nginx_pid, seed, open_persons) -> dict:
    arrivals, alarms = schedule(setup_data, args.checkins, args.incidents, seed)
    replay = Replay(url, setup_data, phase, args.boards, not args.no_board_refresh,
                    args.desks)
    replay.phase_shape = setup_data["shape"]
    replay.open_persons = open_persons
    nginx_pids = [nginx_pid, *children(nginx_pid)]
    before_app = sum(cpu_seconds(p) for p in pids)
    before_nginx = sum(cpu_seconds(p) for p in nginx_pids)
    before_self = resource.getrusage(resource.RUSAGE_SELF)
    before_machine = machine_busy()
    load = Path("/proc/loadavg").read_text().split()[0]
    wall = time.perf_counter()

    async def go():
        try:
            await replay.run(arrivals, alarms,
                             args.max_minutes * 60 if args.max_minutes else None)
        finally:
            await replay.close()

    asyncio.run(go())
    wall = time.perf_counter() - wall
    app_cpu = sum(cpu_seconds(p) for p in pids) - before_app
    nginx_cpu = sum(cpu_seconds(p) for p in nginx_pids) - before_nginx
    after_self = resource.getrusage(resource.RUSAGE_SELF)
    driver_cpu = (after_self.ru_utime + after_self.ru_stime
                  - before_self.ru_utime - before_self.ru_stime)
    busy, total = (a - b for a, b in zip(machine_busy(), before_machine, strict=True))
    deliveries, lost = [], 0
    for incident, (sent, slug) in phase.alarm_sent.items():
        seen = phase.alarm_seen.get(incident, {})
        for index in range(args.boards):
            if (slug, index) in seen:
                deliveries.append((seen[(slug, index)] - sent) * 1000)
            else:
                lost += 1
    ops = {op: {"count": len(v), "p50": statistics.median(v), "p95": percentile(v, 95),
                "p99": percentile(v, 99), "max": max(v)}
           for op, v in phase.samples.items() if v}
    return {
        "phase": phase.name, "processes": len(pids), "date": date.today().isoformat(),
        "pool": int(args.pool),
        "commit": commit(), "minutes": DAY / phase.scale / 60, "checkins": len(arrivals),
        "incidents": len(alarms), "boards": args.boards * len(replay.sites),
        "desks": args.desks, "max_minutes": args.max_minutes,
        "board_refresh": not args.no_board_refresh, "wall_s": wall,
        "requests": replay.requests, "ops": ops, "errors": len(phase.errors),
        "error_samples": [f"{op}: {text}" for op, text in phase.errors[:20]],
        "expected": {f"{op} {status} {code}": n for (op, status, code), n
                     in phase.expected.items()},
        "info": dict(phase.info),
        "app_cpu_s": app_cpu, "cpu_ms_per_request": app_cpu / max(1, replay.requests) * 1000,
        "app_cores": app_cpu / wall, "nginx_cpu_s": nginx_cpu, "driver_cpu_s": driver_cpu,
        "machine_busy": busy / max(1, total), "load_before": float(load),
        "lag_p99_ms": percentile(phase.lag, 99) if phase.lag else 0.0,
        "alarm": {"deliveries": len(deliveries) + lost, "lost": lost,
                  "p50": statistics.median(deliveries) if deliveries else None,
                  "p99": percentile(deliveries, 99) if deliveries else None,
                  "max": max(deliveries) if deliveries else None}}


def commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                          capture_output=True).stdout.strip()


def run_configuration(processes: int, args) -> list[dict]:
    rows = []
    folder = LOGS / f"{processes}-processes"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    open_persons: set[str] = set()  # across phases: a visit left open stays open
    print(f"setting up {args.db} ({args.persons} persons) ...", flush=True)
    setup_data = prepare(args.db, args.persons, folder)
    env = app_env(args.db, args.pool)
    with proxy.app_processes(env, processes, folder) as apps, \
            proxy.nginx([u for _, u in apps], folder) as (nginx, url):
        asyncio.run(warm_up(url, setup_data, processes))
        pids = [p.pid for p, _ in apps]
        for index, name in enumerate(args.phases):
            scale = DAY / (args.compress_minutes * 60)
            if name == "burst":
                scale *= args.speedup
            print(f"{processes} process(es), {name}: the day in "
                  f"{DAY / scale / 60:.1f} min ...", flush=True)
            row = measure_phase(url, setup_data, Phase(name, scale), args, pids,
                                nginx.pid, 100 + index, open_persons)
            report(row)
            rows.append(row)
    return rows


# --- output ----------------------------------------------------------------------------

OP_ORDER = ["search", "check-in", "check-out", "leave queue", "service", "incident",
            "intervention", "close incident", "board"]


def op_lines(row) -> list[str]:
    lines = ["| operation | count | p50 ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|"]
    for op in sorted(row["ops"], key=lambda o: OP_ORDER.index(o) if o in OP_ORDER else 99):
        s = row["ops"][op]
        lines.append(f"| {op} | {s['count']} | {s['p50']:.1f} | {s['p95']:.1f} | "
                     f"{s['p99']:.1f} | {s['max']:.1f} |")
    return lines


def summary_lines(row) -> list[str]:
    alarm = row["alarm"]
    delivered = (f"p50 {alarm['p50']:.1f} ms, p99 {alarm['p99']:.1f} ms, max "
                 f"{alarm['max']:.1f} ms" if alarm["p50"] is not None else "none")
    info = ", ".join(f"{k}: {v}" for k, v in sorted(row["info"].items()))
    expected = ", ".join(f"{k}: {v}" for k, v in sorted(row["expected"].items())) or "none"
    return [
        f"- {row['boards']} boards ({row['boards'] // 5} per site), {row.get('desks', 2)} "
        f"reception and {row.get('desks', 2)} health staff per site; the day took "
        f"{row['wall_s'] / 60:.1f} min against {row['minutes']:.1f} planned"
        + (f" (nobody new arrived after {row['max_minutes']:g} min)"
           if row.get("max_minutes") else ""),
        f"- errors: **{row['errors']}**; expected refusals: {expected}",
        f"- {row['requests']} requests in {row['wall_s']:.0f} s "
        f"({row['requests'] / row['wall_s']:.1f}/s); app CPU {row['app_cpu_s']:.1f} s = "
        f"**{row['cpu_ms_per_request']:.1f} ms per request** ({row['app_cores']:.2f} cores "
        f"busy); nginx {row['nginx_cpu_s']:.1f} s; the replaying client "
        f"{row['driver_cpu_s']:.1f} s; the whole machine {row['machine_busy']:.0%} busy "
        f"(load {row['load_before']:.1f} before)",
        f"- alarm to every board of its site: {alarm['deliveries']} deliveries, "
        f"{alarm['lost']} lost, {delivered}",
        f"- requests started late by the replaying client: p99 {row['lag_p99_ms']:.0f} ms",
        f"- {info}"]


def report(row) -> None:
    title = (f"{row['processes']} process(es), {row['phase']}: {row['checkins']} check-ins "
             f"in {row['minutes']:.1f} min")
    print(f"\n### {title}\n")
    print("\n".join(op_lines(row)))
    print("\n" + "\n".join(summary_lines(row)) + "\n")
    if row["errors"]:
        print(f"!!! {row['errors']} ERRORS !!!", file=sys.stderr)
        for sample in row["error_samples"]:
            print(f"!!!   {sample}", file=sys.stderr)


def write_docs(rows, note: str) -> None:
    """Keep these results beside earlier ones (another process count or phase) and write
    them all into docs/performance.md."""
    def key(row):
        return row["processes"], row["phase"], round(row["minutes"], 1), row.get("pool", 0)

    kept = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    keys = {key(r) for r in rows}
    kept = [r for r in kept if key(r) not in keys] + rows
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(kept, indent=1))
    lines = [
        "A Friday of the five rooms replayed over HTTP/2 through nginx "
        "(`deploy/nginx.conf.template`, TLS) in front of N uvicorn processes in the "
        "production configuration (PostgreSQL, its event bus, the proxy trusted, bearer "
        "tokens), by asyncio and httpx on the same machine. About 2,500 check-ins in each "
        "room's share and the rhythm of a day (`stofrum/stats/demo.py`), each after a person "
        "search; check-outs after 12–35 minutes in the booth (queued visits when the board "
        "shows them in a booth; half give up after 40 minutes); services for 15 % of the "
        "visits; incidents with two or three interventions and a close; boards at every "
        "site holding the event stream open and fetching the board again on each `board` "
        "event, as the door page does. Staff do one thing at a time (a few per site), so "
        "when the app falls behind, the door's work starts late rather than piling up. "
        "Every write carries an Idempotency-Key. `day` compresses the day into the stated "
        "minutes, `burst` plays it faster (`--speedup`). CPU per request is the app "
        "processes' CPU time (/proc) over all requests; the alarm's delivery time runs from "
        "sending `POST /incidents` to the `alarm` event at each board of the site.",
        ""]
    for row in sorted(kept, key=lambda r: (-r["minutes"], r["processes"])):
        pool = (f"a pool of {row['pool']} connections each" if row.get("pool")
                else "a connection per request")
        lines += [f"### {row['phase']}: {row['processes']} process(es), {pool}, "
                  f"{row['checkins']} check-ins in {row['minutes']:.1f} minutes "
                  f"({row['date']}, {row['commit']})",
                  "", *op_lines(row), "", *summary_lines(row), ""]
    if note:
        lines += [note, ""]
    common.write_section(HEADING, lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", default="2",
                        help="app processes behind the proxy; several as 1,2")
    parser.add_argument("--compress-minutes", type=float, default=10.0)
    parser.add_argument("--speedup", type=float, default=10.0)
    parser.add_argument("--phases", default="day,burst")
    parser.add_argument("--checkins", type=int, default=2500)
    parser.add_argument("--incidents", type=int, default=8)
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--boards", type=int, default=3, help="boards per site")
    parser.add_argument("--desks", type=int, default=2,
                        help="reception (and health) staff per site, one request at a time")
    parser.add_argument("--no-board-refresh", action="store_true",
                        help="boards only listen (the door's still sees the queue move)")
    parser.add_argument("--max-minutes", type=float, default=None,
                        help="a phase's time limit: after it nobody new arrives (those in "
                             "booths and queues still leave)")
    parser.add_argument("--quick", action="store_true",
                        help="a one-minute day and a six-second burst")
    parser.add_argument("--db", default=DB_NAME)
    parser.add_argument("--pool", default="0",
                        help="STOFRUM_DB_POOL of the app processes (default %(default)s: a "
                             "connection per request, as production)")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--note", default="", help="a line under the results in the docs")
    parser.add_argument("--setup-only", nargs=3, metavar=("DB", "PERSONS", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup_only:
        db, persons, out = args.setup_only
        setup(db, int(persons), Path(out))
        return
    if args.quick:  # the ten-minute day's pace: a tenth of the day in one minute
        args.compress_minutes, args.checkins = 1.0, args.checkins // 10
        args.incidents = max(2, args.incidents // 4)
    args.phases = [p for p in args.phases.split(",") if p]
    rows = []
    try:
        for processes in [int(n) for n in args.processes.split(",")]:
            rows += run_configuration(processes, args)
    finally:
        if not args.keep_db:
            drop(args.db)
    if args.write_docs:
        write_docs(rows, args.note)
    errors = sum(r["errors"] for r in rows)
    if errors:
        print(f"\n!!! {errors} ERRORS: the day did not go cleanly !!!", file=sys.stderr)
        sys.exit(1)


def drop(db: str) -> None:
    import psycopg

    with psycopg.connect(f"{common.BASE}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()

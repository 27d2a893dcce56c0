"""Benchmark: time from raising an overdose alarm to its arrival at 50 connected boards.

    .venv/bin/python bench/alarm.py [--clients 50] [--alarms 20]

Runs the real server (uvicorn) on PostgreSQL, once as a single process and once as two
processes (the clients split between them, the alarm raised through the first, so the
second only hears it through LISTEN/NOTIFY). Each client is a server-sent-events
connection like a board's: half of them the API's stream of the site, half the stream of
a locked door terminal (`/terminal/events`, the lock screen's, without person data).
Prints p50/p99 in milliseconds and writes them into docs/performance.md. A benchmark, not
a test: it asserts nothing.
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402

DB_NAME = "stofrum_bench_alarm"
BASE_URL = common.BASE
TARGET_P99_MS = 500
SECRET_KEY = "bench-only"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(env) -> None:
    import psycopg

    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    for args in (["migrate", "--noinput", "-v0"], ["create_cpr_key", "--if-missing"],
                 ["seed_sites"], ["seed_demo_accounts"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)


def start_servers(env, count: int):
    servers = []
    for _ in range(count):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "stofrum.asgi:application", "--host",
             "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"],
            cwd=ROOT, env=env)
        servers.append((process, f"http://127.0.0.1:{port}"))
    for process, url in servers:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"server {url} did not start") from None
                time.sleep(0.2)
    return servers


def api(url, method, path, body=None, token=None):
    request = urllib.request.Request(
        f"{url}/api/v1{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json",
                 **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def terminal_mark(secret_key: str) -> str:
    """The lock screen's cookie for h17, signed as stofrum/live/terminal.py signs it."""
    from django.core.signing import TimestampSigner

    from stofrum.live.terminal import SALT

    return TimestampSigner(key=secret_key, salt=SALT, fallback_keys=[]).sign_object(
        {"sites": ["h17"], "at": int(time.time())}, compress=True)


async def sse_client(url: str, token: str, arrivals: dict, ready: asyncio.Event,
                     counter: list, total: int, locked_cookie: str | None = None):
    """One board (or, with `locked_cookie`, a locked door terminal): a raw HTTP/1.1 event
    stream; records when each alarm arrives."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    if locked_cookie:
        request = (f"GET /terminal/events HTTP/1.1\r\nHost: {host}\r\n"
                   f"Cookie: stofrum_terminal={locked_cookie}\r\n")
    else:
        request = (f"GET /api/v1/sites/h17/events HTTP/1.1\r\nHost: {host}\r\n"
                   f"Authorization: Bearer {token}\r\n")
    writer.write((request + "Accept: text/event-stream\r\n\r\n").encode())
    await writer.drain()
    event = None
    try:
        while True:
            line = (await reader.readline()).decode().strip()
            if line.startswith("event: "):
                event = line[7:]
                if event == "hello":
                    counter[0] += 1
                    if counter[0] == total:
                        ready.set()
            elif line.startswith("data: ") and event == "alarm":
                data = json.loads(line[6:])
                if not data.get("responders"):
                    arrivals.setdefault(data["incident"], []).append(time.perf_counter())
    except (asyncio.CancelledError, ConnectionError):
        writer.close()


async def measure(urls: list[str], clients: int, alarms: int) -> list[float]:
    token = api(urls[0], "POST", "/auth/token",
                {"username": "reception", "password": "stofrum-demo"})["token"]
    person = api(urls[0], "POST", "/persons", {"alias": "Bench", "birth_year": 1980,
                 "gender": "male", "municipality": "101", "site": "h17", "confirm_new": True},
                 token)
    api(urls[0], "POST", f"/persons/{person['id']}/first-aid-agreement", {"site": "h17"}, token)
    visit = api(urls[0], "POST", "/visits", {"person": person["id"], "site": "h17",
                "substances": ["heroin"], "method": "injection"}, token)
    arrivals: dict = {}
    ready, counter = asyncio.Event(), [0]
    locked = terminal_mark(SECRET_KEY)
    tasks = [asyncio.create_task(sse_client(urls[i % len(urls)], token, arrivals, ready,
                                            counter, clients,
                                            locked_cookie=locked if i % 2 else None))
             for i in range(clients)]
    await asyncio.wait_for(ready.wait(), 30)
    await asyncio.sleep(1)  # every process's listener is up
    latencies = []
    loop = asyncio.get_running_loop()
    for _ in range(alarms):
        started = time.perf_counter()
        incident = await loop.run_in_executor(None, lambda: api(
            urls[0], "POST", "/incidents",
            {"site": "h17", "kind": "overdose_opioid", "visit": visit["id"]}, token))
        deadline = time.monotonic() + 5
        while len(arrivals.get(incident["id"], [])) < clients and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        got = arrivals.get(incident["id"], [])
        latencies += [(t - started) * 1000 for t in got]
        latencies += [float("inf")] * (clients - len(got))  # never arrived: counts as lost
        close_path = f"/incidents/{incident['id']}/close"
        await loop.run_in_executor(None, lambda path=close_path: api(
            urls[0], "POST", path, {"outcome": "recovered_on_site"}, token))
        await asyncio.sleep(0.2)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return latencies


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(processes: int, clients: int, alarms: int, env) -> dict:
    prepare_database(env)
    servers = start_servers(env, processes)
    try:
        latencies = asyncio.run(measure([u for _, u in servers], clients, alarms))
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=10)
    lost = sum(1 for x in latencies if x == float("inf"))
    arrived = [x for x in latencies if x != float("inf")]
    return {"processes": processes, "deliveries": len(latencies), "lost": lost,
            "p50": statistics.median(arrived), "p99": percentile(arrived, 99),
            "max": max(arrived)}


def write_docs(rows, clients, alarms) -> None:
    lines = [
             f"Measured {date.today().isoformat()} with `.venv/bin/python bench/alarm.py` "
             f"({clients} server-sent-event clients on one site, half of them locked door "
             f"terminals, {alarms} alarms raised "
             "through the API, PostgreSQL LISTEN/NOTIFY bus). Latency is from sending the "
             "alarm request to the event arriving at each client.", "",
             "| server processes | deliveries | lost | p50 ms | p99 ms | max ms |",
             "|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['processes']} | {r['deliveries']} | {r['lost']} | {r['p50']:.1f} | "
              f"{r['p99']:.1f} | {r['max']:.1f} |" for r in rows]
    lines += ["", f"Target: p99 under {TARGET_P99_MS} ms.", ""]
    common.write_section("## Overdose alarm to every board (bench/alarm.py)", lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--alarms", type=int, default=20)
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": f"{BASE_URL}/{DB_NAME}",
           "STOFRUM_EVENT_BUS": "postgres", "SECRET_KEY": SECRET_KEY,
           "STOFRUM_LOG_LEVEL": "WARNING",
           "STOFRUM_VAR_DIR": str(ROOT / "var" / "bench")}
    rows = [run(n, args.clients, args.alarms, env) for n in (1, 2)]
    print(f"alarm → {args.clients} boards, {args.alarms} alarms (target p99 < {TARGET_P99_MS} ms)")
    for r in rows:
        print(f"  {r['processes']} process(es): p50 {r['p50']:.1f} ms  p99 {r['p99']:.1f} ms  "
              f"max {r['max']:.1f} ms  lost {r['lost']}/{r['deliveries']}")
    write_docs(rows, args.clients, args.alarms)


if __name__ == "__main__":
    main()

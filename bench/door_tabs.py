"""Benchmark: how long a page takes to load while door tabs are open in the same browser.

    .venv/bin/python bench/door_tabs.py [--tabs 3] [--runs 5] [--repo PATH]

Serves the app (uvicorn, SQLite, the demo accounts) from `--repo` (default: this checkout;
point it at an older checkout to compare), opens `--tabs` live door pages of H17 in one
Chromium context as `reception` (H17 and Skyen), then times loading the staff home in one
more tab, `--runs` times. Over HTTP/1.1 a browser holds at most six connections per host,
so event streams held open by the door tabs can make that page wait. Prints the load times
and the event streams each door tab holds, and writes them into docs/performance.md.
A benchmark, not a test: it asserts nothing.
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_S = 45


def serve(repo: Path, folder: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'tabs.sqlite3'}",
           "STOFRUM_VAR_DIR": str(folder / "var"), "SECRET_KEY": "bench-only",
           "STOFRUM_LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "stofrum.settings"}
    env.pop("STOFRUM_EVENT_BUS", None)
    key = ([["create_cpr_key", "--if-missing"]]  # the app never makes its CPR key itself
           if (repo / "stofrum/health/management/commands/create_cpr_key.py").exists() else [])
    for args in (["migrate", "--noinput", "-v0"], *key, ["seed_sites"], ["seed_demo_accounts"],
                 ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=repo, env=env, check=True,
                       capture_output=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "stofrum.asgi:application",
                                "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
                                "--log-level", "warning"], cwd=repo, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            return process, url
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the app did not start") from None
            time.sleep(0.2)


def load(page, url: str) -> float:
    """Seconds until the page's DOM is ready; infinity when not within TIMEOUT_S."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    started = time.perf_counter()
    try:
        page.goto(url, timeout=TIMEOUT_S * 1000, wait_until="domcontentloaded")
    except PlaywrightTimeout:
        return float("inf")
    return time.perf_counter() - started


def measure(url: str, tabs: int, runs: int) -> tuple[list[float], int]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1024, "height": 768})
        doors = [context.new_page() for _ in range(tabs)]
        streams = []
        doors[-1].on("request", lambda r: streams.append(r.url) if "events" in r.url else None)
        doors[0].goto(f"{url}/login/")
        doors[0].fill("#id_username", "reception")
        doors[0].fill("#id_password", "stofrum-demo")
        doors[0].press("#id_password", "Enter")
        doors[0].wait_for_url(re.compile(r".*/staff/$"))
        for door in doors:
            load(door, f"{url}/staff/sites/h17/")
        doors[-1].wait_for_timeout(2000)  # every stream connected
        times = []
        for _ in range(runs):
            page = context.new_page()
            times.append(load(page, f"{url}/staff/"))
            page.close()
        browser.close()
    return times, len(streams)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tabs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--label", default="this checkout")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, url = serve(args.repo.resolve(), Path(tmp))
        try:
            times, streams = measure(url, args.tabs, args.runs)
        finally:
            process.terminate()
            process.wait(timeout=10)
    def seconds(value: float) -> str:
        return f"{value:.2f}" if value != float("inf") else f"> {TIMEOUT_S} (never)"

    median, worst = statistics.median(times), max(times)
    print(f"{args.label}: {args.tabs} door tabs, {streams} event stream(s) per door tab; "
          f"another page loads in median {seconds(median)} s, worst {seconds(worst)} s "
          f"({args.runs} runs)")
    row = f"| {args.label} | {args.tabs} | {streams} | {seconds(median)} | {seconds(worst)} |"
    heading = "## A page beside open door tabs (bench/door_tabs.py)"
    text = common.PERFORMANCE.read_text() if common.PERFORMANCE.exists() else ""
    rows = []
    if heading in text:
        section = text[text.index(heading):].split("\n## ")[0]
        rows = [line for line in section.splitlines()
                if line.startswith("| ") and not line.startswith("| code")
                and not line.startswith(f"| {args.label} |")]
    common.write_section(heading, [
        f"Measured {date.today().isoformat()} with `.venv/bin/python bench/door_tabs.py` "
        "(reception at H17 and Skyen, door tabs of H17 open in one Chromium, then the staff "
        "home loaded in one more tab, HTTP/1.1 to uvicorn). Load time is until the page's "
        "DOM is ready; the browser allows six connections per host.", "",
        "| code | door tabs | event streams per tab | median s | worst s |",
        "|---|---:|---:|---:|---:|", *rows, row, ""])


if __name__ == "__main__":
    main()

"""The app served the way production serves it (uvicorn, ASGI) for tests that speak real
HTTP to it: the browser tests, the API fuzzing and the page crawl."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(folder: Path, database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url,
           "STOFRUM_VAR_DIR": str(folder / "var"), "SECRET_KEY": "http-tests-only",
           "DJANGO_SETTINGS_MODULE": "stofrum.settings",
           # plain HTTP on 127.0.0.1, as the demo (the proxy test serves it over HTTPS)
           "STOFRUM_DEMO": "true"}
    env.pop("STOFRUM_EVENT_BUS", None)
    return env


def fresh_database_url(run_url: str, folder: Path, suffix: str, template: str = "") -> str:
    """A database of its own for a served app, on the engine of this test run: SQLite in
    `folder`, or a freshly created PostgreSQL database named after the run's plus `suffix`;
    a copy of `template` (a database URL of the run's engine) when one is given."""
    if not run_url.startswith(("postgres://", "postgresql://")):
        target = folder / f"{suffix}.sqlite3"
        if template:
            shutil.copyfile(template.removeprefix("sqlite:///"), target)
        return f"sqlite:///{target}"
    import psycopg
    from psycopg import sql

    parts = urlsplit(run_url)
    name = f"{parts.path.lstrip('/') or 'stofrum'}_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        create += sql.SQL(" TEMPLATE {}").format(
            sql.Identifier(urlsplit(template).path.lstrip("/")))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        connection.execute(create)
    return urlunsplit(parts._replace(path=f"/{name}"))


_MIGRATED: dict[str, str] = {}


def migrated_database_url(run_url: str, folder: Path, suffix: str) -> str:
    """As fresh_database_url, but already migrated: a copy of a database migrated once per
    test run (PostgreSQL: CREATE DATABASE … TEMPLATE; SQLite: the file copied), so that
    each served app does not run every migration again (10-20 s each on PostgreSQL)."""
    template = _MIGRATED.get(run_url)
    if template is None:
        scratch = Path(tempfile.mkdtemp(prefix="stofrum-migrated-"))
        template = fresh_database_url(run_url, scratch, "migrated")
        manage(base_env(scratch, template), "migrate", "--noinput")
        _MIGRATED[run_url] = template
    return fresh_database_url(run_url, folder, suffix, template)


def manage(env, *args) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=True)
    return result.stdout


def start_server(env, folder, setup=(["seed_sites"], ["seed_demo_accounts"])):
    """Migrate, make the CPR key ring (the app never makes one by itself and refuses to start
    without it), seed (`setup`: management commands) and serve the app with uvicorn; yields
    its URL, stops it after."""
    for command in (["migrate", "--noinput"], ["create_cpr_key", "--if-missing"], *setup,
                    ["collectstatic", "--noinput", "--verbosity", "0"]):
        manage(env, *command)
    port = free_port()
    yield from serve(env, folder / "uvicorn.log", port, [
        sys.executable, "-m", "uvicorn", "stofrum.asgi:application",
        "--host", "127.0.0.1", "--port", str(port),
        # as in production (README): the app, not uvicorn, reads X-Forwarded-For, and only
        # from STOFRUM_TRUSTED_PROXIES (stofrum/client_address.py)
        "--no-proxy-headers",
        # open event streams would hold a stopping test server for stop()'s 15 s
        "--timeout-graceful-shutdown", "2"])


def start_process(command: list[str], log_path: Path, env=None) -> subprocess.Popen:
    """Start `command` in the checkout, its output (both streams) to `log_path`."""
    with log_path.open("w") as log:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)


def wait_until_healthy(url: str, process: subprocess.Popen, log_path: Path, what="the app",
                       context=None, timeout: float = 30) -> None:
    """Wait until `process` answers `url`/healthz (`context`: the SSL context for an https
    URL); should it end or not answer within `timeout` seconds, kill it and raise with the
    tail of its output in `log_path`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2, context=context) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError(f"{what} did not start: " + log_path.read_text()[-3000:])
        time.sleep(0.2)


def launch(env, log_path: Path, port: int, command: list[str]) -> subprocess.Popen:
    """Start an app process (`command`, listening on 127.0.0.1:`port`) and wait until it
    answers /healthz; its output goes to `log_path`."""
    process = start_process(command, log_path, env)
    wait_until_healthy(f"http://127.0.0.1:{port}", process, log_path)
    return process


def stop(process: subprocess.Popen) -> None:
    """End an app process as the service manager does (SIGTERM, then SIGKILL)."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve(env, log_path: Path, port: int, command: list[str], timeout: float = 30):
    """Run an app process (`command`, listening on 127.0.0.1:`port`) until it answers
    /healthz; yields its URL, stops it after. Its output goes to `log_path`."""
    process = start_process(command, log_path, env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log_path, timeout=timeout)
        yield url
    finally:
        stop(process)


def log_text_once_it_has(log_path: Path, text: str, timeout: float = 10) -> str:
    """The text of the log at `log_path` once it has `text` (a server writes its access log
    line after it answers), or after `timeout` seconds without."""
    deadline = time.monotonic() + timeout
    while text not in log_path.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    return log_path.read_text()

"""The production layout for benchmarks: several uvicorn processes behind nginx
(deploy/nginx.conf.template, TLS with a self-signed certificate, HTTP/2), started as
README "Production" says, with the tests' helpers (tests/live_server.py,
tests/prod_layout.py)."""

import contextlib
import sys
from pathlib import Path

from tests.live_server import free_port, start_process, stop, wait_until_healthy
from tests.prod_layout import NGINX, self_signed_certificate, start_proxy


@contextlib.contextmanager
def app_processes(env: dict, count: int, folder: Path):
    """`count` uvicorn processes of the app, each as in production (README: the app reads
    the client's address itself, its own access log replaces uvicorn's). Yields
    [(process, url)]."""
    started = []
    try:
        for index in range(count):
            port = free_port()
            log = folder / f"app-{index + 1}.log"
            process = start_process(
                [sys.executable, "-m", "uvicorn", "stofrum.asgi:application", "--host",
                 "127.0.0.1", "--port", str(port), "--no-proxy-headers", "--no-access-log"],
                log, env)
            started.append((process, f"http://127.0.0.1:{port}", log))
        for process, url, log in started:
            wait_until_healthy(url, process, log, f"the app at {url}")
        yield [(process, url) for process, url, _ in started]
    finally:
        for process, _, _ in started:
            stop(process)


@contextlib.contextmanager
def nginx(app_urls: list[str], folder: Path):
    """nginx with the production configuration in front of `app_urls`, on a free port of
    127.0.0.1 with a self-signed certificate. Yields (process, https URL)."""
    if not Path(NGINX).exists():
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    cert, key = self_signed_certificate(folder)
    process, url = start_proxy(folder, [u.removeprefix("http://") for u in app_urls], cert, key)
    try:
        yield process, url
    finally:
        stop(process)

"""The production layout for benchmarks: several uvicorn processes behind nginx
(deploy/nginx.conf.template, TLS with a self-signed certificate, HTTP/2), started as
README "Production" says. Rendering and starting nginx follows tests/browser/test_proxy.py."""

import contextlib
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unverified() -> ssl.SSLContext:
    """The proxy's certificate is self-signed."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _wait(url: str, process: subprocess.Popen, log: Path, what: str, context=None) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2, context=context) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{what} did not start: " + log.read_text()[-3000:])
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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
            process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "stofrum.asgi:application", "--host",
                 "127.0.0.1", "--port", str(port), "--no-proxy-headers", "--no-access-log"],
                cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
            started.append((process, f"http://127.0.0.1:{port}", log))
        for process, url, log in started:
            _wait(url, process, log, f"the app at {url}")
        yield [(process, url) for process, url, _ in started]
    finally:
        for process, _, _ in started:
            _stop(process)


@contextlib.contextmanager
def nginx(app_urls: list[str], folder: Path):
    """nginx with the production configuration in front of `app_urls`, on a free port with a
    self-signed certificate. Yields (process, https URL)."""
    if not Path(NGINX).exists():
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem")], check=True, capture_output=True)
    port = free_port()
    upstreams = " ".join(f"server {url.removeprefix('http://')};" for url in app_urls)
    conf = (ROOT / "deploy" / "nginx.conf.template").read_text()
    for name, value in {"PREFIX": str(folder), "LISTEN": str(port),
                        "CERT": str(folder / "cert.pem"), "KEY": str(folder / "key.pem"),
                        "UPSTREAMS": upstreams}.items():
        conf = conf.replace("${" + name + "}", value)
    (folder / "nginx.conf").write_text(conf)
    log = folder / "nginx.out"
    process = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder),
                                "-g", "daemon off; user root;"],
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"https://127.0.0.1:{port}"
    try:
        _wait(url, process, log, "nginx", context=unverified())
        yield process, url
    finally:
        _stop(process)

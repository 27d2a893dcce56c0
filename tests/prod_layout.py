"""The production layout (deploy/) on one machine without systemd, for the tests: the TLS
proxy rendered from deploy/nginx.conf.template with a self-signed certificate, and the
environment files and commands of the systemd units, read from the units themselves so
that the tests run what production runs."""

import os
import shlex
import shutil
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live_server import ROOT, free_port, start_process, stop, wait_until_healthy

DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# Where the units and the environment files expect the checkout and the configuration.
HOME, ETC = "/srv/stofrum", "/etc/stofrum"


def require_nginx() -> None:
    if not Path(NGINX).exists():
        if os.environ.get("CI"):
            raise RuntimeError("nginx is required in CI (apt-get install nginx-light)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")


def unverified() -> ssl.SSLContext:
    """The proxy's certificate is self-signed for the tests."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def render_proxy_conf(folder: Path, port: int, upstreams: list[str], cert: Path,
                      key: Path) -> Path:
    """deploy/nginx.conf.template filled in: nginx's files in `folder`, listening on
    127.0.0.1:`port` in front of the app processes at `upstreams` (host:port each)."""
    folder.mkdir(parents=True, exist_ok=True)
    conf = (DEPLOY / "nginx.conf.template").read_text()
    for name, value in {"PREFIX": str(folder), "LISTEN": f"127.0.0.1:{port}",
                        "CERT": str(cert), "KEY": str(key),
                        "UPSTREAMS": " ".join(f"server {u};" for u in upstreams)}.items():
        conf = conf.replace("${" + name + "}", value)
    assert "${" not in conf, "deploy/nginx.conf.template has a placeholder the tests do not fill"
    path = folder / "nginx.conf"
    path.write_text(conf)
    return path


def start_proxy(folder: Path, upstreams: list[str], cert: Path,
                key: Path) -> tuple[subprocess.Popen, str]:
    """nginx with deploy/nginx.conf.template on a free port of 127.0.0.1 in front of the app
    processes at `upstreams` (host:port each), once it answers; (its process, its https
    URL). Its output goes to nginx.out in `folder`."""
    port = free_port()
    conf = render_proxy_conf(folder, port, upstreams, cert, key)
    log = folder / "nginx.out"
    process = start_process([NGINX, "-c", str(conf), "-p", str(folder),
                             "-g", "daemon off; user root;"], log)
    url = f"https://127.0.0.1:{port}"
    wait_until_healthy(url, process, log, "nginx", context=unverified(), timeout=15)
    return process, url


def serve_proxy(folder: Path, upstreams: list[str], cert: Path, key: Path):
    """start_proxy's nginx; yields its https URL, stops it after."""
    process, url = start_proxy(folder, upstreams, cert, key)
    try:
        yield url
    finally:
        stop(process)


def read_env_file(path: Path) -> dict:
    """The NAME=value lines of an environment file (systemd's EnvironmentFile, sh's `.`)."""
    pairs = [line.split("=", 1) for line in path.read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    return {name.strip(): value for name, value in pairs}


def write_env_file(path: Path, values: dict) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.writelines(f"{name}={value}\n" for name, value in values.items())


def unit_settings(name: str) -> dict[str, list[str]]:
    """The settings of a unit in deploy/, each name with its values in order."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key, []).append(value)
    return found


def clean_environment(**env) -> dict:
    """This process's environment without any Stofrum configuration, plus `env`."""
    kept = {k: v for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS",
                         "CSRF_TRUSTED_ORIGINS") and not k.startswith("STOFRUM_")}
    return {**kept, "DJANGO_SETTINGS_MODULE": "stofrum.settings", **env}


def unit_environment(name: str, etc: Path, **overrides) -> dict:
    """The environment systemd gives the unit: its EnvironmentFile= files, read from `etc`
    in place of /etc/stofrum, in order (a later file wins), then `overrides`."""
    env = clean_environment()
    for path in unit_settings(name).get("EnvironmentFile", []):
        assert path.startswith(f"{ETC}/"), path
        env.update(read_env_file(etc / path.removeprefix(f"{ETC}/")))
    return {**env, **overrides}


def unit_commands(name: str, env: dict, instance: str = "") -> list[list[str]]:
    """The unit's ExecStart= commands as this checkout runs them: its virtualenv's programs
    by this interpreter, %i the instance, ${NAME} from `env` (as systemd expands them)."""
    programs = {f"{HOME}/.venv/bin/python": [sys.executable],
                f"{HOME}/.venv/bin/uvicorn": [sys.executable, "-m", "uvicorn"]}
    commands = []
    for line in unit_settings(name)["ExecStart"]:
        words = shlex.split(line.replace("%i", instance))
        words = [env[w[2:-1]] if w.startswith("${") and w.endswith("}") else w for w in words]
        commands.append(programs[words[0]] + words[1:])
    return commands


def run_unit(name: str, env: dict) -> str:
    """Run a oneshot unit's commands in order, as systemd would, in the checkout; its output."""
    assert unit_settings(name)["WorkingDirectory"] == [HOME]
    output = []
    for command in unit_commands(name, env):
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=300, check=False)
        assert result.returncode == 0, f"{name}: {command}\n{result.stdout}{result.stderr}"
        output.append(result.stdout)
    return "".join(output)

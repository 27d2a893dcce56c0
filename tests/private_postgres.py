"""A PostgreSQL cluster of a test's own, for tests that stop and start the database server:
the machine's shared server (127.0.0.1:5432) serves other test runs at the same time and is
never stopped. initdb into a fresh folder, trust authentication, listening on 127.0.0.1 on
a free port, its socket in that folder; fsync off (nothing here outlives the test).

PostgreSQL refuses to run as root: as root (CI) the cluster runs as the `postgres` user of
Debian's package, its folder handed to that user. What the cluster needs and lacks skips
the test outside CI and fails it in CI."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.live_server import free_port

SERVER_USER = "postgres"


def unavailable(reason: str):
    if os.environ.get("CI"):
        raise RuntimeError(f"a private PostgreSQL cluster is required in CI: {reason}")
    pytest.skip(f"no private PostgreSQL cluster: {reason}")


def server_programs() -> Path:
    """The folder of initdb and pg_ctl (Debian keeps them off the PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    unavailable("initdb is not installed (apt-get install postgresql)")


class PrivatePostgres:
    """`start()`, `stop()` (fast: sessions are ended, what they had not committed is rolled
    back) and `remove()`; `url(database)` for a client."""

    def __init__(self):
        self.bin = server_programs()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                unavailable("running as root without runuser to run PostgreSQL as a user")
            try:
                import pwd

                account = pwd.getpwnam(SERVER_USER)
            except KeyError:
                unavailable(f"running as root and there is no {SERVER_USER} user to run "
                            "PostgreSQL as")
            self.as_user = [runuser, "-u", SERVER_USER, "--"]
        # Not under pytest's temporary folders: those are private to root, and the server's
        # user must reach its own folder.
        self.folder = Path(tempfile.mkdtemp(prefix="stofrum-pg-"))
        if self.as_user:
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        self.data = self.folder / "data"
        self.port = free_port()
        self.running = False
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                 "-E", "UTF8", "--locale=C.UTF-8")

    def run(self, program: str, *args) -> str:
        result = subprocess.run([*self.as_user, str(self.bin / program), *args],
                                capture_output=True, text=True, timeout=60, check=False)
        if result.returncode:
            raise RuntimeError(f"{program} {' '.join(args)}: {result.stdout}{result.stderr}")
        return result.stdout

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                 "-t", "30", "-o", f"-p {self.port} -k {self.folder} "
                 "-c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100", "start")
        self.running = True

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")
        self.running = False

    def remove(self) -> None:
        try:
            if self.running:
                self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

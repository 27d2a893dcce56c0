"""The production files in deploy/ say what README's "Production" says they do; that they
work together is `tests/browser/test_prod_layout.py` (make prod-check)."""

import re
from pathlib import Path

import pytest
from django.core.management import get_commands

from tests.prod_layout import DEPLOY, HOME, unit_settings

# Touches no database: runs in the SQLite run only (conftest.py, engine_free).
pytestmark = pytest.mark.engine_free

README = Path(__file__).resolve().parents[2] / "README.md"
UNITS = sorted(p.name for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer", ".target"))
OWNER_JOBS = {"stofrum-upgrade.service", "stofrum-retention.service"}


def production_section() -> str:
    text = README.read_text()
    return text[text.index("## Production\n"):text.index("\n## ", text.index("## Production\n"))]


def test_the_environment_file_is_the_block_readme_shows():
    block = re.search(r"```sh\n(# /etc/stofrum/stofrum\.env.*?)```", production_section(),
                      re.DOTALL)
    assert block, "README's Production section shows no environment block"
    assert block.group(1) == (DEPLOY / "stofrum.env.example").read_text()


def test_readme_names_every_file_in_deploy():
    section = production_section()
    for path in DEPLOY.iterdir():
        short = f"`{path.suffix}`" if path.suffix == ".timer" else None
        assert f"`deploy/{path.name}`" in section or (
            short and f"`deploy/{path.stem}.service`, {short}" in section), path.name


def test_every_timer_starts_a_service_and_every_job_is_a_command_that_exists():
    commands = get_commands()
    timers = [u for u in UNITS if u.endswith(".timer")]
    assert timers
    for timer in timers:
        assert timer.removesuffix(".timer") + ".service" in UNITS
        assert unit_settings(timer)["OnCalendar"] and unit_settings(timer)["Persistent"] == [
            "true"]
    for unit in UNITS:
        for line in unit_settings(unit).get("ExecStart", []):
            words = line.split()
            if words[0] == f"{HOME}/.venv/bin/python":
                assert words[1] == "manage.py" and words[2] in commands, (unit, line)


def test_the_app_runs_unprivileged_restarted_with_uvicorn_as_readme_says():
    app = unit_settings("stofrum@.service")
    assert app["User"] == ["stofrum"] and app["Restart"] == ["always"]
    assert app["EnvironmentFile"] == ["/etc/stofrum/stofrum.env"]
    (command,) = app["ExecStart"]
    assert command.startswith(f"{HOME}/.venv/bin/uvicorn stofrum.asgi:application ")
    flags = command.split(" ", 2)[2]
    assert flags == ("--host 127.0.0.1 --port %i --no-proxy-headers --no-access-log "
                     "--timeout-graceful-shutdown 10")
    assert flags.replace("%i", "PORT") in " ".join(production_section().split())


def test_only_the_owners_jobs_hold_the_owners_credentials():
    for unit in UNITS:
        files = unit_settings(unit).get("EnvironmentFile", [])
        if unit in OWNER_JOBS:
            assert files == ["/etc/stofrum/stofrum.env", "/etc/stofrum/owner.env"], unit
        else:
            assert "/etc/stofrum/owner.env" not in files, unit
        if files:
            assert unit_settings(unit)["User"] == ["stofrum"], unit

"""uvicorn started with --no-access-log (production, deploy/stofrum@.service) writes no
access lines of its own once Django has configured logging: the app's access log
(stofrum.access, paths only) replaces them. Started with its access log, uvicorn keeps it,
without query strings (tests/http/test_forwarded.py)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.prod_layout import clean_environment

# Touches no database: runs in the SQLite run only (conftest.py, engine_free).
pytestmark = pytest.mark.engine_free

ROOT = Path(__file__).resolve().parents[2]

# What uvicorn does before it imports the app (Config configures logging), then the app.
PROBE = """
import logging, sys, uvicorn
uvicorn.Config("stofrum.asgi:application", access_log=sys.argv[1] == "on")
import django
django.setup()
access = logging.getLogger("uvicorn.access")
print(access.hasHandlers(), [type(f).__name__ for f in access.filters])
"""


@pytest.mark.parametrize(("flag", "expected"), [
    ("off", "False ['DropQueryStrings']"), ("on", "True ['DropQueryStrings']")])
def test_uvicorns_access_log_is_on_or_off_as_uvicorn_was_told(tmp_path, flag, expected):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, flag], cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=False,
        env=clean_environment(STOFRUM_VAR_DIR=str(tmp_path / "var"), STOFRUM_DEMO="true",
                              SECRET_KEY="access-log-test"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == expected

"""One settings module, configured by environment variables."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from stofrum.env import ConfigError, envbool, envint, envlist

# Touches no database: runs in the SQLite run only (conftest.py, engine_free).
pytestmark = pytest.mark.engine_free

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({"debug": s.DEBUG, "hosts": s.ALLOWED_HOSTS, "idle": s.STOFRUM_IDLE_MINUTES,
    "engine": s.DATABASES["default"]["ENGINE"], "name": s.DATABASES["default"]["NAME"],
    "key": s.SECRET_KEY, "tz": s.TIME_ZONE, "lang": s.LANGUAGE_CODE,
    "languages": [c for c, _ in s.LANGUAGES],
    "options": s.DATABASES["default"].get("OPTIONS", {}),
    "health_checks": s.DATABASES["default"].get("CONN_HEALTH_CHECKS", False)}))
"""


def settings_with(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")
             and not k.startswith("STOFRUM_")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=False,
        env={**clean, "DJANGO_SETTINGS_MODULE": "stofrum.settings",
             "STOFRUM_VAR_DIR": str(tmp_path), **env})
    return result


def test_defaults(tmp_path):
    out = json.loads(settings_with(tmp_path).stdout)
    assert out["debug"] is False
    assert out["engine"] == "django.db.backends.sqlite3"
    assert out["name"] == str(tmp_path / "stofrum.sqlite3")
    assert out["idle"] == 15 and out["tz"] == "Europe/Copenhagen"
    assert out["lang"] == "da" and out["languages"] == ["da", "en"]


def test_values_from_the_environment(tmp_path):
    out = json.loads(settings_with(
        tmp_path, DEBUG="true", ALLOWED_HOSTS="stofrum.kk.dk,localhost",
        STOFRUM_IDLE_MINUTES="7", SECRET_KEY="from-env",
        DATABASE_URL="postgres://u@db.example:5432/stofrum").stdout)
    assert out["debug"] is True and out["hosts"] == ["stofrum.kk.dk", "localhost"]
    assert out["idle"] == 7 and out["key"] == "from-env"
    assert out["engine"] == "django.db.backends.postgresql" and out["name"] == "stofrum"


def test_a_connection_pool_on_postgresql_only_when_asked_for(tmp_path):
    postgresql = "postgres://u@db.example:5432/stofrum"
    out = json.loads(settings_with(tmp_path, DATABASE_URL=postgresql).stdout)
    assert "pool" not in out["options"]
    out = json.loads(settings_with(tmp_path, DATABASE_URL=postgresql, STOFRUM_DB_POOL="3",
                                   STOFRUM_DB_POOL_WAIT_SECONDS="2").stdout)
    assert out["options"]["pool"] == {"min_size": 1, "max_size": 3, "timeout": 2}
    assert out["health_checks"] is True  # a connection is checked before it is handed out
    out = json.loads(settings_with(tmp_path, STOFRUM_DB_POOL="3").stdout)  # SQLite
    assert "pool" not in out["options"]


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = json.loads(settings_with(tmp_path).stdout)["key"]
    second = json.loads(settings_with(tmp_path).stdout)["key"]
    assert first == second and len(first) > 40
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_a_bad_value_fails_clearly(tmp_path):
    result = settings_with(tmp_path, DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr
    result = settings_with(tmp_path, STOFRUM_IDLE_MINUTES="0")
    assert result.returncode != 0 and "STOFRUM_IDLE_MINUTES must be at least 1" in result.stderr


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_INT", " 12 ")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert envbool("X_BOOL", False) is True and envbool("X_MISSING", True) is True
    assert envint("X_INT", 1) == 12 and envint("X_MISSING", 5) == 5
    assert envlist("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ConfigError):
        envint("X_INT", 1)


def test_the_day_boundary_is_a_time_of_day(monkeypatch):
    from datetime import time

    from stofrum.env import envclock

    assert envclock("X_MISSING", "06:00") == time(6)
    monkeypatch.setenv("X_CLOCK", " 07:30 ")
    assert envclock("X_CLOCK", "06:00") == time(7, 30)
    for bad in ("25:00", "seven", "7"):
        monkeypatch.setenv("X_CLOCK", bad)
        with pytest.raises(ConfigError, match="X_CLOCK must be a time of day"):
            envclock("X_CLOCK", "06:00")

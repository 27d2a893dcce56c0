"""`manage.py apply_retention` as production runs it: its own process, its own (committed)
transaction, on the engine of the test run."""

import os
import subprocess
import sys
from datetime import date

from tests.live_server import ROOT, base_env, manage, migrated_database_url


def run(env, *args):
    return subprocess.run([sys.executable, "manage.py", "apply_retention", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


def test_the_command_commits_once_then_finds_nothing_and_refuses_a_bad_date(tmp_path):
    env = base_env(tmp_path, migrated_database_url(os.environ.get("DATABASE_URL", ""),
                                                   tmp_path, "retention"))
    for command in (["migrate", "--noinput"], ["create_cpr_key", "--if-missing"],
                    ["seed_sites"], ["seed_demo_accounts"],
                    ["demo_data", "--persons", "12", "--days", "2"]):
        manage(env, *command)
    later = date(date.today().year + 30, 1, 1).isoformat()

    first = run(env, "--today", later)
    assert first.returncode == 0, first.stderr
    assert "persons anonymised: 12" in first.stdout.splitlines()
    again = run(env, "--today", later)
    assert again.returncode == 0 and all(
        line.endswith(": 0") for line in again.stdout.splitlines())

    bad = run(env, "--today", "2026-02-30")
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr
    assert "Traceback" not in bad.stderr and bad.stdout == ""

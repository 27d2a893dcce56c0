"""The restore drill (scripts/restore-drill, README "Backups"): on PostgreSQL it backs up a
database with demo data and journals, restores it and proves it; a damaged backup (a
truncated dump, a dump without the audit trail's trigger, other keys, other rows or
statistics than the original's) fails it. Its
comparisons are tested here on their own too."""

import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
from base64 import b64encode
from pathlib import Path

import pytest

from tests.live_server import fresh_database_url

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "restore-drill"
CHECKS = ("tools", "backup", "keys apart", "restore", "same rows", "app role", "cpr decrypts",
          "audit chain", "append-only", "statistics")


def load_drill():
    spec = importlib.util.spec_from_file_location("restore_drill",
                                                  ROOT / "scripts" / "restore_drill.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


drill = load_drill()


def run_drill(*args, temp: Path | None = None):
    env = {**os.environ, "TMPDIR": str(temp)} if temp else None
    result = subprocess.run([str(SCRIPT), "--server", os.environ["DATABASE_URL"], *args],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
                            check=False)
    return result.returncode, result.stdout + result.stderr


def outcome(output: str) -> dict:
    """{check: "ok" | "FAILED"} from the drill's output."""
    return {m.group(2): m.group(1)
            for m in re.finditer(r"^(ok|FAILED) +([a-z -]+?):", output, re.MULTILINE)}


# --- The comparisons ---------------------------------------------------------------------

TABLES = {"audit_auditevent": [12, "a1"], "visits_visit": [240, "b2"], "empty": [0, "c3"]}


def test_equal_tables_compare_clean():
    assert drill.compare_tables(TABLES, json.loads(json.dumps(TABLES))) == []


def test_a_missing_table_another_count_or_other_content_are_problems():
    restored = {"audit_auditevent": [11, "a0"], "visits_visit": [240, "bX"],
                "extra": [1, "d4"]}
    assert drill.compare_tables(TABLES, restored) == [
        "audit_auditevent: 12 rows, restored 11",
        "empty: missing after the restore",
        "extra: not in the original",
        "visits_visit: 240 rows, other content",
    ]


STATISTICS = {"tables": {"stats_visitday": ['{"day": "2026-11-30", "visits": 4}',
                                            '{"day": "2026-12-01", "visits": 7}']},
              "summary": {"check_ins": 11, "visits_by_gender": {"male": 6, "female": 5}}}


def test_equal_statistics_compare_clean_whatever_the_row_order():
    rebuilt = json.loads(json.dumps(STATISTICS))
    rebuilt["tables"]["stats_visitday"].reverse()
    assert drill.compare_statistics(STATISTICS, rebuilt) == []


def test_other_summary_rows_or_indicators_are_problems():
    rebuilt = json.loads(json.dumps(STATISTICS))
    rebuilt["tables"]["stats_visitday"][1] = '{"day": "2026-12-01", "visits": 6}'
    rebuilt["summary"]["visits_by_gender"]["male"] = 5
    assert drill.compare_statistics(STATISTICS, rebuilt) == [
        "stats_visitday: 2 rows, rebuilt 2 (1 only in the original, 1 only rebuilt)",
        "indicator visits_by_gender: {'male': 6, 'female': 5}, rebuilt "
        "{'male': 5, 'female': 5}",
    ]


def test_no_statistics_at_all_is_a_problem():
    empty = {"tables": {"stats_visitday": []}, "summary": {}}
    assert drill.compare_statistics(empty, empty) == [
        "the original has no statistics to compare"]


def test_the_anchor_and_the_tool_versions_are_read_from_the_commands_output():
    digest = "9f" * 32
    assert drill.parse_anchor(f"audit trail whole: 40 rows (anchor 40:{digest})\n") == \
        f"40:{digest}"
    with pytest.raises(drill.DrillError):
        drill.parse_anchor("audit trail broken")
    assert drill.tool_major("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n") == 15
    assert drill.tool_major("pg_restore (PostgreSQL) 17.2\n") == 17


# --- The drill on PostgreSQL ---------------------------------------------------------------

@pytest.fixture(scope="module")
def kept_backup(tmp_path_factory):
    """The whole drill, once, keeping its backup: (exit code, output, backup directory,
    the drill's temporary directory)."""
    kept = tmp_path_factory.mktemp("drill") / "kept"
    temp = tmp_path_factory.mktemp("drill-temp")
    code, output = run_drill("--keep", str(kept), temp=temp)
    return code, output, kept, temp


def leftovers(output: str) -> list[str]:
    """The drill's databases and role named in its output that still exist."""
    import psycopg

    names = set(re.findall(r"\b(\w+_drill_[0-9a-f]{8}_(?:source|target|app))\b", output))
    assert names, output
    admin = re.sub(r"/[^/]*$", "/postgres", os.environ["DATABASE_URL"])
    with psycopg.connect(admin) as conn:
        return [name for (name,) in conn.execute(
            "SELECT datname FROM pg_database WHERE datname = ANY(%(n)s) UNION ALL "
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%(n)s)", {"n": list(names)})]


@pytest.mark.postgres
def test_the_drill_backs_up_restores_and_proves_it(kept_backup):
    code, output, kept, temp = kept_backup
    assert code == 0, output
    assert outcome(output) == dict.fromkeys(CHECKS, "ok"), output
    assert "restore drill passed" in output
    assert "shows 070761-4285 to the app role" in output
    # The key backup lies apart from the database backup, and the drill cleaned up.
    assert sorted(p.name for p in kept.iterdir()) == ["backup", "expected.json", "key-backup"]
    assert sorted(p.name for p in (kept / "backup").iterdir()) == ["stofrum.dump"]
    assert sorted(p.name for p in (kept / "key-backup").iterdir()) == ["audit.key", "cpr.key"]
    assert len(set(re.findall(r"_drill_[0-9a-f]{8}_(source|target|app)\b", output))) == 3
    assert leftovers(output) == []
    assert list(temp.iterdir()) == []  # the source's and the restored keys are gone too


@pytest.mark.postgres
def test_a_truncated_dump_fails_the_drill(kept_backup, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(kept_backup[2], damaged)
    dump = damaged / "backup" / "stofrum.dump"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    code, output = run_drill("--from", str(damaged))
    assert code != 0, output
    assert outcome(output)["restore"] == "FAILED", output
    assert "restore drill FAILED" in output


def drop_audit_trigger(dump: Path, tmp_path: Path) -> None:
    """Rewrite the dump without the audit trail's append-only trigger (restored into a
    scratch database without it, dumped again)."""
    import psycopg

    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True,
                             text=True, check=True).stdout
    trigger = re.compile(r"TRIGGER public audit_auditevent audit_event_append_only ")
    assert trigger.search(listing), listing
    (tmp_path / "list").write_text("\n".join(
        line for line in listing.splitlines() if not trigger.search(line)))
    url = fresh_database_url(os.environ["DATABASE_URL"], tmp_path, "drilltest")
    try:
        for command in (["pg_restore", "--no-owner", "--no-acl", "--exit-on-error",
                         f"--use-list={tmp_path / 'list'}", f"--dbname={url}", str(dump)],
                        ["pg_dump", "--format=custom", f"--file={dump}", f"--dbname={url}"]):
            subprocess.run(command, capture_output=True, check=True)
    finally:
        admin = re.sub(r"/[^/]*$", "/postgres", url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.mark.postgres
def test_a_backup_unlike_the_original_fails_each_check_it_breaks(kept_backup, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(kept_backup[2], damaged)
    drop_audit_trigger(damaged / "backup" / "stofrum.dump", tmp_path)
    keys = damaged / "key-backup"
    key_id = "k00000000-000000"
    (keys / "cpr.key").write_text(json.dumps({
        "current": key_id, "keys": {key_id: b64encode(secrets.token_bytes(32)).decode()},
        "hash_key": b64encode(secrets.token_bytes(32)).decode(), "retired": {}}))
    (keys / "audit.key").write_text(secrets.token_hex(32))
    expected = json.loads((damaged / "expected.json").read_text())
    expected["tables"]["visits_visit"][0] += 1
    expected["statistics"]["summary"]["check_ins"] += 1
    (damaged / "expected.json").write_text(json.dumps(expected))
    code, output = run_drill("--from", str(damaged))
    assert code != 0, output
    assert outcome(output) == {
        "tools": "ok", "keys apart": "ok", "restore": "ok", "same rows": "FAILED",
        "app role": "ok", "cpr decrypts": "FAILED", "audit chain": "FAILED",
        "append-only": "FAILED", "statistics": "FAILED"}, output
    assert "visits_visit: " in output
    assert "indicator check_ins" in output
    assert "the owner's UPDATE on audit_auditevent was not refused by the trigger" in output
    assert "health_journalrecord was not" not in output
    assert leftovers(output) == []

"""The restore drill (README "Backups"), run by `scripts/restore-drill`.

It backs up a fresh database the way production does and proves that the backup restores:

1. the source: a new database, migrated and seeded with sites, demo accounts, a little demo
   data and health journals written through the real service (one with a known, made-up CPR
   number), its own CPR key ring and audit key, the app role granted, `verify_audit` clean;
2. the backup: `pg_dump --format=custom` of the database, and the two keys copied to a
   separate key backup (never into the dump; the drill checks the dump holds neither);
3. the restore: a new database, `pg_restore --no-owner --no-acl` as the owner, the keys
   restored from their backup to new paths, `grant_app_role` for a new app role;
4. the proof, each check printed as `ok` or `FAILED`: every table of the public schema has
   the same rows (count and content) as the original; the known journal's CPR number
   decrypts with the restored key ring (read by the app role through the journal service);
   `verify_audit --anchor` (the original's newest row) exits 0; UPDATE and DELETE on the
   audit trail and the journal are refused (the triggers for the owner, the missing rights
   for the app role); the statistics rebuilt from the restored visits equal the original's.

The source is dropped only at the end; every database, role and temporary file the drill
made is removed on exit (also on failure or SIGTERM). `--keep DIR` keeps the backup (dump,
key backup, what the source held) in DIR, and `--from DIR` restores and checks such a kept
backup again, e.g. after damaging it to see the drill fail.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/stofrum"
# Made up for the drill (a valid shape: 7 July 1961); never a real person's number.
KNOWN_CPR = "070761-4285"
DEMO_DATA = ["--persons", "60", "--days", "3", "--visits-per-day", "80"]
SUMMARY_TABLES = ("stats_visitday", "stats_municipalityday", "stats_substanceday",
                  "stats_hourday", "stats_waitday")
# table: (a column to "change", the column that picks one row)
APPEND_ONLY_TABLES = {"audit_auditevent": ("summary", "seq"),
                      "health_journalrecord": ("assessment", "written_at")}
INSUFFICIENT_PRIVILEGE = "42501"
VERBOSE = False  # --verbose: the whole error output of a failed command


class DrillError(Exception):
    """A step of the drill failed; the message says which and why."""


# --- Comparisons (pure, unit-tested in tests/ops/test_restore_drill.py) -------------------

def compare_tables(original: dict, restored: dict) -> list[str]:
    """Problems between two {table: [row count, content digest]} maps: a table missing on
    either side, another row count, or the same count with other content."""
    problems = []
    for table in sorted(original.keys() | restored.keys()):
        if table not in restored:
            problems.append(f"{table}: missing after the restore")
        elif table not in original:
            problems.append(f"{table}: not in the original")
        elif original[table][0] != restored[table][0]:
            problems.append(f"{table}: {original[table][0]} rows, restored "
                            f"{restored[table][0]}")
        elif original[table][1] != restored[table][1]:
            problems.append(f"{table}: {original[table][0]} rows, other content")
    return problems


def compare_statistics(original: dict, rebuilt: dict) -> list[str]:
    """Problems between two statistics snapshots ({"tables": {table: [rows]}, "summary":
    {indicator: value}}): a summary table with other rows, an indicator with another value."""
    problems = []
    tables_a, tables_b = original.get("tables", {}), rebuilt.get("tables", {})
    for table in sorted(tables_a.keys() | tables_b.keys()):
        rows_a, rows_b = sorted(tables_a.get(table, [])), sorted(tables_b.get(table, []))
        if rows_a != rows_b:
            only_a = len(set(rows_a) - set(rows_b))
            only_b = len(set(rows_b) - set(rows_a))
            problems.append(f"{table}: {len(rows_a)} rows, rebuilt {len(rows_b)} "
                            f"({only_a} only in the original, {only_b} only rebuilt)")
    summary_a, summary_b = original.get("summary", {}), rebuilt.get("summary", {})
    for name in sorted(summary_a.keys() | summary_b.keys()):
        if summary_a.get(name) != summary_b.get(name):
            problems.append(f"indicator {name}: {summary_a.get(name)!r}, rebuilt "
                            f"{summary_b.get(name)!r}")
    if not tables_a or not any(tables_a.values()):
        problems.append("the original has no statistics to compare")
    return problems


def parse_anchor(verify_output: str) -> str:
    """The `SEQ:HASH` anchor from verify_audit's output."""
    match = re.search(r"anchor (\d+:[0-9a-f]{64})", verify_output)
    if match is None:
        raise DrillError(f"verify_audit printed no anchor: {verify_output.strip()!r}")
    return match.group(1)


def tool_major(version_output: str) -> int:
    """The major version from `pg_dump --version` ("pg_dump (PostgreSQL) 15.20 ...")."""
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", version_output)
    if match is None:
        raise DrillError(f"unknown version: {version_output.strip()!r}")
    return int(match.group(1))


# --- PostgreSQL and the project's commands -------------------------------------------------

def with_database(server: str, name: str, role: str | None = None) -> str:
    parts = urlsplit(server)
    if role is not None:
        netloc = f"{role}@{parts.hostname}:{parts.port or 5432}"
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(command: list[str], env: dict | None = None, timeout: int = 300) -> str:
    """Run a command; its stdout, or DrillError with the end of its output."""
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                            timeout=timeout, check=False)
    if result.returncode != 0:
        if VERBOSE:
            print(result.stderr, file=sys.stderr)
        tail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-3:]
        named = " ".join(Path(part).name if part.startswith("/") else part
                         for part in command[:3])
        raise DrillError(f"{named} failed: {' | '.join(tail)}")
    return result.stdout


def django_env(database_url: str, keys: Path, var: Path) -> dict:
    """The environment of a Stofrum process on this database with these key files."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("STOFRUM_CPR_KEY", "STOFRUM_AUDIT_KEY", "STOFRUM_EVENT_BUS")}
    env.update(DATABASE_URL=database_url, STOFRUM_CPR_KEY_FILE=str(keys / "cpr.key"),
               STOFRUM_AUDIT_KEY_FILE=str(keys / "audit.key"), STOFRUM_VAR_DIR=str(var),
               DJANGO_SETTINGS_MODULE="stofrum.settings", STOFRUM_DEMO="true",
               SECRET_KEY="restore-drill-only")  # noqa: S106
    return env


def manage(env: dict, *args: str) -> str:
    return run([sys.executable, "manage.py", *args], env)


def step(env: dict, name: str, *args: str) -> dict:
    """Run one of the Django steps below in its own process (settings come from `env`)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        run([sys.executable, __file__, "_step", name, str(out), *args], env)
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def connect(url: str, autocommit: bool = False):
    import psycopg

    return psycopg.connect(url, autocommit=autocommit)


def table_digests(url: str) -> dict:
    """{table: [row count, md5 of its rows in text form]} for every table of the public
    schema."""
    from psycopg import sql

    digests = {}
    with connect(url) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for table in tables:
            count, digest = conn.execute(sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), "
                "'')) FROM public.{} t").format(sql.Identifier(table))).fetchone()
            digests[table] = [count, digest]
    return digests


def summary_rows(url: str) -> dict:
    """{summary table: [each row as JSON without its id]}."""
    from psycopg import sql

    with connect(url) as conn:
        return {table: sorted(row for (row,) in conn.execute(sql.SQL(
            "SELECT (to_jsonb(t) - 'id')::text FROM public.{} t").format(
                sql.Identifier(table))))
                for table in SUMMARY_TABLES}


def refusal(url: str, statement) -> tuple[str, str] | None:
    """(SQLSTATE, message) when the database refuses the statement, else None; rolled back
    either way."""
    import psycopg

    with connect(url) as conn:
        try:
            conn.execute(statement)
        except psycopg.Error as exc:
            return exc.sqlstate or "", str(exc).splitlines()[0]
        finally:
            conn.rollback()
    return None


# --- Steps that run inside Django (one process per database and key set) -----------------

def step_journals() -> dict:
    """Write journals through the journal service: one with KNOWN_CPR, an addendum to it,
    one with a fictitious number."""
    from stofrum.health import services
    from stofrum.health.choices import DisclosureConsent
    from stofrum.sites.models import Site
    from stofrum.staff.models import StaffMember

    nurse = StaffMember.objects.get(username="health")
    site = Site.objects.get(slug="h17")
    incident = services.raise_alarm(nurse, site)
    journal = services.write_journal(
        nurse, incident, disclosure_consent=DisclosureConsent.GIVEN,
        assessment="Restore drill: breathing slow.", treatment="Restore drill: oxygen.",
        cpr_number=KNOWN_CPR)
    services.write_journal(nurse, incident, disclosure_consent=DisclosureConsent.GIVEN,
                           assessment="Restore drill: addendum.", treatment="None more.",
                           addendum_to=journal)
    other = services.raise_alarm(nurse, site)
    services.write_journal(nurse, other, disclosure_consent=DisclosureConsent.NOT_ASKED,
                           assessment="Restore drill: dizzy.", treatment="Observed.",
                           fictitious=True, birth_date=date(1980, 1, 1), gender="female")
    return {"journal": str(journal.pk), "cpr": KNOWN_CPR}


def step_reveal(journal_id: str) -> dict:
    """The journal's CPR number as health staff see it revealed, and how many stored CPR
    numbers the key ring decrypts."""
    from stofrum.health import services, vault
    from stofrum.health.models import JournalRecord, PatientIdentifier
    from stofrum.staff.models import StaffMember

    nurse = StaffMember.objects.get(username="health")
    shown = services.read_journal(nurse, JournalRecord.objects.get(pk=journal_id),
                                  reveal=True, reason="restore drill")
    decrypted = 0
    for blob in PatientIdentifier.objects.values_list("ciphertext", flat=True):
        vault.decrypt_cpr(bytes(blob))
        decrypted += 1
    return {"cpr": shown["cpr"], "decrypted": decrypted}


def step_statistics(day_from: str = "", day_to: str = "") -> dict:
    """The statistics as the app shows them (every indicator over the visits' days); the
    days are those of the visits unless given."""
    from django.db.models import Max, Min

    from stofrum.sites.models import Site
    from stofrum.stats import indicators
    from stofrum.stats.summaries import local_day
    from stofrum.visits.models import Visit

    if not day_from:
        span = Visit.objects.aggregate(first=Min("checked_in_at"), last=Max("checked_in_at"))
        if span["first"] is None:
            raise DrillError("there are no visits")
        day_from, day_to = local_day(span["first"]).isoformat(), local_day(
            span["last"]).isoformat()
    summary = indicators.summary(Site.objects.order_by("pk"), date.fromisoformat(day_from),
                                 date.fromisoformat(day_to))
    return {"days": [day_from, day_to], "summary": json.loads(json.dumps(summary, default=str))}


STEPS = {"journals": step_journals, "reveal": step_reveal, "statistics": step_statistics}


def run_step(name: str, out: str, args: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    Path(out).write_text(json.dumps(STEPS[name](*args)))


# --- The drill ----------------------------------------------------------------------------

class Drill:
    def __init__(self, server: str, work: Path, scratch: Path):
        self.server = server
        self.work = work  # the backup: backup/stofrum.dump, key-backup/, expected.json
        self.scratch = scratch  # the live keys, var directories, restored keys
        prefix = (urlsplit(server).path.lstrip("/") or "stofrum")[:30]
        token = secrets.token_hex(4)
        self.source = f"{prefix}_drill_{token}_source"
        self.target = f"{prefix}_drill_{token}_target"
        self.role = f"{prefix}_drill_{token}_app"
        self.made_databases: list[str] = []
        self.made_role = False
        self.failures: list[str] = []

    # paths
    @property
    def dump(self) -> Path:
        return self.work / "backup" / "stofrum.dump"

    @property
    def key_backup(self) -> Path:
        return self.work / "key-backup"

    @property
    def expected(self) -> Path:
        return self.work / "expected.json"

    def url(self, name: str, role: str | None = None) -> str:
        return with_database(self.server, name, role)

    def admin(self, statement: str) -> None:
        with connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(statement)

    def create_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made_databases.append(name)
        self.admin(f'CREATE DATABASE "{name}"')

    def create_role(self) -> None:
        self.made_role = True
        self.admin(f'CREATE ROLE "{self.role}" LOGIN')

    def clean_up(self) -> None:
        for name in self.made_databases:
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if self.made_role:
            self.admin(f'DROP ROLE IF EXISTS "{self.role}"')

    def check(self, name: str, action) -> bool:
        try:
            detail = action()
        except (DrillError, subprocess.SubprocessError, OSError, ValueError) as exc:
            self.failures.append(name)
            print(f"FAILED {name}: {exc}", flush=True)
            return False
        except Exception as exc:  # psycopg's errors: reported as a failed check
            self.failures.append(name)
            print(f"FAILED {name}: {type(exc).__name__}: {exc}", flush=True)
            return False
        print(f"ok     {name}: {detail}", flush=True)
        return True

    # 0. the tools
    def tools(self) -> str:
        dump = tool_major(run(["pg_dump", "--version"]))
        restore = tool_major(run(["pg_restore", "--version"]))
        with connect(self.url("postgres")) as conn:
            server = int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000
        if dump < server:
            raise DrillError(f"pg_dump {dump} cannot dump server {server}")
        if restore != dump:
            raise DrillError(f"pg_restore {restore} and pg_dump {dump} differ")
        return f"pg_dump {dump}, pg_restore {restore}, server {server}"

    # 1-2. the source and its backup
    def back_up(self) -> str:
        live_keys, var = self.scratch / "source-keys", self.scratch / "var-source"
        env = django_env(self.url(self.source), live_keys, var)
        self.create_database(self.source)
        for command in (["migrate", "--noinput"], ["create_cpr_key"], ["seed_sites"],
                        ["seed_demo_accounts"], ["demo_data", *DEMO_DATA]):
            manage(env, *command)
        journals = step(env, "journals")
        statistics = step(env, "statistics")
        statistics["tables"] = summary_rows(self.url(self.source))
        self.create_role()
        manage(env, "grant_app_role", self.role)
        anchor = parse_anchor(manage(env, "verify_audit"))
        tables = table_digests(self.url(self.source))

        self.dump.parent.mkdir(parents=True)
        run(["pg_dump", "--format=custom", f"--file={self.dump}",
             f"--dbname={self.url(self.source)}"])
        self.key_backup.mkdir()
        for key in ("cpr.key", "audit.key"):
            shutil.copy2(live_keys / key, self.key_backup / key)
        self.expected.write_text(json.dumps({
            "journal": journals["journal"], "cpr": journals["cpr"], "anchor": anchor,
            "tables": tables, "statistics": statistics}))
        rows = sum(count for count, _ in tables.values())
        return (f"{self.source}: {len(tables)} tables, {rows} rows, audit anchor "
                f"{anchor.split(':')[0]}; dump {self.dump.stat().st_size} bytes; keys "
                f"backed up apart in {self.key_backup.name}/")

    # 3-4. restore and prove
    def keys_apart(self) -> str:
        """Neither key is in the dump (its SQL, decompressed, holds no key material)."""
        sql_text = run(["pg_restore", "--file=-", str(self.dump)])
        ring = json.loads((self.key_backup / "cpr.key").read_text())
        secrets_ = [*ring["keys"].values(), ring["hash_key"],
                    (self.key_backup / "audit.key").read_text().strip()]
        if any(secret in sql_text for secret in secrets_):
            raise DrillError("a key is in the database dump")
        return "the dump holds neither the CPR key ring nor the audit key"

    def restore(self, restored_keys: Path) -> str:
        self.create_database(self.target)
        run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error",
             "--single-transaction", f"--dbname={self.url(self.target)}", str(self.dump)])
        restored_keys.mkdir(mode=0o700)
        for key in ("cpr.key", "audit.key"):
            shutil.copy2(self.key_backup / key, restored_keys / key)
        return f"{self.target} from {self.dump.name}; keys restored to {restored_keys.name}/"

    def same_tables(self, expected: dict) -> str:
        restored = table_digests(self.url(self.target))
        problems = compare_tables(expected["tables"], restored)
        if problems:
            raise DrillError("; ".join(problems[:5]))
        rows = sum(count for count, _ in restored.values())
        return f"{len(restored)} tables, {rows} rows, each with the same rows"

    def app_role(self, owner_env: dict) -> str:
        if not self.made_role:
            self.create_role()
        return manage(owner_env, "grant_app_role", self.role).strip()

    def cpr(self, app_env: dict, expected: dict) -> str:
        shown = step(app_env, "reveal", expected["journal"])
        if shown["cpr"] != expected["cpr"]:
            raise DrillError(f"the journal's CPR number decrypted to {shown['cpr']!r}")
        return (f"journal {expected['journal'][:8]} shows {shown['cpr']} to the app role; "
                f"{shown['decrypted']} stored CPR numbers decrypt")

    def audit(self, app_env: dict, expected: dict) -> str:
        return manage(app_env, "verify_audit", "--anchor", expected["anchor"]).strip()

    def append_only(self) -> str:
        from psycopg.sql import SQL, Identifier

        owner, app = self.url(self.target), self.url(self.target, self.role)
        problems = []
        for table, (changed, column) in APPEND_ONLY_TABLES.items():
            names = {"table": Identifier(table), "changed": Identifier(changed),
                     "column": Identifier(column)}
            with connect(owner) as conn:
                if not conn.execute(SQL("SELECT count(*) FROM {table}").format(**names)
                                    ).fetchone()[0]:
                    problems.append(f"{table} is empty")
                    continue
            one = SQL("(SELECT {column} FROM {table} ORDER BY {column} LIMIT 1)").format(**names)
            statements = {
                "UPDATE": SQL("UPDATE {table} SET {changed} = 'x' WHERE {column} = {one}"),
                "DELETE": SQL("DELETE FROM {table} WHERE {column} = {one}")}
            for verb, statement in statements.items():
                statement = statement.format(**names, one=one)
                by_trigger = refusal(owner, statement)
                if by_trigger is None or "append-only" not in by_trigger[1]:
                    problems.append(f"the owner's {verb} on {table} was not refused by the "
                                    f"trigger ({by_trigger})")
                by_rights = refusal(app, statement)
                if by_rights is None or by_rights[0] != INSUFFICIENT_PRIVILEGE:
                    problems.append(f"the app role's {verb} on {table} was not refused "
                                    f"({by_rights})")
            truncate = refusal(app, SQL("TRUNCATE {table}").format(**names))
            if truncate is None or truncate[0] != INSUFFICIENT_PRIVILEGE:
                problems.append(f"the app role's TRUNCATE on {table} was not refused")
        if problems:
            raise DrillError("; ".join(problems))
        return ("UPDATE and DELETE refused on " + ", ".join(APPEND_ONLY_TABLES)
                + " (the owner by the triggers; the app role has no right, nor to TRUNCATE)")

    def statistics(self, owner_env: dict, expected: dict) -> str:
        from psycopg.sql import SQL, Identifier

        original = expected["statistics"]
        with connect(self.url(self.target)) as conn:
            for table in (*SUMMARY_TABLES, "stats_staleday"):
                conn.execute(SQL("DELETE FROM {}").format(Identifier(table)))
        manage(owner_env, "rebuild_statistics")
        rebuilt = step(owner_env, "statistics", *original["days"])
        rebuilt["tables"] = summary_rows(self.url(self.target))
        problems = compare_statistics(original, rebuilt)
        if problems:
            raise DrillError("; ".join(problems[:5]))
        rows = sum(len(rows) for rows in rebuilt["tables"].values())
        return (f"emptied and rebuilt from the visits: {rows} summary rows and "
                f"{len(rebuilt['summary'])} indicators ({original['days'][0]} to "
                f"{original['days'][1]}, {rebuilt['summary']['check_ins']} check-ins) equal "
                f"the original's")

    def restore_and_prove(self) -> None:
        expected = json.loads(self.expected.read_text())
        restored_keys, var = self.scratch / "restored-keys", self.scratch / "var-target"
        owner_env = django_env(self.url(self.target), restored_keys, var)
        app_env = django_env(self.url(self.target, self.role), restored_keys, var)
        self.check("keys apart", self.keys_apart)
        if not self.check("restore", lambda: self.restore(restored_keys)):
            return
        # Before anything writes to the restored database (grant_app_role is audited).
        self.check("same rows", lambda: self.same_tables(expected))
        if not self.check("app role", lambda: self.app_role(owner_env)):
            return
        self.check("cpr decrypts", lambda: self.cpr(app_env, expected))
        self.check("audit chain", lambda: self.audit(app_env, expected))
        self.check("append-only", self.append_only)
        self.check("statistics", lambda: self.statistics(owner_env, expected))


def main(argv: list[str]) -> int:
    if argv[:1] == ["_step"]:
        run_step(argv[1], argv[2], argv[3:])
        return 0
    parser = argparse.ArgumentParser(
        prog="scripts/restore-drill",
        description="Back up a database with demo data and journals, restore it into a "
                    "fresh database and prove the restore (README \"Backups\").")
    parser.add_argument("--server", default=None,
                        help="PostgreSQL URL; its database name prefixes the drill's "
                             f"databases (default: DATABASE_URL if PostgreSQL, else "
                             f"{DEFAULT_SERVER})")
    parser.add_argument("--keep", type=Path,
                        help="keep the backup (dump, key backup, expected.json) in this new "
                             "directory")
    parser.add_argument("--from", dest="kept", type=Path,
                        help="restore and check a backup kept by --keep instead of making one")
    parser.add_argument("--verbose", action="store_true",
                        help="print the whole error output of a command that fails")
    options = parser.parse_args(argv)
    global VERBOSE
    VERBOSE = options.verbose
    server = options.server or os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        server = DEFAULT_SERVER
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    scratch = Path(tempfile.mkdtemp(prefix="stofrum-restore-drill-"))
    if options.kept:
        work = options.kept
    elif options.keep:
        work = options.keep
        work.mkdir(parents=True)
    else:
        work = scratch / "backup-site"
        work.mkdir()
    drill = Drill(server, work, scratch)
    try:
        if not drill.check("tools", drill.tools):
            return 1
        if not options.kept and not drill.check("backup", drill.back_up):
            return 1
        drill.restore_and_prove()
    finally:
        drill.clean_up()
        shutil.rmtree(scratch, ignore_errors=True)
    if drill.failures:
        print(f"restore drill FAILED: {', '.join(drill.failures)}")
        return 1
    print("restore drill passed: the backup restores")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

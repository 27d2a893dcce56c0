"""What the benchmarks share: a PostgreSQL database of their own with Django set up on it,
and writing their section of docs/performance.md."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PERFORMANCE = ROOT / "docs" / "performance.md"
PREAMBLE = ("# Performance\n\nMeasured on the project's machine (2 cores, 24 GiB, PostgreSQL "
            "15 on localhost) by the scripts in `bench/`; `make bench` runs them all.\n\n")


def setup_django(db: str, reset: bool, **environment) -> None:
    """Create (or with `reset`, recreate) the database `db`, point Django at it, migrate."""
    import psycopg

    with psycopg.connect(f"{BASE}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
        if reset and exists:
            conn.execute(f'DROP DATABASE "{db}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{db}"')
    os.environ.update(DATABASE_URL=f"{BASE}/{db}", DJANGO_SETTINGS_MODULE="stofrum.settings",
                      STOFRUM_LOG_LEVEL="WARNING", STOFRUM_EVENT_BUS="inprocess",
                      STOFRUM_VAR_DIR=str(ROOT / "var" / "bench"), **environment)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from io import StringIO

    call_command("create_cpr_key", if_missing=True, stdout=StringIO())  # never made silently


def write_section(heading: str, lines: list[str]) -> None:
    """Replace (or append) the section under `heading` in docs/performance.md."""
    section = "\n".join([heading, "", *lines]).rstrip("\n") + "\n\n"
    text = PERFORMANCE.read_text() if PERFORMANCE.exists() else PREAMBLE
    if heading in text:
        start = text.index(heading)
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[end + 1:] if end != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    text = text.rstrip("\n") + "\n"
    PERFORMANCE.parent.mkdir(exist_ok=True)
    PERFORMANCE.write_text(text)

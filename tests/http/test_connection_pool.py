"""The app keeps a pool of open connections when STOFRUM_DB_POOL is set (the served app of
these tests sets it on PostgreSQL, tests/http/conftest.py): a request takes a connection
that stays open after it, instead of opening and closing one of its own."""

from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.http.conftest import call

pytestmark = pytest.mark.postgres


def app_connections(database_url: str) -> set[int]:
    """The server processes of the app's open connections to its database (not the event
    bus's listening one)."""
    parts = urlsplit(database_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s "
            "AND backend_type = 'client backend' AND query NOT ILIKE 'LISTEN%%'",
            [parts.path.lstrip("/")]).fetchall()
    return {pid for (pid,) in rows}


def test_requests_reuse_the_pools_open_connections(http_server, http_server_env):
    pool = int(http_server_env["STOFRUM_DB_POOL"])
    database = http_server_env["DATABASE_URL"]
    used = set()
    for _ in range(20):
        assert call(http_server, "GET", "/api/v1/sites")[0] == 200
        open_now = app_connections(database)
        assert open_now, "no connection stayed open: each request opened its own"
        used |= open_now
    assert len(used) <= pool

"""Which database errors answer 503 `database_unavailable` (stofrum/database_unavailable.py):
a connection that failed, told by the driver's error even in a thread that holds no
connection (Django answers an exception that left an async view in another thread); a
statement the server refused stays a 500."""

import threading

import psycopg
import pytest
from django.db import InterfaceError, OperationalError

from stofrum.database_unavailable import is_unreachable


def as_django(error: Exception, kind=OperationalError) -> Exception:
    """`error` as Django raises it: its own class, the driver's error as the cause."""
    try:
        raise kind(*error.args) from error
    except kind as wrapped:
        return wrapped


def in_a_thread_without_connections(exc) -> bool:
    answer = []
    thread = threading.Thread(target=lambda: answer.append(is_unreachable(exc)))
    thread.start()
    thread.join(10)
    return answer[0]


def refused_connection() -> psycopg.OperationalError:
    try:
        psycopg.connect("host=127.0.0.1 port=1 dbname=stofrum connect_timeout=5").close()
    except psycopg.OperationalError as error:
        return error
    raise AssertionError("something listens on port 1")


def test_a_connection_the_server_refused_is_unreachable():
    assert in_a_thread_without_connections(as_django(refused_connection()))


@pytest.mark.parametrize("error", [
    psycopg.OperationalError("consuming input failed: server closed the connection "
                             "unexpectedly"),
    psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
    psycopg.errors.CannotConnectNow("the database system is starting up"),
    psycopg.errors.ConnectionFailure("connection failure"),
])
def test_a_connection_lost_or_a_server_going_away_is_unreachable(error):
    assert in_a_thread_without_connections(as_django(error))


def test_a_closed_connection_is_unreachable():
    error = psycopg.InterfaceError("the connection is closed")
    assert in_a_thread_without_connections(as_django(error, InterfaceError))


@pytest.mark.parametrize("error", [
    psycopg.errors.DeadlockDetected("deadlock detected"),
    psycopg.errors.LockNotAvailable("could not obtain lock"),
    psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
])
def test_a_statement_the_server_refused_is_not(error):
    assert not in_a_thread_without_connections(as_django(error))


def test_only_database_errors_count():
    assert not in_a_thread_without_connections(RuntimeError("connection failed"))
    assert not in_a_thread_without_connections(None)

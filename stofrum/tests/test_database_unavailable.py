"""Which database errors answer 503 `database_unavailable` (stofrum/database_unavailable.py):
a connection that failed, told by the driver's error even in a thread that holds no
connection (Django answers an exception that left an async view in another thread); a
statement the server refused stays a 500."""

import logging
import threading

import psycopg
import pytest
from django.db import InterfaceError, OperationalError
from django.db.utils import ConnectionHandler
from django.test import Client
from django.urls import path

from stofrum import database_unavailable
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


# --- How an outage is logged ----------------------------------------------------------

def database_away(request):
    """A view whose database does not answer: nothing listens where it connects."""
    away = ConnectionHandler({"default": {
        "ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1", "PORT": 1,
        "NAME": "stofrum", "USER": "stofrum", "PASSWORD": "not-in-any-log",
        "OPTIONS": {"connect_timeout": 5}}})["default"]
    try:
        away.ensure_connection()
    finally:
        away.close()


urlpatterns = [path("staff/database-away/", database_away)]
handler500 = "stofrum.views.server_error"


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_outage_logs_a_short_warning_now_and_then_without_traceback(caplog, monkeypatch):
    monkeypatch.setattr(database_unavailable, "_reports", database_unavailable._Reports())
    monkeypatch.setattr(database_unavailable, "REPORT_EVERY_SECONDS", 3600)
    client = Client(raise_request_exception=False)
    caplog.set_level(logging.INFO)

    def outage_lines():
        assert all(r.exc_info is None and r.levelno < logging.ERROR for r in caplog.records)
        assert "not-in-any-log" not in caplog.text and "Traceback" not in caplog.text
        return [r.getMessage() for r in caplog.records if r.name == "stofrum.database"]

    for _ in range(3):
        response = client.get("/staff/database-away/?alias=secret")
        assert response.status_code == 503
    assert outage_lines() == [
        "database unavailable (OperationalError): answered 503 to 1 request(s) since the"
        " last report, the latest GET /staff/database-away/"
    ]
    assert [r.levelno for r in caplog.records if r.name == "stofrum.database"] == [
        logging.WARNING]

    monkeypatch.setattr(database_unavailable, "REPORT_EVERY_SECONDS", 0)
    assert client.get("/staff/database-away/").status_code == 503
    assert outage_lines()[1:] == [
        "database unavailable (OperationalError): answered 503 to 3 request(s) since the"
        " last report, the latest GET /staff/database-away/"
    ]

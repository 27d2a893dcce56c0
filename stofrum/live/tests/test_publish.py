"""On PostgreSQL a use case's event travels inside its transaction: delivered exactly when
the change commits, even if the process dies right after the COMMIT, and never for a change
rolled back."""

import json

import psycopg
import pytest
from django.db import connection, transaction

from stofrum.live.bus import CHANNEL, conninfo_from_django
from stofrum.live.publish import publish_after_commit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Crash(Exception):
    """The process dying: nothing after the point it is raised runs."""


@pytest.fixture
def listener():
    """A second connection LISTENing on the bus's channel, as every process's bus does."""
    with psycopg.connect(conninfo_from_django(), autocommit=True) as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        yield conn


def received(listener, timeout: float, count: int = 1) -> list[dict]:
    return [json.loads(n.payload)
            for n in listener.notifies(timeout=timeout, stop_after=count)]


def test_the_event_commits_with_the_change_even_if_nothing_runs_after_the_commit(listener):
    with pytest.raises(Crash), transaction.atomic():
        publish_after_commit("h17", "alarm", {"incident": 7})
        assert received(listener, timeout=0.2) == []  # not before the commit either
        connection.connection.commit()  # COMMIT reaches the server...
        raise Crash  # ...and the process dies: Django never sees its commit
    assert received(listener, timeout=10) == [
        {"site": "h17", "event": "alarm", "data": {"incident": 7}}
    ]


def test_an_event_of_a_rolled_back_change_is_never_delivered(listener):
    with transaction.atomic():
        publish_after_commit("h17", "board", {"rolled": "back"})
        transaction.set_rollback(True)
    with transaction.atomic():
        with transaction.atomic():  # a savepoint rolled back inside a committed change
            publish_after_commit("h17", "board", {"savepoint": "rolled back"})
            transaction.set_rollback(True)
        publish_after_commit("h17", "alarm", {"incident": 9})
    publish_after_commit("h17", "alarm_closed", {"incident": 9})  # autocommit: at once
    assert received(listener, timeout=10, count=2) == [
        {"site": "h17", "event": "alarm", "data": {"incident": 9}},
        {"site": "h17", "event": "alarm_closed", "data": {"incident": 9}},
    ]


def test_oversized_data_is_dropped_not_the_event_nor_the_change(listener):
    with transaction.atomic():
        publish_after_commit("h17", "board", {"blob": "x" * 10_000})
    assert received(listener, timeout=10) == [{"site": "h17", "event": "board", "data": {}}]

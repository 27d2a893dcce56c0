"""Liveness and readiness (API.md, "Reliability"), and which database errors count as the
database not answering (only those answer 503; a refused query stays a bug)."""

import pytest
from django.db import OperationalError, connection, transaction

from stofrum.database_unavailable import is_unreachable

pytestmark = pytest.mark.django_db


def test_ready_when_the_database_and_the_event_bus_answer(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok", "event_bus": "ok"}
    assert "no-cache" in answer["Cache-Control"]


def test_liveness_asks_nothing_else(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_a_query_the_database_refuses_is_not_the_database_being_unreachable():
    if connection.vendor == "postgresql":
        statement = "SET LOCAL statement_timeout = 1; SELECT pg_sleep(1)"
    else:
        statement = "SELECT * FROM no_such_table"
    with pytest.raises(OperationalError) as info, transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(statement)
    assert not is_unreachable(info.value)
    assert not is_unreachable(ValueError("not a database error"))

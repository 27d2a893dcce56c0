"""Several statements in one round trip (stofrum/round_trip.py): in order, each one's rows,
the first failure raised; on PostgreSQL each statement prepared once per connection."""

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from stofrum.round_trip import run_together
from stofrum.sites.models import Site

pytestmark = pytest.mark.django_db


def test_each_statement_answers_its_own_rows_in_order(sites):
    slugs = sorted(Site.objects.values_list("slug", flat=True))
    first, nothing, second = run_together([
        ("SELECT slug FROM sites_site WHERE slug = %s", ["h17"]),
        ("UPDATE sites_site SET name = name WHERE slug = %s", ["nowhere"]),
        ("SELECT slug FROM sites_site ORDER BY slug", None),
    ])
    assert first == [("h17",)] and nothing is None
    assert [slug for (slug,) in second] == slugs


def prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.postgres
def test_a_statement_is_prepared_once_per_connection(sites):
    statement = ("SELECT count(*) FROM sites_site WHERE slug <> %s", ["nowhere"])
    with CaptureQueriesContext(connection) as first:
        assert run_together([statement]) == [[(5,)]]
    with CaptureQueriesContext(connection) as again:
        assert run_together([statement]) == [[(5,)]]
    assert "PREPARE " in first.captured_queries[0]["sql"]
    assert "PREPARE " not in again.captured_queries[0]["sql"]
    assert again.captured_queries[0]["sql"].startswith("EXECUTE stofrum_")
    assert any(name.startswith("stofrum_") for name in prepared_names())


@pytest.mark.postgres
def test_after_a_failure_that_prepared_the_next_round_trip_prepares_afresh(sites):
    failing = ("SELECT 1 / (count(*) - count(*)) FROM sites_site WHERE slug = %s", ["h17"])
    count = ("SELECT count(*) FROM sites_site WHERE slug = %s", ["h17"])
    with pytest.raises(DataError), transaction.atomic():
        run_together([count, failing])  # prepared both, then failed on the second
    # Which PREPAREs ran is unknown after a failure: the next names are new ones, so
    # none is prepared twice ("prepared statement already exists").
    assert run_together([count, count]) == [[(1,)], [(1,)]]

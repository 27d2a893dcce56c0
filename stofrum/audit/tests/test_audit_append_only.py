"""The audit trail is append-only: the application refuses to change or remove an event,
and on PostgreSQL so does the database, even for raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from stofrum.audit.models import AppendOnlyError, AuditEvent
from stofrum.audit.services import record


@pytest.fixture
def event(db):
    return record(None, "test.original", summary="as written")


def assert_unchanged(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.summary) == ("test.original", "as written")


def test_saving_an_existing_event_is_refused(event):
    event.summary = "rewritten"

    with pytest.raises(AppendOnlyError):
        event.save()

    assert_unchanged(event)


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()

    assert_unchanged(event)


def test_queryset_update_is_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")

    assert_unchanged(event)


def test_queryset_delete_is_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()

    assert_unchanged(event)


def test_bulk_update_is_refused(event):
    event.summary = "rewritten"

    # bulk_update runs in its own atomic block; the savepoint keeps the test's usable.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["summary"])

    assert_unchanged(event)


def test_new_events_are_still_written(event):
    second = record(None, "test.second")

    assert AuditEvent.objects.filter(pk__in=[event.pk, second.pk]).count() == 2


def run_sql(sql: str, params=None) -> None:
    # In a savepoint, so that the test's transaction survives the refusal.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.postgres
def test_database_refuses_a_raw_update(event):
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("UPDATE audit_auditevent SET summary = %s WHERE id = %s",
                ["rewritten", event.pk])

    assert_unchanged(event)


@pytest.mark.postgres
def test_database_refuses_a_raw_delete(event):
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("DELETE FROM audit_auditevent")

    assert_unchanged(event)

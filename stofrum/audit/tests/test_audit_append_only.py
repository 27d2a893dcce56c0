"""The audit trail is append-only: the application refuses to change or remove an event,
and so does the database (PostgreSQL and SQLite), even for raw SQL."""

import pytest
from django.db import DatabaseError, connection, models, transaction

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


def test_database_refuses_a_raw_update(event):
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("UPDATE audit_auditevent SET summary = %s WHERE id = %s",
                ["rewritten", event.pk])

    assert_unchanged(event)


def test_database_refuses_a_raw_delete(event):
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("DELETE FROM audit_auditevent")

    assert_unchanged(event)


def test_database_refuses_an_update_the_model_guard_misses(event):
    # _base_manager bypasses the queryset guard; the database still refuses.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        models.QuerySet(AuditEvent).filter(pk=event.pk).update(summary="rewritten")

    assert_unchanged(event)


def test_database_refuses_a_delete_the_model_guard_misses(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        models.QuerySet(AuditEvent).filter(pk=event.pk)._raw_delete(connection.alias)

    assert_unchanged(event)


@pytest.mark.django_db(transaction=True)
def test_a_test_database_flush_still_empties_the_trail():
    # Flushing between transactional tests deletes rows on SQLite (TRUNCATE on PostgreSQL);
    # the root conftest lets only that flush past the triggers.
    record(None, "test.flushed")
    from django.core.management import call_command
    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEvent.objects.exists()
    record(None, "test.after_flush")
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("DELETE FROM audit_auditevent")

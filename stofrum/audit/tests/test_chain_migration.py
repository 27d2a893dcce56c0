"""Upgrading seals the events already written (audit migration 0005), in the order they were
written, so `verify_audit` passes right after the upgrade."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.audit.services import record, verify_chain

BEFORE = ("audit", "0004_sqlite_append_only_trigger")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.mark.django_db(transaction=True)
def test_existing_events_are_sealed_in_order():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("audit")[0]
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for n in range(5):
                cursor.execute(
                    "INSERT INTO audit_auditevent (at, actor_username, action, object_type, "
                    "object_id, request_id, summary, changes, client_address) VALUES "
                    "(%s, '', 'test.old', '', %s, '', %s, %s, '10.0.0.1')",
                    [timezone.now(), str(n), f"old {n}", '{"n": [1, 2.5]}'])
    finally:
        migrate(latest)

    assert list(AuditEvent.objects.order_by("id").values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert verify_chain().whole
    record(None, "test.new")
    verdict = verify_chain()
    assert verdict.whole and verdict.rows == 6

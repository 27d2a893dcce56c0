"""The audit trail becomes a hash chain (stofrum/audit/chain.py): every event gets a sequence
number and an HMAC of its content and the previous event's hash. The events already written
are sealed here in the order they were written (by id), so `verify_audit` passes right after
the upgrade. The append-only triggers are lifted for that one step only (the owner runs
migrations) and put back; on SQLite they are made again after the table is rebuilt."""

import importlib

import django.utils.timezone
from django.db import migrations, models

from stofrum.audit import chain

sqlite_triggers = importlib.import_module(
    "stofrum.audit.migrations.0004_sqlite_append_only_trigger")
PG_TRIGGER = "audit_event_append_only"
BATCH = 2000


def lift_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {PG_TRIGGER}")
    elif schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_triggers.DROP:
            schema_editor.execute(statement)


def restore_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {PG_TRIGGER}")
    elif schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_triggers.CREATE:
            schema_editor.execute(statement)


def seal_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    events = AuditEvent.objects.filter(seq__isnull=True).order_by("id")
    if not events.exists():
        return
    secret = chain.key()
    seq, previous, after = 0, "", 0
    while True:
        batch = list(events.filter(id__gt=after)
                     .values("id", *chain.HASHED_FIELDS)[:BATCH])
        if not batch:
            break
        updates = []
        for row in batch:
            seq += 1
            previous = chain.row_hash(secret, seq, previous, row)
            updates.append((seq, previous, row["id"]))
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE audit_auditevent SET seq = %s, chain_hash = %s WHERE id = %s", updates)
        after = batch[-1]["id"]


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_sqlite_append_only_trigger'),
    ]

    operations = [
        migrations.RunPython(lift_triggers, restore_triggers),
        migrations.AddField(
            model_name='auditevent',
            name='chain_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='chain hash'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(editable=False, null=True, unique=True, verbose_name='sequence number'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='time'),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(restore_triggers, lift_triggers),
    ]

"""Migration helpers shared by the apps."""

from django.db import migrations


def postgresql_only(sql: str, reverse_sql: str) -> migrations.RunPython:
    """Raw SQL (triggers, extensions, special indexes) that only PostgreSQL runs; SQLite,
    the embedded default, does without it."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql, params=None)

    return migrations.RunPython(forwards, backwards)


def sqlite_only(statements: list[str], reverse_statements: list[str]) -> migrations.RunPython:
    """Raw SQL that only SQLite runs, one statement per item (SQLite's driver runs one
    statement per call); PostgreSQL has its own in a `postgresql_only` operation."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in reverse_statements:
                schema_editor.execute(statement, params=None)

    return migrations.RunPython(forwards, backwards)

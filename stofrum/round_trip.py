"""Several SQL statements in one round trip to the database, for the hot paths (the door's
check-in, the audit chain) where each statement's wait for PostgreSQL costs more than the
statement itself, above all while other transactions queue behind a lock held meanwhile.

On PostgreSQL the statements, with their values bound in by the client, go as one simple
query: they run in order in the current transaction, and each takes its own
snapshot, so a statement that follows a lock sees what the lock's previous holder
committed, exactly as when sent one by one. The first that fails raises, the rest do not
run. On SQLite (in-process, no round trips) they run one after another.
"""

import psycopg
from django.db import connection


def run_together(statements) -> list[list[tuple] | None]:
    """Run `statements` ([(sql, params), ...], params a sequence or None; no literal `%` in
    the SQL) in order; each one's rows (None for one that returns none)."""
    results = []
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall() if cursor.description else None)
            return results
        if isinstance(cursor.cursor, psycopg.ClientCursor):  # Django's default
            # psycopg binds the values in itself and sends one simple query
            cursor.execute("; ".join(sql for sql, _ in statements),
                           [value for _, params in statements for value in params or ()])
        else:  # server-side binding takes one statement: bind the values in here
            compose = connection.ops.compose_sql
            cursor.execute("; ".join(compose(sql, params) for sql, params in statements))
        for index in range(len(statements)):
            if index:
                cursor.nextset()
            results.append(cursor.fetchall() if cursor.description else None)
    return results


def insert_statement(obj, *, returning=("pk",), expressions=None,
                     unless_conflict_on=()) -> tuple[str, list]:
    """An INSERT of model instance `obj` (every concrete field but an auto-incremented key,
    values prepared as Django's save prepares them) with RETURNING `returning` (field
    names). `expressions` maps a field name to (SQL, params) computed by the database
    instead of the instance's value. With `unless_conflict_on` (the field names of a unique
    constraint), a row that would repeat one is not inserted (nothing is returned)."""
    meta, quote = obj._meta, connection.ops.quote_name
    expressions = expressions or {}
    columns, values, params = [], [], []
    for field in meta.concrete_fields:
        if field.primary_key and field.db_returning:  # an auto-incremented key
            continue
        columns.append(quote(field.column))
        if field.name in expressions:
            sql, more = expressions[field.name]
            values.append(f"({sql})")
            params.extend(more)
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
           f"VALUES ({', '.join(values)})")
    if unless_conflict_on:
        sql += " ON CONFLICT ({}) DO NOTHING".format(", ".join(
            quote(meta.get_field(name).column) for name in unless_conflict_on))
    if returning:
        sql += " RETURNING " + ", ".join(
            quote(meta.pk.column if name == "pk" else meta.get_field(name).column)
            for name in returning)
    return sql, params

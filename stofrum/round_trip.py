"""Several SQL statements in one round trip to the database, for the hot paths (the door's
check-in, the audit chain) where each statement's wait for PostgreSQL costs more than the
statement itself, above all while other transactions queue behind a lock held meanwhile.

On PostgreSQL the statements, with their values bound in by the client, go as one simple
query: they run in order in the current transaction, and each takes its own
snapshot, so a statement that follows a lock sees what the lock's previous holder
committed, exactly as when sent one by one. The first that fails raises, the rest do not
run. Each is planned once per connection (PREPARE, then EXECUTE): with the pool of
connections of production (STOFRUM_DB_POOL) a connection serves many requests. On SQLite
(in-process, no round trips) they run one after another.
"""

import functools
import hashlib
import re
import weakref

import psycopg
from django.db import connection

# A statement PostgreSQL can prepare (PREPARE takes SELECT, INSERT, UPDATE, DELETE, and
# WITH before one of them; not SET, NOTIFY or LOCK).
_PREPARABLE = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)
# The most statements prepared on one connection (the hot paths have about a dozen).
MAX_PREPARED = 64


class _Prepared:
    """What one database connection has prepared: the statements' names, and a generation
    that changes after a round trip that prepared some failed (which of its PREPAREs ran
    is then unknown; the next names differ, so none is ever prepared twice)."""

    def __init__(self):
        self.generation = 0
        self.names: set[str] = set()


_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@functools.lru_cache(maxsize=MAX_PREPARED * 4)
def _digest(sql: str) -> str:
    return hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()


@functools.lru_cache(maxsize=MAX_PREPARED * 4)
def _numbered(sql: str) -> str:
    """psycopg's %s placeholders as PostgreSQL's $1, $2, ..."""
    count = iter(range(1, sql.count("%s") + 1))
    return re.sub("%s", lambda _: f"${next(count)}", sql)


def _as_prepared(statements, kept: _Prepared):
    """The statements as one simple query: each preparable one as EXECUTE of a statement
    this connection prepared (PREPARE first, in the same query, the first time), so that
    PostgreSQL plans it once per connection instead of on every run (measured: the
    door's check-in 4.4-4.7 → 3.8-3.9 ms, most of the difference planning). Returns the
    parts, their parameters, the names prepared now and which parts answer (not the
    PREPAREs)."""
    prepares, parts, params, new = [], [], [], []
    for sql, values in statements:
        values = list(values or ())
        if _PREPARABLE.match(sql) and len(kept.names) + len(new) < MAX_PREPARED:
            name = f"stofrum_{kept.generation}_{_digest(sql)}"
            if name not in kept.names and name not in new:
                prepares.append(f"PREPARE {name} AS {_numbered(sql)}")
                new.append(name)
            parts.append(f"EXECUTE {name}({', '.join(['%s'] * len(values))})"
                         if values else f"EXECUTE {name}")
        else:
            parts.append(sql)
        params.extend(values)
    return [*prepares, *parts], params, new, len(prepares)


def run_together(statements) -> list[list[tuple] | None]:
    """Run `statements` ([(sql, params), ...], params a sequence or None; no literal `%` in
    the SQL) in order; each one's rows (None for one that returns none). On PostgreSQL
    they are one round trip, each planned once per connection (PREPARE/EXECUTE)."""
    results = []
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall() if cursor.description else None)
            return results
        raw = cursor.cursor.connection
        kept = _prepared.setdefault(raw, _Prepared())
        parts, params, new, skip = _as_prepared(statements, kept)
        try:
            if isinstance(cursor.cursor, psycopg.ClientCursor):  # Django's default
                # psycopg binds the values in itself and sends one simple query
                cursor.execute("; ".join(parts), params)
            else:  # server-side binding takes one statement: bind the values in here
                compose = connection.ops.compose_sql
                cursor.execute(compose("; ".join(parts), params))
        except Exception:
            if new:
                kept.generation += 1
                kept.names.clear()
            raise
        kept.names.update(new)
        for index in range(len(parts)):
            if index:
                cursor.nextset()
            if index >= skip:
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

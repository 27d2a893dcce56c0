"""Loading many rows fast for synthetic data: COPY on PostgreSQL, executemany on SQLite.
Values are given per model field name and written as they are (no save(), no signals),
so derived fields must be filled in by the caller."""

from django.db import connection


def _filled(model, names):
    """The fields not given that may not be NULL and have a default: written with it."""
    given = {model._meta.get_field(n).name for n in names}
    return [f for f in model._meta.concrete_fields
            if f.name not in given and not f.primary_key and not f.null
            and (f.has_default() or (f.blank and f.empty_strings_allowed))]


def load(model, names, rows) -> int:
    """Insert `rows` (tuples in the order of `names`) into `model`'s table; other
    non-NULL fields with a default get it."""
    extra = _filled(model, names)
    defaults = tuple(f.get_default() for f in extra)
    fields = [model._meta.get_field(name) for name in names] + extra
    cols = [f.column for f in fields]
    rows = (tuple(row) + defaults for row in rows)
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in cols)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        # Table and column names come from the model, quoted; values are parameters.
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608
        batch = []
        for row in rows:
            batch.append([f.get_db_prep_value(v, connection, prepared=False)
                          for f, v in zip(fields, row, strict=True)])
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
        return count + len(batch)

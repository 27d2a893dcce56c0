"""The stamp of what the door keeps per process (stofrum/visits/door_config.py): one row
whose token a trigger renews, in the changing transaction, whenever a row of the sites'
opening hours, their intake methods (the links and the methods) or the substances is
inserted, updated or deleted (or the table truncated, on PostgreSQL). A new random token
each time, never a counter: a rolled-back change must not give out a token again."""

from django.db import migrations

from stofrum.migration_ops import postgresql_only, sqlite_only

TABLE = "visits_door_stamp"
WATCHED = ["sites_openinghours", "sites_site_intake_methods", "sites_intakemethod",
           "visits_substance"]

POSTGRES_CREATE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY CHECK (id = 1), token text NOT NULL);
INSERT INTO {TABLE} (id, token) VALUES (1, gen_random_uuid()::text) ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION visits_door_stamp_renew() RETURNS trigger AS $$
BEGIN
    UPDATE {TABLE} SET token = gen_random_uuid()::text WHERE id = 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
""" + "".join(f"""
DROP TRIGGER IF EXISTS visits_door_stamp ON {table};
CREATE TRIGGER visits_door_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION visits_door_stamp_renew();
""" for table in WATCHED)

POSTGRES_DROP = "".join(f"DROP TRIGGER IF EXISTS visits_door_stamp ON {table};\n"
                        for table in WATCHED) + f"""
DROP FUNCTION IF EXISTS visits_door_stamp_renew();
DROP TABLE IF EXISTS {TABLE};
"""

SQLITE_CREATE = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY CHECK (id = 1), "
    "token text NOT NULL)",
    f"INSERT OR IGNORE INTO {TABLE} (id, token) VALUES (1, lower(hex(randomblob(16))))",
] + [
    f"""CREATE TRIGGER IF NOT EXISTS {table}_door_stamp_{event.lower()}
    AFTER {event} ON {table}
    BEGIN UPDATE {TABLE} SET token = lower(hex(randomblob(16))) WHERE id = 1; END"""
    for table in WATCHED for event in ("INSERT", "UPDATE", "DELETE")
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_door_stamp_{event.lower()}"
    for table in WATCHED for event in ("INSERT", "UPDATE", "DELETE")
] + [f"DROP TABLE IF EXISTS {TABLE}"]


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0003_houserules"),
        ("visits", "0007_queue_number"),
    ]

    operations = [postgresql_only(POSTGRES_CREATE, POSTGRES_DROP),
                  sqlite_only(SQLITE_CREATE, SQLITE_DROP)]

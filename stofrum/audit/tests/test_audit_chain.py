"""The audit trail is a hash chain (issue 12): `verify_audit` finds a row changed, removed or
slipped in with raw SQL by whoever can lift the append-only triggers (the table's owner, a
database superuser), on SQLite and PostgreSQL."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from conftest import race
from stofrum.audit import chain
from stofrum.audit.models import AuditEvent
from stofrum.audit.services import record, verify_chain


def tamper(sql: str, params=None) -> None:
    """Raw SQL as the table's owner, the append-only triggers lifted for it."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred foreign-key check of the test's own writes.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
            return
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                       "AND tbl_name = 'audit_auditevent'")
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute(sql, params)
        for _name, trigger_sql in triggers:
            cursor.execute(trigger_sql)


def verify(*args) -> str:
    """verify_audit's output; CommandError (a non-zero exit) when the trail is broken."""
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def trail(db, cast):
    """Five events after the cast's own, with changes, a site and an address."""
    events = [record(cast["leader"], "test.step", site=cast["leader"].sites.first(),
                     summary=f"step {n}", changes={"n": [n, n + 1], "rate": 0.5, "big": 1e20})
              for n in range(5)]
    return events


def test_each_event_links_to_the_one_before(trail):
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))

    assert seqs == list(range(1, len(seqs) + 1))
    assert all(len(e.chain_hash) == 64 for e in AuditEvent.objects.all())
    output = verify()
    assert output.startswith(f"audit trail whole: {len(seqs)} rows (anchor {len(seqs)}:")


def test_a_changed_row_is_named(trail):
    target = trail[2]
    tamper("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["nothing", target.pk])

    with pytest.raises(CommandError, match=rf"event id {target.pk} \(row #{target.seq}\) was "
                                           "changed or forged"):
        verify()


def test_a_changed_actor_or_time_is_found(trail):
    target = trail[1]
    tamper("UPDATE audit_auditevent SET actor_id = NULL, actor_username = '' WHERE id = %s",
           [target.pk])

    assert f"event id {target.pk}" in verify_chain().problem


def test_a_row_removed_from_the_middle_is_named(trail):
    target = trail[2]
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])

    with pytest.raises(CommandError, match=rf"row #{target.seq} is missing \(the next row is "
                                           rf"#{target.seq + 1}, event id {trail[3].pk}\)"):
        verify()


def test_removing_and_renumbering_is_found(trail):
    target = trail[2]
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    tamper("UPDATE audit_auditevent SET seq = seq - 1 WHERE seq > %s", [target.seq])

    assert f"event id {trail[3].pk} (row #{target.seq}) was changed" in verify_chain().problem


def test_the_first_row_removed_is_named(trail):
    first = AuditEvent.objects.get(seq=1)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [first.pk])

    assert verify_chain().problem.startswith("row #1 is missing")


def test_removed_newest_rows_are_found_against_an_anchor(trail):
    anchor = re.search(r"anchor (\d+:[0-9a-f]{64})", verify()).group(1)
    tamper("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [trail[3].pk, trail[4].pk])

    # Without an anchor the shortened trail still links up: that is the limit README names.
    assert verify().startswith("audit trail whole")
    with pytest.raises(CommandError, match=rf"row #{trail[3].seq} is missing: the trail ends "
                                           rf"before the anchor #{trail[4].seq}"):
        verify("--anchor", anchor)


def test_an_anchor_with_another_hash_is_refused(trail):
    with pytest.raises(CommandError, match=rf"row #{trail[4].seq}\) is not the row anchored"):
        verify("--anchor", f"{trail[4].seq}:{'0' * 64}")
    with pytest.raises(CommandError, match="SEQ:HASH"):
        verify("--anchor", "yesterday")


def test_a_forged_row_is_named(trail):
    last = trail[-1]
    tamper("INSERT INTO audit_auditevent (at, actor_username, action, object_type, object_id, "
           "request_id, summary, changes, seq, chain_hash) VALUES "
           "(%s, 'admin', 'staff.login', '', '', '', '', '{}', %s, %s)",
           [last.at, last.seq + 1, "ab" * 32])
    forged = AuditEvent.objects.get(seq=last.seq + 1)

    with pytest.raises(CommandError, match=rf"event id {forged.pk} \(row #{forged.seq}\)"):
        verify()


def test_a_row_outside_the_chain_is_named(trail):
    tamper("INSERT INTO audit_auditevent (at, actor_username, action, object_type, object_id, "
           "request_id, summary, changes, chain_hash) VALUES "
           "(%s, '', 'staff.login', '', '', '', '', '{}', '')", [trail[-1].at])
    outside = AuditEvent.objects.get(seq__isnull=True)

    with pytest.raises(CommandError, match=rf"event id {outside.pk} is outside the chain"):
        verify()


def test_blanking_client_addresses_keeps_the_chain(trail):
    # Retention blanks old addresses as the owner: the address is not in the hash.
    tamper("UPDATE audit_auditevent SET client_address = NULL")

    assert verify().startswith("audit trail whole")


def test_another_key_cannot_vouch_for_the_trail(trail, settings):
    settings.STOFRUM_AUDIT_KEY = "another key, at least thirty-two characters long"

    problem = verify_chain().problem
    assert "(row #1)" in problem and "not the key the trail was written with" in problem


def test_the_hash_covers_each_hashed_field():
    base = {"at": AuditEvent().at, "actor_id": 1, "actor_username": "a", "action": "x",
            "object_type": "t", "object_id": "1", "site_id": 2, "request_id": "r",
            "summary": "s", "changes": {"f": [1, 2]}}
    digest = chain.row_hash(b"k" * 32, 1, "", base)
    for field in chain.HASHED_FIELDS:
        changed = dict(base, **{field: base[field] if field == "at" else "other"})
        if field == "at":
            from datetime import timedelta

            changed["at"] = base["at"] + timedelta(microseconds=1)
        assert chain.row_hash(b"k" * 32, 1, "", changed) != digest, field
    assert chain.row_hash(b"k" * 32, 2, "", base) != digest
    assert chain.row_hash(b"k" * 32, 1, "0" * 64, base) != digest


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_chain_without_a_fork():
    calls = [lambda n=n: record(None, "test.race", summary=f"writer {n}") for n in range(12)]

    race(calls)

    seqs = sorted(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 13))
    assert verify_chain().whole


def test_the_key_file_is_made_once_readable_by_its_owner_only(settings, tmp_path):
    settings.STOFRUM_AUDIT_KEY = ""
    settings.STOFRUM_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit.key")

    first = chain.key()

    path = tmp_path / "keys" / "audit.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(first) == 64 and chain.key() == first
    assert [p.name for p in path.parent.iterdir()] == ["audit.key"]


def test_a_short_key_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.STOFRUM_AUDIT_KEY = "too short"
    with pytest.raises(ImproperlyConfigured):
        chain.key()


def _audit_checks(deploy: bool = True):
    from django.core import checks as django_checks

    return [m.id for m in django_checks.run_checks(include_deployment_checks=deploy)
            if m.id.startswith("stofrum.audit.")]


def test_check_deploy_names_an_unusable_or_misplaced_key(db, settings, tmp_path):
    settings.STOFRUM_AUDIT_KEY = ""
    settings.STOFRUM_AUDIT_KEY_FILE = str(tmp_path / "etc" / "audit.key")
    assert _audit_checks() == []  # not made yet: the first audit event makes it
    chain.key()
    assert _audit_checks() == []
    (tmp_path / "etc" / "audit.key").write_text("short\n")
    assert _audit_checks() == ["stofrum.audit.E001"]
    settings.STOFRUM_AUDIT_KEY = "x" * 31
    assert _audit_checks() == ["stofrum.audit.E001"]
    # among the checks the served app runs before it starts (stofrum/asgi.py)
    from django.core import checks as django_checks

    assert "stofrum.audit.E001" in [m.id for m in django_checks.run_checks(
        tags=["stofrum_startup"], include_deployment_checks=True)]
    settings.STOFRUM_AUDIT_KEY = ""
    settings.STOFRUM_AUDIT_KEY_FILE = str(settings.VAR_DIR / "audit.key")
    assert _audit_checks() == ["stofrum.audit.W001"]
    assert _audit_checks(deploy=False) == []

"""The rule of which quarantines and exclusions are in force at a site, in its three forms
(stofrum/conduct/models.py): the queryset the pages use, the instance method, and the SQL
condition of the door's hand-written query. They must agree on every kind of row."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from stofrum.conduct.models import Quarantine, QuarantineKind, in_force_covering_sql
from stofrum.visits import rules


@pytest.fixture
def rows(door, sites, make_person):
    """One person, each row a different case around `now` at h17."""
    now = timezone.now()
    today = timezone.localdate(now)
    person = make_person()
    h17, skyen = sites["h17"], sites["skyen"]

    def make(name, *, at=(), all_sites=False, kind=QuarantineKind.QUARANTINE, starts_on=today,
             ends_on=today, starts_at=None, ends_at=None, lifted=False):
        row = Quarantine.objects.create(
            kind=kind, person=person, all_sites=all_sites, starts_on=starts_on,
            ends_on=ends_on, starts_at=starts_at, ends_at=ends_at, reason=name,
            decided_by=door, lifted_at=now if lifted else None,
            lift_reason="lifted" if lifted else "")
        row.sites.set(at)
        return row

    make("all sites, today", all_sites=True)
    make("here, till next week", at=[h17], ends_on=today + timedelta(days=7))
    make("here and there", at=[skyen, h17])
    make("there only", at=[skyen])
    make("here, lifted", at=[h17], lifted=True)
    make("here, from tomorrow", at=[h17], starts_on=today + timedelta(days=1),
         ends_on=today + timedelta(days=2))
    make("here, ended yesterday", at=[h17], starts_on=today - timedelta(days=3),
         ends_on=today - timedelta(days=1))
    exclusion = {"kind": QuarantineKind.DAY_EXCLUSION, "at": [h17],
                 "starts_on": today - timedelta(days=1), "ends_on": today + timedelta(days=1)}
    make("excluded now", **exclusion, starts_at=now - timedelta(hours=1),
         ends_at=now + timedelta(hours=1))
    make("exclusion over", **exclusion, starts_at=now - timedelta(hours=2),
         ends_at=now - timedelta(minutes=1))
    make("exclusion ends this moment", **exclusion, starts_at=now - timedelta(hours=2),
         ends_at=now)
    make("exclusion not begun", **exclusion, starts_at=now + timedelta(minutes=1),
         ends_at=now + timedelta(hours=1))
    make("exclusion there", **{**exclusion, "at": [skyen]}, starts_at=now - timedelta(hours=1),
         ends_at=now + timedelta(hours=1))
    return person, h17, now


def test_the_three_forms_agree(rows):
    person, h17, now = rows
    by_queryset = set(Quarantine.objects.in_force_at(now).covering(h17)
                      .values_list("reason", flat=True))
    by_instance = {q.reason for q in Quarantine.objects.prefetch_related("sites")
                   if q.in_force_at(now) and (q.all_sites or h17 in q.sites.all())}
    condition, params = in_force_covering_sql("q", h17.pk, now)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT q.reason FROM {Quarantine._meta.db_table} q "  # noqa: S608
                       f"WHERE {condition}", params)
        by_sql = {reason for (reason,) in cursor.fetchall()}
    assert by_queryset == {"all sites, today", "here, till next week", "here and there",
                           "excluded now"}
    assert by_sql == by_queryset == by_instance


def test_the_door_reads_the_last_day_and_the_exclusion_end(rows):
    person, h17, now = rows
    facts = rules.person_facts(person, h17, now)
    assert facts.quarantined_until == timezone.localdate(now) + timedelta(days=7)
    assert facts.excluded_until == (Quarantine.objects.get(reason="excluded now").ends_at)
    assert facts.has_agreement is True

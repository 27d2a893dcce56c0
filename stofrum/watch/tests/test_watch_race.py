"""Every process sweeps for overdue booths; the database lets exactly one of them record and
announce each overdue period and each escalation (PostgreSQL: a unique constraint on the
period, a conditional UPDATE for the escalation)."""

from datetime import timedelta

import pytest

from conftest import race
from stofrum.audit.models import AuditEvent
from stofrum.visits.services import check_in
from stofrum.watch import services
from stofrum.watch.models import Overdue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SWEEPERS = 8


def test_concurrent_sweeps_announce_an_overdue_booth_once_and_escalate_it_once(
        door, sites, make_person, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "publish_after_commit",
                        lambda site, event, data=None: sent.append(event))
    visit = check_in(door, make_person(alias="Race"), sites["h17"], ["heroin"], "injection")
    due = visit.booth_at + timedelta(minutes=10)

    results = race([lambda: services.sweep(due)] * SWEEPERS)
    assert sum(r["overdue"] for r in results) == 1
    assert Overdue.objects.count() == 1
    assert sent.count("booth_overdue") == 1

    results = race([lambda: services.sweep(due + timedelta(minutes=10))] * SWEEPERS)
    assert sum(r["escalated"] for r in results) == 1
    assert sent.count("booth_escalated") == 1
    assert AuditEvent.objects.filter(action="watch.booth_overdue").count() == 1
    assert AuditEvent.objects.filter(action="watch.booth_escalated").count() == 1


def test_a_look_in_racing_a_sweep_leaves_no_open_period(door, sites, make_person, cast):
    visit = check_in(door, make_person(alias="Kapløb"), sites["h17"], ["heroin"], "injection")
    due = visit.booth_at + timedelta(minutes=10)
    race([lambda: services.sweep(due),
          lambda: services.record_look_in(cast["reception"], str(visit.pk), now=due)])
    services.sweep(due + timedelta(seconds=1))
    assert not Overdue.objects.filter(resolved_at__isnull=True).exists()

"""The database keeps the promises of the neighbours' reports under concurrent requests
(PostgreSQL): a report is closed once, and the public limit holds."""

import pytest

from conftest import race
from stofrum.audit.models import AuditEvent
from stofrum.errors import DomainError
from stofrum.neighbours import services
from stofrum.neighbours.models import NeighbourReport

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_staff_closing_at_once_close_it_once(make_staff, sites):
    one, two = make_staff("reception", ["h17"]), make_staff("health", ["h17"])
    filed = services.file_report(site="h17", kind="syringe", place="Istedgade")
    results = race([lambda s=s, o=o: services.close_report(s, filed, o)
                    for s, o in ((one, "collected"), (two, "nothing_found"))])
    refused = [r for r in results if isinstance(r, DomainError)]
    assert [e.code for e in refused] == ["already_closed"]
    assert AuditEvent.objects.filter(action="neighbours.report_closed").count() == 1
    closed = NeighbourReport.objects.get()
    assert closed.outcome == next(r.outcome for r in results if isinstance(r, NeighbourReport))


def test_concurrent_reports_from_one_address_stop_at_the_limit(sites, settings):
    settings.STOFRUM_NEIGHBOUR_REPORT_RATE_LIMIT = 4
    results = race([
        (lambda: services.file_report(site="h17", kind="litter", place="Halmtorvet",
                                      client_address="203.0.113.9"))
        for _ in range(12)])
    assert NeighbourReport.objects.count() == 4
    assert {r.code for r in results if isinstance(r, DomainError)} == {"too_many_requests"}

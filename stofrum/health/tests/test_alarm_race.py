"""Staff pressing Alarm on the same booth at the same moment make one incident
(PostgreSQL: a partial unique index on the visit of open incidents)."""

import pytest

from conftest import race
from stofrum.health import services
from stofrum.health.models import Incident
from stofrum.visits.services import check_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 12


def test_concurrent_alarms_for_one_visit_give_one_incident(door, sites, make_person,
                                                           make_staff):
    visit = check_in(door, make_person(alias="Race"), sites["h17"], ["heroin"], "injection")
    staff = [door, make_staff("health", ["h17"]), make_staff("leader", ["h17"])]
    callers = [staff[i % len(staff)] for i in range(CLIENTS)]
    results = race([(lambda s=s: services.raise_alarm(s, sites["h17"], visit=visit))
                     for s in callers])
    assert Incident.objects.filter(visit=visit).count() == 1
    assert {r.pk for r in results} == {Incident.objects.get().pk}
    assert sum(not r.joined for r in results) == 1

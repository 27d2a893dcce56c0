"""Overdoses at several sites at the same moment that together reach K raise exactly one
alert, counting every one of them (PostgreSQL: an advisory lock per substance, and a
partial unique index on the substance of open alerts)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import race
from stofrum.alerts.models import DrugAlert
from stofrum.health import services as health
from stofrum.visits.services import check_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_overdoses_at_the_same_moment_at_several_sites_raise_one_alert(door, sites,
                                                                       make_person, settings):
    settings.STOFRUM_DRUG_ALERT_CASES = 3
    settings.STOFRUM_DRUG_ALERT_HOURS = 24
    place = ["h17", "skyen", "reden", "sundholm"]
    visits = [check_in(door, make_person(alias=f"Racer {i}", gender="female"), sites[place[i % 4]],
                       ["fentanyl"], "injection") for i in range(6)]
    earlier = timezone.now() - timedelta(hours=2)
    health.raise_alarm(door, visits[0].site, "overdose_opioid", visit=visits[0],
                       started_at=earlier)
    assert not DrugAlert.objects.exists()
    # Five more at four sites at once: the second and third case make K.
    results = race([(lambda v=v: health.raise_alarm(door, v.site, "overdose_opioid", visit=v))
                    for v in visits[1:]])
    assert all(not isinstance(r, Exception) for r in results)
    alert = DrugAlert.objects.get()
    assert alert.incident_count == 6
    assert alert.case_sites == sorted(set(place))


def test_evaluations_at_the_same_moment_see_each_other_s_cases(door, sites, make_person,
                                                               settings):
    """Without the per-substance lock each would see only its own new case (and fall
    short of K); nothing else serialises these transactions."""
    from django.db import transaction

    from stofrum.alerts.services import evaluate
    from stofrum.health.models import Incident
    from stofrum.visits.models import Substance

    settings.STOFRUM_DRUG_ALERT_CASES = 3
    visits = [check_in(door, make_person(alias=f"Solo {i}"), sites[s], ["fentanyl"],
                       "injection") for i, s in enumerate(("h17", "skyen", "sundholm"))]
    fentanyl = Substance.objects.get(code="fentanyl")

    def overdose(visit):
        with transaction.atomic():
            Incident.objects.create(site=visit.site, kind="overdose_opioid", visit=visit,
                                    person=visit.person, raised_by=door)
            return evaluate(fentanyl)

    race([(lambda v=v: overdose(v)) for v in visits])
    alert = DrugAlert.objects.get()
    assert alert.incident_count == 3

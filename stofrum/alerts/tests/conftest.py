"""Hand-made overdose series for the drug-alert tests: each case is a (done) visit with its
substances and an overdose incident at a given onset, written directly so that the onsets
can lie anywhere (the rule is then evaluated at a chosen moment)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

CPH = ZoneInfo("Europe/Copenhagen")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, Copenhagen time."""
    return datetime(2026, 11, day, hour, minute, tzinfo=CPH)


@pytest.fixture(autouse=True)
def _k_and_t(settings):
    settings.STOFRUM_DRUG_ALERT_CASES = 3
    settings.STOFRUM_DRUG_ALERT_HOURS = 24


@pytest.fixture
def make_case(sites, door, make_person):
    from stofrum.health.models import Incident
    from stofrum.sites.models import IntakeMethod
    from stofrum.visits.choices import VisitState
    from stofrum.visits.models import Substance, Visit

    person = make_person(alias="Case")
    injection = IntakeMethod.objects.get(code="injection")

    def make(site: str, moment, substances=("fentanyl",), kind="overdose_opioid",
             with_visit=True):
        visit = None
        if with_visit:
            visit = Visit.objects.create(person=person, site=sites[site], method=injection,
                                         state=VisitState.DONE, checked_in_at=moment,
                                         ended_at=moment, checked_in_by=door)
            visit.substances.set(Substance.objects.filter(code__in=substances))
        return Incident.objects.create(site=sites[site], kind=kind, visit=visit, person=person,
                                       started_at=moment, raised_by=door, closed_at=moment,
                                       outcome="recovered_on_site")

    return make


@pytest.fixture
def fentanyl(sites):
    from stofrum.visits.models import Substance

    return Substance.objects.get(code="fentanyl")

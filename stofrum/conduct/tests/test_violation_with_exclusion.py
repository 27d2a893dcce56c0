"""Recording a violation and excluding the person for the rest of the day is one use case
in one transaction (conduct.services.record_violation with `exclude_today`), used by the
person page and the API alike: both are written, or neither."""

import pytest

from stofrum.audit.models import AuditEvent
from stofrum.conduct import services
from stofrum.conduct.models import Quarantine, Violation
from stofrum.errors import DomainError


@pytest.fixture
def exclusion_fails(monkeypatch):
    """The exclusion's write fails after the violation's (e.g. the database refuses it)."""
    real = services.record

    def record(staff, action, *args, **kwargs):
        if action == "conduct.excluded_for_today":
            raise DomainError("invalid_input", status=400)
        return real(staff, action, *args, **kwargs)

    monkeypatch.setattr(services, "record", record)


def test_the_use_case_writes_both_or_neither(door, make_person, sites, exclusion_fails):
    person = make_person()
    with pytest.raises(DomainError):
        services.record_violation(door, person, sites["h17"], rule="No dealing",
                                  description="Sold pills", exclude_today=True)
    assert not Violation.objects.exists() and not Quarantine.objects.exists()


def test_the_page_writes_both_or_neither(client, login, door, make_person, exclusion_fails):
    person = make_person()
    login(door)
    r = client.post(f"/staff/persons/{person.code}/violations",
                    {"site": "h17", "rule_choice": "other", "rule": "No dealing",
                     "description": "Sold pills", "exclude_today": "1"})
    assert r.status_code == 422  # refused in place, what was typed kept
    assert "Sold pills</textarea>" in r.content.decode()
    assert not Violation.objects.exists() and not Quarantine.objects.exists()
    assert not AuditEvent.objects.filter(action="conduct.violation_recorded").exists()


def test_the_api_records_the_violation_and_the_exclusion_together(api_as, door, make_person):
    person = make_person()
    r = api_as(door).post("/violations", {"person": person.code, "site": "h17",
                                          "rule": "No dealing", "description": "Sold pills",
                                          "exclude_today": True})
    assert r.status_code == 201, r.content
    violation = Violation.objects.get()
    exclusion = violation.quarantines.get()
    assert exclusion.kind == "day_exclusion" and exclusion.reason == "Sold pills"
    assert r.json()["exclusion"] == exclusion.pk


def test_without_the_exclusion_the_api_answers_none(api_as, door, make_person):
    person = make_person()
    r = api_as(door).post("/violations", {"person": person.code, "site": "h17",
                                          "rule": "No dealing", "description": "Sold pills"})
    assert r.status_code == 201 and r.json()["exclusion"] is None
    assert not Quarantine.objects.exists()

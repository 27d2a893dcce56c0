"""Eight identical check-ins with the same key at the same moment (PostgreSQL): the unique
(staff, key) decides, one visit is written and every answer is the first one."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import race
from stofrum.idempotency.models import IdempotentRequest
from stofrum.staff.models import ApiToken
from stofrum.visits.models import Visit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CALLS = 8


def test_eight_identical_check_ins_at_once_write_one_visit(door, make_person):
    person = make_person()
    _, token = ApiToken.issue(door, timezone.now() + timedelta(hours=1))
    body = {"person": person.code, "site": "h17", "substances": ["heroin"],
            "method": "injection"}

    def check_in():
        answer = Client().post("/api/v1/visits", body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}",
                               HTTP_IDEMPOTENCY_KEY="same-moment")
        return answer.status_code, answer.content

    answers = race([check_in] * CALLS)
    assert {status for status, _ in answers} == {201}, answers
    assert len({content for _, content in answers}) == 1
    assert Visit.objects.filter(person=person).count() == 1
    assert IdempotentRequest.objects.count() == 1

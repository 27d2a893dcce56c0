"""What `record` writes: sensitive values masked, only real changes in a diff, and where
the request came from when there was one."""

import json
import re

from stofrum.audit.models import AuditEvent
from stofrum.audit.services import MASK, diff, record

SECRETS = {
    "password": "hunter2-hunter2",
    "cpr": "010190-1234",
    "token": "tok_3f9a8b7c6d5e",
    "secret": "JBSWY3DPEHPK3PXP",
    "signature": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg",
}


def test_sensitive_values_are_masked_and_the_rest_kept(db):
    event = record(None, "test.masking", changes={**SECRETS, "alias": "Bjørn", "birth_year": 1980})

    stored = AuditEvent.objects.get(pk=event.pk).changes
    assert stored == {**dict.fromkeys(SECRETS, MASK), "alias": MASK, "birth_year": 1980}


def test_sensitive_values_are_masked_in_before_and_after_pairs(db):
    changes = {field: [value, value + "-new"] for field, value in SECRETS.items()}
    changes["alias"] = ["Bo", "Bodil"]

    event = record(None, "test.masking", changes=changes)

    stored = AuditEvent.objects.get(pk=event.pk).changes
    assert stored == {**{f: [MASK, MASK] for f in SECRETS}, "alias": [MASK, MASK]}
    written = json.dumps(stored)
    assert not any(value in written for value in SECRETS.values())


def test_diff_reports_only_the_fields_that_changed():
    before = {"alias": "Bo", "birth_year": 1980, "municipality": "101", "gone": "x"}
    after = {"alias": "Bo", "birth_year": 1981, "municipality": "101", "new": 5}

    assert diff(before, after) == {
        "birth_year": [1980, 1981], "gone": ["x", None], "new": [None, 5],
    }


def test_diff_of_identical_snapshots_is_empty():
    assert diff({"alias": "Bo", "password": "x"}, {"alias": "Bo", "password": "x"}) == {}


def test_diff_says_a_sensitive_field_changed_without_its_values():
    assert diff({"password": "old-secret"}, {"password": "new-secret"}) == {
        "password": [MASK, MASK]}


def test_event_names_its_actor_and_object(cast):
    leader = cast["leader"]

    event = record(leader, "test.named", leader, site=None, summary="x" * 400)

    assert event.actor == leader and event.actor_username == "leader-h17"
    assert (event.object_type, event.object_id) == ("staff.staffmember", str(leader.pk))
    assert len(event.summary) == 300


def test_outside_a_request_there_is_no_request_id_or_address(db):
    event = record(None, "test.offline")

    assert event.request_id == "" and event.client_address is None


def test_event_from_a_request_has_its_request_id_and_client_address(client, cast):
    response = client.post("/login/", {"username": "reception-h17", "password": "wrong"})

    assert response.status_code == 400
    event = AuditEvent.objects.get(action="staff.login_failed")
    assert event.client_address == "127.0.0.1"
    assert re.fullmatch(r"[0-9a-f]{32}", event.request_id)
    assert event.request_id == response["X-Request-ID"]


def test_failed_login_does_not_record_the_submitted_password(client, cast):
    client.post("/login/", {"username": "reception-h17", "password": "wrong-Pa55word!"})

    event = AuditEvent.objects.get(action="staff.login_failed")
    assert "wrong-Pa55word!" not in json.dumps([event.summary, event.changes])

"""API.md's error format holds everywhere under /api/: {"code", "message"} as UTF-8 JSON,
400 for malformed input (never 500), no submitted values echoed back."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD
from stofrum.staff.models import ApiToken

SUBMITTED_PASSWORD = "S3cret-pass-phrase-9431"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content.decode("utf-8"))
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.fixture
def bearer(cast):
    _, raw = ApiToken.issue(cast["reception"], timezone.now() + timedelta(hours=1))
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/sites/h17/no-such-thing",
                                  "/api/v1/", "/api/v2/sites", "/api/"])
def test_unknown_path_is_a_json_not_found(client, db, path):
    assert_error(client.get(path), 404, "not_found")


def test_unknown_site_is_a_json_not_found(client, sites):
    assert_error(client.get("/api/v1/sites/atlantis"), 404, "not_found")


def test_missing_credentials_are_a_json_401(client, db):
    assert_error(client.get("/api/v1/auth/me"), 401, "not_authenticated")


def test_unknown_bearer_token_is_a_json_401(client, db):
    response = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not-a-token"})

    assert_error(response, 401, "not_authenticated")


def test_missing_capability_is_a_json_403(client, bearer):
    assert_error(client.get("/api/v1/audit", headers=bearer), 403, "forbidden")


@pytest.mark.parametrize("body", ['{"username": "a", "password": ', "not json at all",
                                  "[1, 2", "\xff\xfe"])
def test_malformed_json_is_400_invalid_input(client, db, body):
    response = client.post("/api/v1/auth/token", body, content_type="application/json")

    assert_error(response, 400, "invalid_input")


@pytest.mark.parametrize("body", [[], "a string", 42, None])
def test_json_that_is_not_an_object_is_400_invalid_input(client, db, body):
    response = client.post("/api/v1/auth/token", json.dumps(body),
                           content_type="application/json")

    assert_error(response, 400, "invalid_input")


def test_missing_fields_are_listed_without_echoing_submitted_values(client, db):
    response = client.post("/api/v1/auth/token", {"password": SUBMITTED_PASSWORD},
                           content_type="application/json")

    body = assert_error(response, 400, "invalid_input")
    assert [e["field"] for e in body["errors"]] == ["username"]
    assert SUBMITTED_PASSWORD not in response.content.decode()


def test_wrongly_typed_fields_are_listed_without_echoing_submitted_values(client, db):
    response = client.post("/api/v1/auth/token",
                           {"username": {"nested": SUBMITTED_PASSWORD},
                            "password": [SUBMITTED_PASSWORD]},
                           content_type="application/json")

    body = assert_error(response, 400, "invalid_input")
    assert sorted(e["field"] for e in body["errors"]) == ["password", "username"]
    assert SUBMITTED_PASSWORD not in response.content.decode()


@pytest.mark.parametrize("query", ["limit=abc", "limit=-5", "offset=x", "birth_year=abc"])
def test_malformed_query_parameters_are_400_invalid_input(client, bearer, query):
    response = client.get(f"/api/v1/persons?{query}", headers=bearer)

    assert_error(response, 400, "invalid_input")


def test_malformed_body_on_an_authenticated_endpoint_is_400(client, bearer):
    response = client.post("/api/v1/persons", {"alias": "Bo", "birth_year": "nineteen",
                                               "gender": "male", "municipality": "101",
                                               "site": "h17"},
                           content_type="application/json", headers=bearer)

    body = assert_error(response, 400, "invalid_input")
    assert [e["field"] for e in body["errors"]] == ["birth_year"]
    assert "nineteen" not in response.content.decode()


@pytest.mark.parametrize(("method", "path"), [("put", "/api/v1/sites"),
                                              ("delete", "/api/v1/sites/h17"),
                                              ("get", "/api/v1/auth/token"),
                                              ("patch", "/api/v1/audit"),
                                              ("post", "/api/v1/sites/h17/events")])
def test_wrong_method_is_a_json_405(client, sites, method, path):
    response = getattr(client, method)(path)

    assert_error(response, 405, "method_not_allowed")
    assert response.has_header("Allow")


def test_json_is_utf8_with_danish_letters_as_themselves(client, sites):
    response = client.get("/api/v1/sites")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "København".encode() in response.content
    assert b"\\u00f8" not in response.content


def test_error_messages_are_utf8_with_danish_letters_as_themselves(client, cast):
    # health needs a code from the authenticator app; the refusal's Danish message has "æ".
    response = client.post("/api/v1/auth/token",
                           {"username": "health-h17", "password": PASSWORD},
                           content_type="application/json", headers={"Accept-Language": "da"})

    body = assert_error(response, 401, "otp_required")
    assert "æ" in body["message"]
    assert body["message"].encode() in response.content


@pytest.mark.parametrize("path", ["/api/v1/sites", "/api/v1/no-such-thing",
                                  "/api/v1/auth/me"])
def test_every_api_response_has_a_request_id(client, sites, path):
    first, second = client.get(path), client.get(path)

    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]

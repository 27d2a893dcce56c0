"""The whole API fuzzed from its own OpenAPI document (schemathesis) against the running
server over real HTTP, as each role (a bearer token) and anonymously: no 5xx, every answer
is declared in the document and matches its schema, every error is {code, message}.

Bounded and reproducible: a fixed seed, deterministic generation, a few examples per
operation and no shrinking, so that the run fits `make test` on a small machine.

Run once, in the PostgreSQL run: what is fuzzed is the HTTP layer (the edge, the schemas,
the error answers), and PostgreSQL, the production engine, is the stricter of the two about
what reaches it (NUL bytes in text, integer ranges). The SQLite run's tests/http (the page
crawl, CSRF, odd bodies, forwarded addresses) still speak HTTP to an app on SQLite."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.http.conftest import call

pytestmark = pytest.mark.postgres

ROLES = ["reception", "health", "leader", "admin", "analyst"]
EXAMPLES = 10


def _config(*, coverage: bool, fuzzing: bool) -> dict:
    """Schemathesis's phases: `coverage` sends the schema's boundary and malformed values
    (missing fields, wrong types, odd content types, unexpected methods), about 35 calls an
    operation; `fuzzing` sends EXAMPLES generated ones, valid and invalid."""
    return {
        "seed": 11,
        "generation": {"max-examples": EXAMPLES, "no-shrink": True, "deterministic": True,
                       "mode": "all", "database": "none",
                       # The bearer token is ours, not one the fuzzer makes up.
                       "with-security-parameters": False,
                       # NUL bytes too: PostgreSQL refuses them in any text, so the
                       # edge refuses them (stofrum/text.py, the NUL middleware, lookups).
                       "allow-x00": True},
        "phases": {"examples": {"enabled": False}, "stateful": {"enabled": False},
                   "coverage": {"enabled": coverage}, "fuzzing": {"enabled": fuzzing}},
    }


@schemathesis.check
def error_has_code_and_message(ctx, response, case):
    """Every error answer of the API is {"code": "...", "message": "..."} (API.md)."""
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except ValueError as error:
        raise AssertionError(f"error {response.status_code} is not JSON") from error
    assert isinstance(body, dict), f"error {response.status_code} is not an object"
    assert isinstance(body.get("code"), str) and body["code"], \
        f"error {response.status_code} without a code: {body}"
    assert isinstance(body.get("message"), str) and body["message"], \
        f"error {response.status_code} without a message: {body}"
    return True


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, error_has_code_and_message]


def _document() -> dict:
    """The OpenAPI document the app serves at /api/v1/openapi.json (the test below checks
    that the served one is this one): read at collection, so that each operation is a
    test of its own."""
    from stofrum.api import api

    return api.get_openapi_schema(path_prefix="/api/v1/")


def _schema(**phases):
    return schemathesis.openapi.from_dict(
        _document(), config=schemathesis.Config.from_dict(_config(**phases)))


# Revoking the caller's own token would leave every later call (and every later test on
# this server) unauthenticated; it is fuzzed anonymously only.
OWN_TOKEN = {"method": "DELETE", "path": "/api/v1/auth/token"}
# What fits the time: the boundary values anonymously and as a leader (the role that
# reaches the most use cases: the door, quarantines, statistics, audit, answers), the
# generated calls as every role.
anonymous_schema = _schema(coverage=True, fuzzing=True)
boundaries_schema = _schema(coverage=True, fuzzing=False).exclude(**OWN_TOKEN)
generated_schema = _schema(coverage=False, fuzzing=True).exclude(**OWN_TOKEN)

FUZZ_SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(params=ROLES)
def bearer(request, role_tokens):
    return {"Authorization": f"Bearer {role_tokens[request.param]}"}


def test_the_served_document_is_the_one_fuzzed(http_server):
    status, _, body = call(http_server, "GET", "/api/v1/openapi.json")
    assert status == 200
    assert json.loads(body) == json.loads(json.dumps(_document()))


@anonymous_schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_anonymously(case, http_server):
    case.call_and_validate(base_url=http_server, checks=CHECKS)


@boundaries_schema.parametrize()
@FUZZ_SETTINGS
def test_boundary_values_as_a_leader(case, http_server, role_tokens):
    case.call_and_validate(base_url=http_server, checks=CHECKS,
                           headers={"Authorization": f"Bearer {role_tokens['leader']}"})


@generated_schema.parametrize()
@FUZZ_SETTINGS
def test_generated_calls_as_each_role(case, http_server, bearer):
    case.call_and_validate(base_url=http_server, headers=bearer, checks=CHECKS)

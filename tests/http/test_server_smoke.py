"""The served app answers the public and a bearer token over real HTTP."""

import json

from tests.http.conftest import call


def test_public_sites_and_bearer_token(http_server, role_tokens):
    status, _, body = call(http_server, "GET", "/api/v1/sites")
    assert status == 200
    assert len(json.loads(body)["items"]) == 5
    status, _, body = call(http_server, "GET", "/api/v1/visits?site=h17&limit=5",
                           headers={"Authorization": f"Bearer {role_tokens['reception']}"})
    assert status == 200, body[:300]
    assert json.loads(body)["count"] > 0

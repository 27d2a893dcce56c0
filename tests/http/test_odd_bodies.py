"""Bodies a careless or hostile client sends, over real HTTP (found by fuzzing the API):
a malformed one is 400 `invalid_input`, never 500."""

import json

import pytest

from tests.http.conftest import call


@pytest.mark.parametrize("content_type", ["multipart/form-data",
                                          "multipart/form-data; boundary="])
@pytest.mark.parametrize("body", [b"", b'{"username": "x", "password": "y"}'])
def test_a_malformed_multipart_body_is_400_not_500(http_server, content_type, body):
    # The login's lock-out bookkeeping reads the form data, which Django cannot parse.
    status, _, answer = call(http_server, "POST", "/api/v1/auth/token", body,
                             headers={"Content-Type": content_type})
    assert status == 400, (status, answer[:300])
    assert json.loads(answer)["code"] == "invalid_input"

"""Over real HTTP (issue 12, "Free text"): staff are refused a CPR number in free text with
`cpr_in_free_text`; the public's complaint is taken with the number masked."""

import json

from tests.http.conftest import call


def test_a_cpr_number_in_free_text_over_http(http_server, role_tokens):
    staff = {"Authorization": f"Bearer {role_tokens['reception']}"}
    status, _, body = call(http_server, "POST", "/api/v1/suggestions",
                           {"site": "h17", "kind": "suggestion",
                            "text": "Hans cpr er 070380-1235"}, headers=staff)
    answer = json.loads(body)
    assert (status, answer["code"], answer["field"]) == (400, "cpr_in_free_text", "text")
    assert b"070380" not in body

    status, _, body = call(http_server, "POST", "/api/v1/complaints",
                           {"route": "leader", "anonymous": True,
                            "text": "Mit cpr er 0703801235, ring 12345678"})
    assert status == 201, body[:300]
    assert json.loads(body)["cpr_masked"] is True

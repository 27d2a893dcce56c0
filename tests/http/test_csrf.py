"""CSRF belongs to calls made with the browser's session cookie only (API.md, "Access
answers"): an anonymous call to a public route and a bearer-token call never need a token,
a page session always does. Over real HTTP, where Django's test client cannot hide it."""

import json

from tests.http.conftest import call, page_login

COMPLAINT = {"route": "leader", "text": "Ventetiden var for lang i går aftes.",
             "anonymous": True}


def _error(status, body, expected_status, expected_code=None):
    assert status == expected_status, (status, body[:300])
    answer = json.loads(body)
    assert isinstance(answer["code"], str) and isinstance(answer["message"], str)
    assert answer["message"]
    if expected_code:
        assert answer["code"] == expected_code, answer
    return answer


def test_the_public_files_a_complaint_through_the_api_without_logging_in(http_server):
    status, _, body = call(http_server, "POST", "/api/v1/complaints",
                           {**COMPLAINT, "site": "h17"})
    assert status == 201, body[:300]
    receipt = json.loads(body)
    assert set(receipt) == {"id", "route", "status", "received_at", "answer_due_on",
                            "cpr_masked"}


def test_a_bearer_call_never_needs_a_csrf_token(http_server, role_tokens):
    bearer = {"Authorization": f"Bearer {role_tokens['reception']}"}
    status, _, body = call(http_server, "POST", "/api/v1/complaints",
                           {**COMPLAINT, "site": "h17"}, headers=bearer)
    assert status == 201, body[:300]
    # Also when the browser's cookies happen to travel along (a script on a staff laptop).
    session = page_login(http_server, "reception")
    status, _, body = session.call("POST", "/api/v1/complaints",
                                   {**COMPLAINT, "site": "h17"}, headers=bearer)
    assert status == 201, body[:300]


def test_a_wrong_bearer_token_is_not_authenticated_not_a_csrf_failure(http_server):
    status, _, body = call(http_server, "POST", "/api/v1/persons",
                           {"alias": "x", "birth_year": 1980, "gender": "male",
                            "municipality": "101", "site": "h17"},
                           headers={"Authorization": "Bearer not-a-token"})
    _error(status, body, 401, "not_authenticated")


def test_anonymous_calls_to_staff_routes_are_not_authenticated(http_server):
    status, _, body = call(http_server, "POST", "/api/v1/persons",
                           {"alias": "x", "birth_year": 1980, "gender": "male",
                            "municipality": "101", "site": "h17"})
    _error(status, body, 401, "not_authenticated")


def test_a_page_session_needs_the_csrf_token_on_the_api(http_server):
    session = page_login(http_server, "reception")
    # Reading needs no token.
    status, _, body = session.call("GET", "/api/v1/visits?site=h17&limit=1")
    assert status == 200, body[:300]
    # Writing without it is refused, in the API's error form, and nothing is filed.
    status, _, body = session.call("POST", "/api/v1/complaints", {**COMPLAINT, "site": "h17"})
    _error(status, body, 403, "csrf_failed")
    status, _, body = session.call("POST", "/api/v1/persons",
                                   {"alias": "Csrf Prøve", "birth_year": 1980,
                                    "gender": "male", "municipality": "101", "site": "h17"})
    _error(status, body, 403, "csrf_failed")
    # With the token from the cookie in the header (as the pages' scripts send it): accepted.
    token = {"X-CSRFToken": session.cookie("csrftoken")}
    status, _, body = session.call("POST", "/api/v1/complaints",
                                   {**COMPLAINT, "site": "h17"}, headers=token)
    assert status == 201, body[:300]


def test_the_public_complaint_page_takes_a_complaint_over_http(http_server):
    from tests.http.conftest import PageSession

    visitor = PageSession(http_server)
    status, _, body = visitor.post_form("/complaints/", {
        "site": "skyen", "route": "leader", "text": "Der manglede rene kanyler.",
        "anonymous": "1"})
    assert status == 200, body[:300]
    assert "/complaints/thanks?" in visitor.url, (visitor.url, body[:300])

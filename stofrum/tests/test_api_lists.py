"""Every API list pages in the database (API.md: `?limit=&offset=`, default 50, max 500,
`{"items": [...], "count": N}`): `count` is the true total, an offset past 500 reaches the
rest, and the number of queries does not grow with the number of rows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.care.models import Referral, ReferralTarget
from stofrum.voice.models import Complaint, CouncilMeeting, Suggestion

TOTAL = 520


def _complaints(n, sites, staff):
    now = timezone.now()
    Complaint.objects.bulk_create(
        Complaint(site=sites["h17"], route="leader", text=f"c{i}", received_at=now,
                  answer_due_on=date.today() + timedelta(days=10), recorded_by=staff)
        for i in range(n))


def _suggestions(n, sites, staff):
    now = timezone.now()
    Suggestion.objects.bulk_create(
        Suggestion(site=sites["h17"], kind="suggestion", text=f"s{i}", created_at=now,
                   recorded_by=staff) for i in range(n))


def _council(n, sites, staff):
    now = timezone.now()
    CouncilMeeting.objects.bulk_create(
        CouncilMeeting(site=sites["h17"], held_on=date(2026, 1, 1), agenda=f"a{i}",
                       recorded_by=staff, updated_at=now) for i in range(n))


def _referrals(n, sites, staff, person):
    now = timezone.now()
    target = ReferralTarget.objects.filter(is_active=True).first()
    Referral.objects.bulk_create(
        Referral(site=sites["h17"], person=person, target=target, created_at=now,
                 created_by=staff, updated_at=now) for i in range(n))


def _audit(n, sites, staff):
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=staff, actor_username=staff.username, action="test.bulk",
                   site=sites["h17"]) for i in range(n))


LISTS = {
    "complaints": ("/complaints", {}, _complaints),
    "suggestions": ("/suggestions", {"site": "h17"}, _suggestions),
    "council": ("/council-meetings", {"site": "h17"}, _council),
    "referrals": ("/referrals", {"site": "h17"}, _referrals),
    "audit": ("/audit", {"action": "test.bulk"}, _audit),
}


@pytest.fixture
def leader(make_staff):
    return make_staff("leader", ["h17"])


def _fill(name, n, sites, leader, make_person):
    path, params, make = LISTS[name]
    if name == "referrals":
        make(n, sites, leader, make_person())
    else:
        make(n, sites, leader)
    return path, params


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_counts_every_row_and_pages_past_500(name, api_as, leader, sites,
                                                     make_person):
    path, params = _fill(name, TOTAL, sites, leader, make_person)
    api = api_as(leader)

    first = api.get(path, **params)
    assert first.status_code == 200, first.content
    assert first.json()["count"] == TOTAL
    assert len(first.json()["items"]) == 50  # the default page

    rest = api.get(path, **params, offset=500, limit=500)
    assert rest.status_code == 200
    assert rest.json()["count"] == TOTAL
    assert len(rest.json()["items"]) == TOTAL - 500

    ids = {item["id"] for item in api.get(path, **params, limit=500).json()["items"]}
    ids |= {item["id"] for item in rest.json()["items"]}
    assert len(ids) == TOTAL  # the pages neither overlap nor skip

    assert api.get(path, **params, limit=501).status_code in (400, 422)


def _queries(api, path, params):
    with CaptureQueriesContext(connection) as ctx:
        r = api.get(path, **params, limit=500)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_runs_as_many_queries_for_40_rows_as_for_4(name, api_as, leader, sites,
                                                          make_person):
    api = api_as(leader)
    path, params = _fill(name, 4, sites, leader, make_person)
    few = _queries(api, path, params)
    _fill(name, 36, sites, leader, make_person)
    assert _queries(api, path, params) == few


def test_the_person_search_runs_as_many_queries_for_30_matches_as_for_3(
        api_as, door, make_person):
    api = api_as(door)
    for i in range(3):
        make_person(alias=f"Listeperson {i}", birth_year=1970 + i)
    few = _queries(api, "/persons", {"q": "Listeperson"})
    for i in range(3, 30):
        make_person(alias=f"Listeperson {i}", birth_year=1970 + i)
    r = api.get("/persons", q="Listeperson", limit=500)
    assert r.json()["count"] == 30 and r.json()["items"][0]["first_aid_agreement"]
    assert _queries(api, "/persons", {"q": "Listeperson"}) == few


def test_visits_list_counts_every_row(api_as, door, make_person, sites):
    from stofrum.visits.models import Visit

    person = make_person()
    now = timezone.now()
    method = sites["h17"].intake_methods.first()
    Visit.objects.bulk_create(
        Visit(person=person, site=sites["h17"], method=method, state="done",
              checked_in_at=now - timedelta(minutes=i), checked_in_by=door)
        for i in range(TOTAL))
    api = api_as(door)
    with CaptureQueriesContext(connection) as ctx:
        r = api.get("/visits", site="h17", offset=500)
    assert r.status_code == 200 and r.json()["count"] == TOTAL
    assert len(r.json()["items"]) == TOTAL - 500
    assert len(ctx.captured_queries) < 20


def test_every_list_endpoint_pages_through_the_one_helper():
    """A list answer is `{items, count}` made by stofrum/paging.py, never a bare list."""
    from stofrum.api import api

    schema = api.get_openapi_schema()
    bare = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            responses = {str(status): r for status, r in op.get("responses", {}).items()}
            ok = responses.get("200", {}).get("content", {})
            body = ok.get("application/json", {}).get("schema", {})
            if method == "get" and body.get("type") == "array":
                bare.append(path)
    assert bare == []


@pytest.mark.parametrize("params", [{"offset": 2**63}, {"offset": 10**30}, {"offset": -1},
                                    {"limit": 0}, {"limit": "x"}])
def test_a_page_out_of_range_is_refused_as_malformed(api_as, leader, params):
    r = api_as(leader).get("/complaints", **params)
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"

"""Reports from neighbours: filed by anyone without login (page and API, rate limited, no
address kept), seen by the staff of the nearest room, closed with the pickup time; the
neighbour's contact details only for the staff who may answer, each reading audited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.neighbours import services
from stofrum.neighbours.models import NeighbourReport
from stofrum.voice.models import Complaint

CONTACT = "Tlf. 22 33 44 55, Jens"
ADDRESS = "203.0.113.9"


def report(site="h17", contact=CONTACT, **kw):
    data = {"kind": "syringe", "place": "Istedgade 40, ved porten", "text": "To sprøjter",
            "contact": contact, **kw}
    return services.file_report(site=site, **data)


def public_api(client, body, address=ADDRESS):
    return client.post("/api/v1/neighbourhood/reports", body,
                       content_type="application/json", REMOTE_ADDR=address)


# --- filing without login ---------------------------------------------------------------

def test_the_api_takes_a_report_without_login_and_answers_a_receipt_only(client, sites):
    r = public_api(client, {"site": "h17", "kind": "litter", "place": "Halmtorvet, bænken",
                            "text": "Sølvpapir og en ske", "contact": "jens@example.dk"})
    assert r.status_code == 201, r.content
    assert set(r.json()) == {"id", "received_at"}
    stored = NeighbourReport.objects.get(pk=r.json()["id"])
    assert (stored.site, stored.kind, stored.place, stored.contact) == (
        sites["h17"], "litter", "Halmtorvet, bænken", "jens@example.dk")
    event = AuditEvent.objects.get(action="neighbours.report_received")
    assert event.actor is None and event.client_address is None
    assert "jens@example.dk" not in str(event.changes) and ADDRESS not in str(event.changes)


def test_without_a_site_the_report_is_about_no_particular_room(client, sites):
    r = public_api(client, {"kind": "disturbance", "place": "Enghave Plads"})
    assert r.status_code == 201
    assert NeighbourReport.objects.get().site is None


@pytest.mark.parametrize("body, status, code", [
    ({"kind": "dragon", "place": "x"}, 400, "invalid_kind"),
    ({"kind": "syringe", "place": "  "}, 400, "text_required"),
    ({"kind": "syringe"}, 400, "invalid_input"),
    ({"kind": "syringe", "place": "x" * 201}, 400, "text_too_long"),
    ({"kind": "syringe", "place": "x", "contact": "x" * 201}, 400, "text_too_long"),
    ({"kind": "syringe", "place": "x", "site": "nowhere"}, 404, "unknown_site"),
    ({"kind": "syringe", "place": "x", "site": 17}, 400, "invalid_input"),
])
def test_bad_reports_are_refused_and_write_nothing(client, sites, body, status, code):
    r = public_api(client, body)
    assert (r.status_code, r.json()["code"]) == (status, code)
    assert not NeighbourReport.objects.exists()


def test_a_cpr_number_is_masked_before_anything_is_kept(client, sites):
    r = client.post("/neighbours/", {"site": "h17", "kind": "other", "place": "Gården",
                                     "text": "Han sagde 070380-1235", "contact": "0703801235"},
                    REMOTE_ADDR=ADDRESS)
    assert r.status_code == 302 and "cpr=1" in r["Location"]
    stored = NeighbourReport.objects.get()
    assert "070380" not in stored.text + stored.contact
    assert "XXXXXX-XXXX" in stored.text


def test_reports_are_rate_limited_per_address_apart_from_complaints(client, sites, settings):
    settings.STOFRUM_NEIGHBOUR_REPORT_RATE_LIMIT = 2
    settings.STOFRUM_COMPLAINT_RATE_LIMIT = 1
    body = {"site": "h17", "kind": "syringe", "place": "Istedgade"}
    assert [public_api(client, body).status_code for _ in range(3)] == [201, 201, 429]
    assert public_api(client, body).json()["code"] == "too_many_requests"
    assert public_api(client, body, address="198.51.100.3").status_code == 201
    assert NeighbourReport.objects.count() == 3
    # a complaint from the first address has its own count
    r = client.post("/api/v1/complaints", {"route": "leader", "text": "t"},
                    content_type="application/json", REMOTE_ADDR=ADDRESS)
    assert r.status_code == 201 and Complaint.objects.count() == 1


def test_the_public_page_asks_for_the_room_and_says_how_contact_details_are_used(
        client, sites, settings):
    settings.STOFRUM_NEIGHBOUR_CONTACT_DAYS = 30
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/neighbours/").content.decode()
    assert html.count('name="kind"') == 5 and 'name="site" required' in html
    assert "deleted 30 days after the report is closed" in html
    assert "never appears in statistics" in html
    r = client.post("/neighbours/", {"site": "", "kind": "syringe", "place": "Vesterbrogade"},
                    REMOTE_ADDR=ADDRESS)
    assert r.status_code == 400 and "Vesterbrogade" in r.content.decode()
    assert not NeighbourReport.objects.exists()
    r = client.post("/neighbours/", {"site": "skyen", "kind": "syringe",
                                     "place": "Vesterbrogade", "contact": ""},
                    REMOTE_ADDR=ADDRESS)
    assert r.status_code == 302
    thanks = client.get(r["Location"]).content.decode()
    assert "will not get an answer" in thanks
    assert 'href="/neighbours/"' in client.get("/").content.decode()


# --- what each role sees -----------------------------------------------------------------

@pytest.fixture
def reports(sites):
    return {"h17": report("h17"), "skyen": report("skyen", contact="skyen@example.dk"),
            "none": report(None, contact="ingen@example.dk", kind="public_use")}


def test_staff_see_their_sites_reports_and_those_of_no_room(api_as, cast, reports):
    ids = lambda r: {item["id"] for item in r.json()["items"]}  # noqa: E731
    mine = api_as(cast["reception"]).get("/neighbourhood/reports", open="true")
    assert mine.status_code == 200
    assert ids(mine) == {reports["h17"].pk, reports["none"].pk}
    assert mine.json()["count"] == 2
    other = api_as(cast["other_reception"]).get("/neighbourhood/reports")
    assert ids(other) == {reports["skyen"].pk, reports["none"].pk}
    assert api_as(cast["other_reception"]).get("/neighbourhood/reports",
                                               site="h17").status_code == 404
    assert ids(api_as(cast["admin"]).get("/neighbourhood/reports")) == {
        r.pk for r in reports.values()}
    assert api_as(cast["analyst"]).get("/neighbourhood/reports").status_code == 403
    assert api_as().get("/neighbourhood/reports").status_code == 401
    # no contact details in a list unless asked for, and then only the readable ones
    assert all(item["contact"] is None and item["has_contact"] for item in mine.json()["items"])
    assert CONTACT not in mine.content.decode()


def test_contact_details_only_for_the_staff_who_may_answer_audited(api_as, cast, reports):
    def contacts(staff):
        r = api_as(staff).get("/neighbourhood/reports", reveal="contact")
        return {item["id"]: item["contact"] for item in r.json()["items"]}

    assert contacts(cast["reception"]) == {reports["h17"].pk: CONTACT,
                                           reports["none"].pk: None}
    assert contacts(cast["leader"]) == {reports["h17"].pk: CONTACT,
                                        reports["none"].pk: "ingen@example.dk"}
    assert set(contacts(cast["admin"]).values()) == {None}
    assert contacts(cast["other_reception"])[reports["skyen"].pk] == "skyen@example.dk"
    readings = AuditEvent.objects.filter(action="neighbours.contact_read")
    assert readings.count() == 4
    assert not any(CONTACT in str(e.changes) + e.summary for e in readings)


def test_pages_show_each_role_what_it_should(client, login, cast, reports):
    login(cast["other_reception"])
    assert client.get("/staff/sites/h17/neighbours/").status_code == 404
    assert client.post(f"/staff/neighbours/{reports['h17'].pk}/contact").status_code == 404
    assert client.post(f"/staff/neighbours/{reports['h17'].pk}/close",
                       {"outcome": "collected"}).status_code == 404
    login(cast["reception"])
    page = client.get("/staff/sites/h17/neighbours/").content.decode()
    assert "Istedgade 40" in page and CONTACT not in page and "skyen@example.dk" not in page
    shown = client.post(f"/staff/neighbours/{reports['h17'].pk}/contact", {"site": "h17"})
    assert shown.status_code == 200 and CONTACT in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    assert client.post(f"/staff/neighbours/{reports['none'].pk}/contact").status_code == 403
    assert client.post("/staff/neighbours/abc/contact").status_code == 404
    home = client.get("/staff/").content.decode()
    assert 'data-neighbour-reports="2"' in home
    board = client.get("/staff/sites/h17/").content.decode()
    assert 'data-neighbour-reports="2"' in board and CONTACT not in board
    assert "/staff/sites/h17/neighbours/" in board


def test_the_board_answer_counts_open_reports_and_never_shows_contact(api_as, cast, reports):
    r = api_as(cast["reception"]).get("/sites/h17/board")
    assert r.status_code == 200 and r.json()["neighbourhood_reports_open"] == 2
    assert CONTACT not in r.content.decode()


# --- closing and the pickup time ---------------------------------------------------------

def test_closing_records_the_pickup_time_once(api_as, cast, reports):
    NeighbourReport.objects.filter(pk=reports["h17"].pk).update(
        received_at=timezone.now() - timedelta(minutes=42))
    api = api_as(cast["reception"])
    url = f"/neighbourhood/reports/{reports['h17'].pk}/close"
    assert api.post(url, {"outcome": "lost"}).json()["code"] == "invalid_outcome"
    r = api.post(url, {"outcome": "collected"})
    assert r.status_code == 200, r.content
    assert (r.json()["outcome"], r.json()["pickup_minutes"]) == ("collected", 42)
    assert r.json()["contact"] is None
    again = api.post(url, {"outcome": "answered"})
    assert (again.status_code, again.json()["code"]) == (409, "already_closed")
    assert api_as(cast["other_reception"]).post(url, {"outcome": "answered"}).status_code \
        == 404
    assert api.post("/neighbourhood/reports/x1/close", {"outcome": "collected"}).status_code \
        == 404
    event = AuditEvent.objects.get(action="neighbours.report_closed")
    assert event.actor == cast["reception"] and event.changes["pickup_minutes"] == 42
    ids = [i["id"] for i in api.get("/neighbourhood/reports", open="true").json()["items"]]
    assert ids == [reports["none"].pk]


def test_the_page_closes_a_report(client, login, cast, reports):
    login(cast["health"])
    r = client.post(f"/staff/neighbours/{reports['none'].pk}/close",
                    {"outcome": "nothing_found", "site": "h17"})
    assert r.status_code == 302 and r["Location"] == "/staff/sites/h17/neighbours/"
    assert NeighbourReport.objects.get(pk=reports["none"].pk).outcome == "nothing_found"

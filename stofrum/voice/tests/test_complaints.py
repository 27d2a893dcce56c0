"""Complaints from the public page and the API without login (rate limited, no address
kept), from staff on a person's behalf, and the leader's register with deadlines."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.errors import DomainError
from stofrum.voice import services
from stofrum.voice.models import Complaint, PublicSubmissionWindow


@pytest.fixture
def leader(make_staff):
    return make_staff("leader", ["h17"])


def public_post(client, **data):
    body = {"route": "leader", "text": "It is too cold in the waiting room.",
            "anonymous": "1", "site": "h17", **data}
    return client.post("/complaints/", body, REMOTE_ADDR="203.0.113.7")


def test_public_complaint_without_login_reaches_the_leader(client, leader, login, sites):
    r = public_post(client)
    assert r.status_code == 302 and r["Location"].startswith("/complaints/thanks?due=")
    complaint = Complaint.objects.get()
    assert complaint.via_public_page and complaint.anonymous and complaint.site == sites["h17"]
    assert client.get(r["Location"]).status_code == 200
    login(leader)
    page = client.get("/staff/complaints/").content.decode()
    assert f"/staff/complaints/{complaint.pk}/" in page


def test_public_complaint_keeps_no_client_address(client, sites):
    public_post(client)
    event = AuditEvent.objects.get(action="voice.complaint_filed")
    assert event.client_address is None and event.actor is None
    assert not PublicSubmissionWindow.objects.filter(key__contains="203.0.113.7").exists()


def test_public_form_is_rate_limited_per_address(client, settings, sites):
    settings.STOFRUM_COMPLAINT_RATE_LIMIT = 3
    assert [public_post(client).status_code for _ in range(3)] == [302, 302, 302]
    r = public_post(client)
    assert r.status_code == 429
    assert Complaint.objects.count() == 3
    other = client.post("/complaints/", {"route": "leader", "text": "x", "anonymous": "1"},
                        REMOTE_ADDR="198.51.100.2")
    assert other.status_code == 302


@pytest.mark.parametrize("data, status", [
    ({"text": ""}, 400),
    ({"text": "   "}, 400),
    ({"text": "x" * 5001}, 400),
    ({"route": "the_king"}, 400),
])
def test_bad_public_complaints_are_refused_and_write_nothing(client, sites, data, status):
    r = public_post(client, **data)
    assert r.status_code == status
    assert "error-box" in r.content.decode()
    assert not Complaint.objects.exists()


def test_script_in_a_complaint_is_shown_escaped(client, login, leader, sites):
    public_post(client, text="<script>alert('x')</script> bad service")
    login(leader)
    complaint = Complaint.objects.get()
    for url in ("/staff/complaints/", f"/staff/complaints/{complaint.pk}/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert" in html


def test_api_complaint_without_login_returns_a_receipt_only(api_as, sites):
    r = api_as().post("/complaints", {"route": "social_services", "text": "Rude staff",
                                      "anonymous": True, "site": "h17"})
    assert r.status_code == 201
    # Nothing of what was written: only whether a CPR number in it was masked (issue 12).
    assert set(r.json()) == {"id", "route", "status", "received_at", "answer_due_on",
                             "cpr_masked"}
    r = api_as().post("/complaints", {"route": "social_services", "text": ""})
    assert r.status_code == 400 and r.json()["code"] == "text_required"
    r = api_as().post("/complaints", {"route": "x", "text": "t"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_route"


def test_api_complaints_list_is_for_leaders(api_as, door, leader, sites):
    api_as().post("/complaints", {"route": "leader", "text": "t", "anonymous": True})
    assert api_as().get("/complaints").status_code == 401
    assert api_as(door).get("/complaints").status_code == 403
    r = api_as(leader).get("/complaints")
    assert r.status_code == 200 and r.json()["count"] == 1


def test_answer_deadline_and_overdue(leader, door, sites, settings):
    settings.STOFRUM_COMPLAINT_ANSWER_DAYS = 10
    complaint = services.file_complaint(door, site=sites["h17"], route="leader",
                                        text="Waited two hours", anonymous=True)
    assert complaint.answer_due_on == timezone.localdate() + timedelta(days=10)
    assert not services.overdue_complaints(leader).exists()
    Complaint.objects.filter(pk=complaint.pk).update(
        answer_due_on=timezone.localdate() - timedelta(days=1))
    assert list(services.overdue_complaints(leader)) == [complaint]
    services.handle_complaint(leader, complaint, status="answered",
                              response="We open a second queue at 15.")
    assert not services.overdue_complaints(leader).exists()
    with pytest.raises(DomainError) as info:
        services.handle_complaint(leader, complaint, status="in_progress")
    assert info.value.code == "already_answered"


def test_answering_needs_a_response(leader, door, sites):
    complaint = services.file_complaint(door, site=sites["h17"], route="leader", text="t")
    with pytest.raises(DomainError) as info:
        services.handle_complaint(leader, complaint, status="answered", response="")
    assert info.value.code == "text_required"


def test_a_leader_of_another_site_does_not_see_the_complaint(make_staff, door, sites):
    services.file_complaint(door, site=sites["h17"], route="leader", text="t")
    services.file_complaint(None, site=None, route="social_services", text="city-wide")
    other = make_staff("leader", ["skyen"])
    assert [c.text for c in services.complaints_for(other)] == ["city-wide"]


def test_staff_file_on_behalf_linked_to_the_person(client, login, door, make_person, sites):
    person = make_person()
    login(door)
    r = client.post("/staff/sites/h17/complaints/new", {
        "route": "leader", "text": "Was refused without reason", "person": person.code,
        "signed_as": "Ada"})
    assert r.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.person == person and not complaint.anonymous
    assert complaint.recorded_by == door


def test_anonymous_complaint_cannot_carry_a_person(door, make_person, sites):
    complaint = services.file_complaint(door, site=sites["h17"], route="leader", text="t",
                                        anonymous=True, person=make_person(), signed_as="Ada")
    assert complaint.person is None and complaint.signed_as == ""


def test_public_page_explains_the_three_routes(client, sites):
    html = client.get("/complaints/").content.decode()
    assert "Tietgensgade 31A" in html and "33 66 14 00" in html
    assert "borgerraadgiveren@kk.dk" in html
    assert html.count('name="route"') == 3


# --- an unknown site named explicitly: one rule for the page and the API -----------------

def test_an_unknown_site_is_refused_by_the_page_and_the_text_is_kept(client, sites):
    text = "Personalet var uvenligt i går – æøå."
    r = public_post(client, site="nowhere", text=text)
    assert r.status_code == 404
    assert not Complaint.objects.exists()
    page = r.content.decode()
    assert text in page  # the writer does not lose the complaint: the form keeps it
    with pytest.raises(DomainError) as refused:
        services.file_complaint(None, site="nowhere", route="leader", text=text)
    assert str(refused.value.message) in page  # the page says why, as the use case does


def test_an_unknown_site_is_refused_by_the_api_the_same_way(client, sites):
    r = client.post("/api/v1/complaints", {"route": "leader", "text": "x", "anonymous": True,
                                           "site": "nowhere"},
                    content_type="application/json")
    assert r.status_code == 404 and r.json()["code"] == "unknown_site"
    assert not Complaint.objects.exists()


def test_the_use_case_resolves_the_site_for_page_and_api(sites, leader):
    for slug in ("nowhere", " "):
        if slug.strip():
            with pytest.raises(DomainError) as info:
                services.file_complaint(None, site=slug, route="leader", text="x")
            assert info.value.code == "unknown_site" and info.value.status == 404
    assert services.file_complaint(None, site="", route="leader", text="x").site is None
    assert services.file_complaint(None, site="h17", route="leader",
                                   text="x").site == sites["h17"]
    with pytest.raises(DomainError) as info:  # staff: a site they do not belong to
        services.file_complaint(leader, site="skyen", route="leader", text="x")
    assert info.value.status == 404
    assert Complaint.objects.count() == 2

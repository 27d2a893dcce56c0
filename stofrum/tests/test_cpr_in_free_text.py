"""A CPR number typed into free text is caught where it is typed (issue 12, "Free text"):
staff are refused with the stable code `cpr_in_free_text` naming the field, on the API and
the pages alike, and nothing is written; a complaint from the public is kept with the
number masked, the writer is told, and the number is stored nowhere (not in the audit
trail either)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.errors import MESSAGES, DomainError
from stofrum.health import services as health
from stofrum.voice.models import Complaint

CPR = "070380-1235"          # 7 March 1980
DIGITS = CPR.replace("-", "")
FICTITIOUS = "670380-1235"   # the same birth date as a replacement number


def _text_in_database(needle: str) -> list[str]:
    """The tables where any text column holds `needle` (the audit trail included)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the schema
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row if not isinstance(v, bytes | memoryview))
                if needle in text:
                    found.append(table)
                    break
    return found


def _nowhere(*numbers):
    for number in numbers:
        for needle in {number, number.replace("-", ""), number.replace("-", " ")}:
            assert _text_in_database(needle) == [], needle


@pytest.fixture
def leader(make_staff):
    return make_staff("leader", ["h17"], username="leader")


@pytest.fixture
def nurse(make_staff):
    return make_staff("health", ["h17"], username="nurse")


@pytest.fixture
def world(leader, nurse, door, make_person, sites):
    """One of each thing staff write free text about, at h17."""
    from stofrum.care import services as care
    from stofrum.conduct import services as conduct
    from stofrum.visits.services import check_in
    from stofrum.voice import services as voice

    person = make_person(alias="Fri Tekst", birth_year=1980)
    visit = check_in(door, person, sites["h17"], ["heroin"], "injection")
    incident = health.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    journal = health.write_journal(nurse, incident, disclosure_consent="given",
                                   assessment="Respirationsdepression.", treatment="Naloxon.",
                                   cpr_number="010190-1234")
    referral = care.refer(door, sites["h17"], person, "gp")
    quarantine = conduct.decide_quarantine(
        leader, person, "all", until=timezone.localdate() + timedelta(days=7),
        reason="Vold")
    complaint = voice.file_complaint(door, site=sites["h17"], route="leader", text="Kold kaffe")
    suggestion = voice.leave_suggestion(door, sites["h17"], "suggestion", "Mere kaffe")
    meeting = voice.record_council_meeting(door, sites["h17"], held_on=timezone.localdate(),
                                           agenda="Åbningstider")
    return {"person": person, "visit": visit, "incident": incident, "journal": journal,
            "referral": referral, "quarantine": quarantine, "complaint": complaint,
            "suggestion": suggestion, "meeting": meeting, "leader": leader, "nurse": nurse,
            "door": door}


def _said(text: str) -> str:
    return f"Han sagde at hans cpr er {text}, spørg igen i morgen"


# (who, method, path, body, the field named in the refusal); "{...}" are filled from `world`.
API_CASES = [
    ("door", "post", "/services", {"site": "h17", "kind": "wound_care", "note": "{cpr}"},
     "note"),
    ("door", "post", "/referrals", {"person": "{person}", "site": "h17", "target": "gp",
                                    "note": "{cpr}"}, "note"),
    ("door", "patch", "/referrals/{referral}", {"status": "contacted", "outcome": "{cpr}"},
     "outcome"),
    ("door", "post", "/violations", {"person": "{person}", "site": "h17", "rule": "Ro",
                                     "description": "{cpr}"}, "description"),
    ("door", "post", "/violations", {"person": "{person}", "site": "h17", "rule": "{cpr}",
                                     "description": "Råbte"}, "rule"),
    ("leader", "post", "/quarantines", {"person": "{person}", "sites": "all",
                                        "until": "{until}", "reason": "{cpr}"}, "reason"),
    ("door", "post", "/quarantines/exclusions", {"person": "{person}", "site": "h17",
                                                 "reason": "{cpr}"}, "reason"),
    ("leader", "post", "/quarantines/{quarantine}/lift", {"reason": "{cpr}"}, "reason"),
    ("door", "post", "/suggestions", {"site": "h17", "kind": "suggestion", "text": "{cpr}"},
     "text"),
    ("leader", "post", "/suggestions/{suggestion}/response", {"response": "{cpr}"},
     "response"),
    ("door", "post", "/complaints", {"site": "h17", "route": "leader", "text": "{cpr}",
                                     "anonymous": True}, "text"),
    ("door", "post", "/complaints", {"site": "h17", "route": "leader", "text": "Kold kaffe",
                                     "anonymous": False, "signed_as": "{cpr}"}, "signed_as"),
    ("leader", "patch", "/complaints/{complaint}", {"status": "answered",
                                                    "response": "{cpr}"}, "response"),
    ("door", "post", "/council-meetings", {"site": "h17", "held_on": "{today}",
                                           "agenda": "Kaffe", "minutes": "{cpr}"}, "minutes"),
    ("door", "patch", "/council-meetings/{meeting}", {"decisions": "{cpr}"}, "decisions"),
    ("door", "post", "/incidents/{incident}/interventions", {"kind": "oxygen",
                                                            "note": "{cpr}"}, "note"),
    ("nurse", "post", "/incidents/{incident}/journal",
     {"fictitious": True, "disclosure_consent": "refused", "assessment": "{cpr}",
      "treatment": "Ilt"}, "assessment"),
    ("nurse", "post", "/incidents/{incident}/journal",
     {"cpr": "010190-1234", "disclosure_consent": "given", "assessment": "Sløv",
      "treatment": "{cpr}"}, "treatment"),
    ("nurse", "post", "/incidents/{incident}/journal",
     {"cpr": "010190-1234", "disclosure_consent": "given", "assessment": "Sløv",
      "treatment": "Ilt", "note": "{cpr}"}, "note"),
    ("nurse", "post", "/journal/{journal}/disclosures", {"to_whom": "{cpr}"}, "to_whom"),
    ("door", "post", "/persons", {"alias": "{cpr}", "birth_year": 1980, "gender": "male",
                                  "municipality": "101", "site": "h17"}, "alias"),
    ("door", "patch", "/persons/{person}", {"alias": "{cpr}"}, "alias"),
]


def _fill(value, world, cpr):
    if isinstance(value, dict):
        return {k: _fill(v, world, cpr) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    names = {"cpr": _said(cpr), "person": world["person"].code,
             "referral": world["referral"].pk, "quarantine": world["quarantine"].pk,
             "suggestion": world["suggestion"].pk, "complaint": world["complaint"].pk,
             "meeting": world["meeting"].pk, "incident": world["incident"].pk,
             "journal": world["journal"].pk, "today": timezone.localdate().isoformat(),
             "until": (timezone.localdate() + timedelta(days=3)).isoformat()}
    return value.format(**names)


@pytest.mark.parametrize("number", [CPR, DIGITS, FICTITIOUS])
@pytest.mark.parametrize("who, method, path, body, field", API_CASES,
                         ids=[f"{c[1]} {c[2]} {c[4]}" for c in API_CASES])
def test_the_api_refuses_a_cpr_number_in_free_text_and_writes_nothing(
        api_as, world, who, method, path, body, field, number):
    body = _fill(body, world, number)
    if field == "alias":
        body["alias"] = number  # an alias is short: the number alone
    events = AuditEvent.objects.count()

    r = getattr(api_as(world[who]), method)(_fill(path, world, number), body)

    assert r.status_code == 400, r.content
    answer = r.json()
    assert answer["code"] == "cpr_in_free_text" and answer["field"] == field
    assert answer["message"] == str(MESSAGES["cpr_in_free_text"])
    assert number not in r.content.decode()
    assert AuditEvent.objects.count() == events
    _nowhere(number)


def test_a_refused_cpr_number_reaches_no_log(api_as, world, client, login, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        api_as(world["door"]).post("/services", {"site": "h17", "kind": "wound_care",
                                                 "note": _said(CPR)})
        login(world["door"])
        client.post("/staff/sites/h17/suggestions", {"kind": "criticism", "text": _said(CPR)})
        client.post("/complaints/", {"route": "leader", "text": _said(DIGITS),
                                     "anonymous": "1"}, REMOTE_ADDR="203.0.113.23")
    assert any("/api/v1/services" in r.getMessage() for r in caplog.records)
    for needle in (CPR, DIGITS, "070380"):
        assert needle not in caplog.text


def test_ordinary_numbers_in_free_text_are_kept(api_as, world):
    note = "Ring 12 34 56 78 kl. 14.30 d. 12-05-2026, betalt 1.250 kr, sag 2026-0042"
    r = api_as(world["door"]).post("/services", {"site": "h17", "kind": "wound_care",
                                                 "note": note})
    assert r.status_code == 201 and r.json()["note"] == note


def test_the_service_refuses_with_the_field_named(world, sites):
    from stofrum.voice import services as voice

    with pytest.raises(DomainError) as info:
        voice.leave_suggestion(world["door"], sites["h17"], "criticism", _said(CPR))
    assert (info.value.code, info.value.status, info.value.extra["field"]) == (
        "cpr_in_free_text", 400, "text")


def test_a_reveal_reason_holding_a_cpr_number_is_refused_and_not_audited(api_as, world):
    events = AuditEvent.objects.count()
    r = api_as(world["nurse"]).get(f"/journal/{world['journal'].pk}", reveal="cpr",
                                   reason=_said(CPR))
    assert r.status_code == 400 and r.json()["code"] == "cpr_in_free_text"
    assert r.json()["field"] == "reason"
    assert AuditEvent.objects.count() == events
    _nowhere(CPR)


def test_the_assisted_intake_assessment_is_refused(world, make_person, sites):
    from stofrum.visits.services import add_assistance

    helper = make_person(alias="Hjælper", birth_year=1975)
    with pytest.raises(DomainError) as info:
        add_assistance(world["door"], world["visit"], helper, _said(CPR))
    assert info.value.code == "cpr_in_free_text"
    assert info.value.extra["field"] == "assistant_assessment"
    _nowhere(CPR)


def test_house_rules_with_a_cpr_number_are_refused(leader, sites):
    from stofrum.sites.services import change_house_rules

    with pytest.raises(DomainError) as info:
        change_house_rules(leader, sites["h17"], rules_da=f"Ingen vold\n{CPR}",
                           rules_en="No violence")
    assert (info.value.code, info.value.extra["field"]) == ("cpr_in_free_text", "rules_da")


# --- the pages ------------------------------------------------------------------------


def test_the_suggestion_page_refuses_in_place_and_keeps_the_text(client, login, world):
    login(world["door"])
    text = _said(CPR)
    r = client.post("/staff/sites/h17/suggestions", {"kind": "criticism", "text": text})

    assert r.status_code == 422
    page = r.content.decode()
    assert str(MESSAGES["cpr_in_free_text"]) in page
    assert 'id="form-error"' in page
    assert text in page  # kept for the staff member to correct
    assert 'value="criticism" checked' in page
    _nowhere(CPR)


def test_the_journal_page_puts_the_refusal_on_the_field_and_keeps_the_text(client, login,
                                                                          world):
    login(world["nurse"])
    incident = world["incident"]
    r = client.post(f"/staff/incidents/{incident.pk}/journal", {
        "patient_id": "fictitious", "disclosure_consent": "refused",
        "treated_by": "nurse", "assessment": _said(CPR), "treatment": "Ilt"})

    assert r.status_code == 422, r.status_code
    page = r.content.decode()
    assert 'class="field-error"' in page
    assert _said(CPR) in page
    _nowhere(CPR)


def test_the_complaint_page_for_staff_refuses_and_keeps_the_text(client, login, world):
    login(world["door"])
    r = client.post("/staff/sites/h17/complaints/new", {
        "route": "leader", "text": _said(DIGITS), "anonymous": "1"})
    assert r.status_code == 422
    assert _said(DIGITS) in r.content.decode()
    _nowhere(DIGITS)


@pytest.mark.parametrize("action, extra", [("service", {"kind": "wound_care"}),
                                           ("referral", {"target": "gp"})])
def test_the_care_page_refuses_in_place_and_keeps_the_note(client, login, world, action,
                                                           extra):
    from stofrum.care.models import Referral, Service

    login(world["door"])
    counts = Service.objects.count(), Referral.objects.count()
    r = client.post(f"/staff/sites/h17/care?visit={world['visit'].pk}",
                    {"action": action, "visit": world["visit"].pk, "note": _said(CPR),
                     **extra})
    assert r.status_code == 422
    page = r.content.decode()
    assert 'id="form-error"' in page and _said(CPR) in page
    assert (Service.objects.count(), Referral.objects.count()) == counts
    _nowhere(CPR)


def test_the_violation_form_says_why_and_writes_nothing(client, login, world):
    from stofrum.conduct.models import Violation

    login(world["door"])
    r = client.post(f"/staff/persons/{world['person'].code}/violations",
                    {"site": "h17", "rule_choice": "other", "rule": "Ro",
                     "description": _said(FICTITIOUS)})
    assert r.status_code == 422
    assert str(MESSAGES["cpr_in_free_text"]) in r.content.decode()
    assert not Violation.objects.exists()
    _nowhere(FICTITIOUS)


# --- complaints from the public ------------------------------------------------------


def test_a_public_complaint_is_kept_with_the_number_masked(client, sites, settings):
    settings.LANGUAGE_CODE = "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = client.post("/complaints/", {"route": "leader", "site": "h17", "anonymous": "0",
                                     "signed_as": f"Kim {FICTITIOUS}",
                                     "text": f"Jeg blev afvist. Mit cpr er {CPR}. Ring 12345678"},
                    REMOTE_ADDR="203.0.113.20")
    assert r.status_code == 302 and "cpr=1" in r["Location"]

    complaint = Complaint.objects.get()
    assert complaint.text == "Jeg blev afvist. Mit cpr er XXXXXX-XXXX. Ring 12345678"
    assert complaint.signed_as == "Kim XXXXXX-XXXX"
    _nowhere(CPR, FICTITIOUS)

    page = client.get(r["Location"]).content.decode()
    assert 'id="cpr-masked"' in page and "looked like a CPR number" in page


def test_a_public_complaint_without_a_number_says_nothing_of_it(client, sites):
    r = client.post("/complaints/", {"route": "leader", "site": "h17", "anonymous": "1",
                                     "text": "Tlf 12 34 56 78, kl. 12:05-13:30"},
                    REMOTE_ADDR="203.0.113.21")
    assert "cpr=0" in r["Location"]
    assert 'id="cpr-masked"' not in client.get(r["Location"]).content.decode()


THANKS_CPR = ("Your complaint held a number that looked like a CPR number. It was removed "
              "before the complaint was saved, so no one can read it. A complaint never needs "
              "your CPR number.")


def test_the_thanks_page_says_it_in_danish(client, sites):
    from django.utils import translation

    with translation.override("da"):
        if translation.gettext(THANKS_CPR) == THANKS_CPR:
            pytest.skip("the Danish (scripts/translations/freetext.py) is compiled by "
                        "`make messages` at integration")
    client.cookies["django_language"] = "da"
    page = client.get("/complaints/thanks?route=leader&cpr=1").content.decode()
    assert 'id="cpr-masked"' in page and "CPR-nummer" in page


def test_a_public_api_complaint_is_masked_and_the_receipt_says_so(api_as, sites):
    r = api_as().post("/complaints", {"route": "leader", "site": "h17", "anonymous": True,
                                      "text": f"Mit nummer: {DIGITS}"},
                      REMOTE_ADDR="203.0.113.22")
    assert r.status_code == 201, r.content
    assert r.json()["cpr_masked"] is True and "text" not in r.json()
    assert Complaint.objects.get().text == "Mit nummer: XXXXXXXXXX"
    event = AuditEvent.objects.get(action="voice.complaint_filed")
    assert DIGITS not in str(event.summary) + str(event.changes)
    _nowhere(DIGITS)

    r = api_as().post("/complaints", {"route": "leader", "anonymous": True,
                                      "text": "Ingen tal"}, REMOTE_ADDR="203.0.113.22")
    assert r.status_code == 201 and r.json()["cpr_masked"] is False

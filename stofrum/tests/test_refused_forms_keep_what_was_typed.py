"""A page that refuses what was typed (a CPR number in free text, a rule, a validation
error) comes back with everything typed still in the form: the text fields, the text
areas, the selects, the checkboxes and radios. Staff remove the number and send again
rather than type it all anew. The refused text goes back only to the staff member who
typed it, in the page: it is written nowhere (no row, no audit event, no log line), and
the journal's CPR field is never echoed back."""

import logging
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.audit.models import AuditEvent
from stofrum.health import services as health

NUMBER = "010180-1234"
TEXT = f"ring på {NUMBER}"
JOURNAL_CPR = "010190-1234"
LATER = (timezone.localdate() + timedelta(days=9)).isoformat()


@pytest.fixture
def world(make_staff, door, make_person, sites):
    from stofrum.care import services as care
    from stofrum.conduct import services as conduct
    from stofrum.visits.services import check_in
    from stofrum.voice import services as voice

    leader = make_staff("leader", ["h17"], username="leader")
    nurse = make_staff("health", ["h17"], username="nurse")
    person = make_person(alias="Skriver", birth_year=1980)
    visit = check_in(door, person, sites["h17"], ["heroin"], "injection")
    incident = health.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)
    journal = health.write_journal(nurse, incident, disclosure_consent="given",
                                   assessment="Sløv.", treatment="Ilt.",
                                   cpr_number=JOURNAL_CPR)
    return {
        "leader": leader, "nurse": nurse, "door": door, "person": person, "visit": visit,
        "incident": incident, "journal": journal,
        "helper": make_person(alias="Hjælper", birth_year=1975),
        "newcomer": make_person(alias="Nykommer", birth_year=1990),
        "referral": care.refer(door, sites["h17"], person, "gp"),
        "quarantine": conduct.decide_quarantine(
            leader, person, "all", until=timezone.localdate() + timedelta(days=7),
            reason="Vold"),
        "complaint": voice.file_complaint(door, site=sites["h17"], route="leader",
                                          text="Kold kaffe"),
        "suggestion": voice.leave_suggestion(door, sites["h17"], "suggestion", "Mere kaffe"),
        "meeting": voice.record_council_meeting(door, sites["h17"],
                                                held_on=timezone.localdate(),
                                                agenda="Åbningstider"),
    }


def chosen(value: str) -> re.Pattern:
    """An option selected, or a checkbox or radio checked, with this value."""
    return re.compile(rf'value="{value}"[^>]*\b(checked|selected)\b')


COUNCIL = {"held_on": "2026-03-04", "agenda": "Kaffe og ro", "attendance_count": "7",
           "attendees": "Kim, Bo", "minutes": TEXT, "decisions": "Mere kaffe",
           "actions": "Bo køber kaffe"}
COUNCIL_KEPT = ['value="2026-03-04"', ">Kaffe og ro</textarea>", 'value="7"',
                'value="Kim, Bo"', ">Mere kaffe</textarea>", ">Bo køber kaffe</textarea>"]

# (who, path, what is posted, what the page shows again besides the text, the status);
# "{...}" is filled from `world`.
CASES = {
    "complaint response": (
        "leader", "/staff/complaints/{complaint}/",
        {"status": "in_progress", "response": TEXT},
        ['value="in_progress" selected'], 422),
    "complaint on a person's behalf": (
        "door", "/staff/sites/h17/complaints/new",
        {"route": "citizens_advisor", "text": TEXT, "person": "{person}", "signed_as": "Kim"},
        ['value="citizens_advisor" checked', 'value="{person}"', 'value="Kim"'], 422),
    "suggestion": (
        "door", "/staff/sites/h17/suggestions",
        {"kind": "criticism", "text": TEXT, "person": "{person}"},
        ['value="criticism" checked', 'value="{person}"'], 422),
    "suggestion response": (
        "leader", "/staff/suggestions/{suggestion}/response", {"response": TEXT}, [], 422),
    "new council meeting": ("door", "/staff/sites/h17/council/", COUNCIL, COUNCIL_KEPT, 422),
    "council meeting": ("door", "/staff/council/{meeting}/", COUNCIL, COUNCIL_KEPT, 422),
    "house rules": (
        "leader", "/staff/house-rules/h17/",
        {"rules_da": f"Ingen vold\n{TEXT}", "rules_en": "No violence\nNo numbers",
         "change_note": "Ny regel"},
        [">No violence\nNo numbers</textarea>", 'value="Ny regel"'], 422),
    "service": (
        "door", "/staff/sites/h17/care?visit={visit}",
        {"action": "service", "visit": "{visit}", "kind": "wound_care", "note": TEXT},
        [], 422),
    "referral": (
        "door", "/staff/sites/h17/care?visit={visit}",
        {"action": "referral", "visit": "{visit}", "target": "drug_treatment", "note": TEXT,
         "follow_up_on": LATER},
        ['value="drug_treatment" selected', f'value="{LATER}"'], 422),
    "referral update": (
        "door", "/staff/referrals/{referral}/",
        {"status": "contacted", "outcome": TEXT, "follow_up_on": LATER},
        ['value="contacted" selected', f'value="{LATER}"'], 422),
    "violation": (
        "door", "/staff/persons/{person}/violations",
        {"site": "skyen", "rule_choice": "other", "rule": "Ro og orden", "description": TEXT,
         "exclude_today": "1"},
        ['value="skyen" selected', 'value="other" selected', 'value="Ro og orden"',
         'name="exclude_today" value="1" checked'], 422),
    "exclusion": (
        "door", "/staff/persons/{person}/exclusion", {"site": "skyen", "reason": TEXT},
        ['value="skyen" selected'], 422),
    "quarantine": (
        "leader", "/staff/persons/{person}/quarantines",
        {"scope": "sites", "sites": "h17", "starts_on": LATER, "until": LATER,
         "reason": TEXT},
        ['name="scope" value="sites" checked', 'name="sites" value="h17" checked',
         f'name="starts_on" type="date" value="{LATER}"', f'value="{LATER}">'], 422),
    "quarantine lift": (
        "leader", "/staff/quarantines/{quarantine}/lift", {"reason": TEXT}, [], 422),
    "assisted intake": (
        "door", "/staff/sites/h17/visits/{visit}/assistance",
        {"assisted_by": "{helper}", "assistant_assessment": TEXT},
        ['value="{helper}"'], 422),
    "check-in with an assistant": (
        "door", "/staff/sites/h17/check-in",
        {"person": "{newcomer}", "substances": "cocaine", "method": "smoking",
         "assisted_by": "{helper}", "assistant_assessment": TEXT},
        [chosen("cocaine"), chosen("smoking"), 'value="{helper}"'], 422),
    "registration": (
        "door", "/staff/sites/h17/persons/new",
        {"alias": TEXT, "birth_year": "1980", "gender": "female", "municipality": "147"},
        ['value="1980"', chosen("female"), chosen("147")], 400),
    "journal": (
        "nurse", "/staff/incidents/{incident}/journal",
        {"patient_id": "cpr", "cpr": "070380-1235", "disclosure_consent": "refused",
         "treated_by": "Sygeplejerske", "assessment": TEXT, "treatment": "Ilt og ro"},
        ['value="Sygeplejerske"', "Ilt og ro</textarea>", chosen("refused")], 422),
    "journal reveal reason": (
        "nurse", "/staff/journal/{journal}/", {"action": "reveal", "reason": TEXT}, [], 422),
    "journal disclosure": (
        "nurse", "/staff/journal/{journal}/", {"action": "disclose", "to_whom": TEXT},
        [], 422),
}


def _fill(value: str, world) -> str:
    return value.format(**{name: getattr(thing, "code", getattr(thing, "pk", None))
                           for name, thing in world.items()})


@pytest.mark.parametrize("case", CASES)
def test_a_refused_form_comes_back_with_what_was_typed(client, login, world, case, caplog):
    who, path, posted, kept, status = CASES[case]
    login(world[who])
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    with caplog.at_level(logging.DEBUG):
        r = client.post(_fill(path, world), {k: _fill(v, world) for k, v in posted.items()})

    assert r.status_code == status, r.content.decode()[:2000]
    page = r.content.decode()
    assert 'id="form-error"' in page or 'class="field-error"' in page
    assert TEXT in page  # to remove the number from, not to type again
    for shown in kept:
        if isinstance(shown, re.Pattern):
            assert shown.search(page), shown.pattern
        else:
            assert _fill(shown, world) in page, shown
    assert JOURNAL_CPR not in page and "070380-1235" not in page  # a CPR field: never echoed
    for event in AuditEvent.objects.filter(pk__gt=last_event):  # the journal page's read
        assert NUMBER not in f"{event.summary} {event.changes}"
    assert NUMBER not in caplog.text and NUMBER.replace("-", "") not in caplog.text


def test_a_public_complaint_refused_keeps_the_site_the_route_and_the_name(client, sites):
    text = "Kold kaffe. " * 500  # longer than a complaint may be
    r = client.post("/complaints/", {"site": "skyen", "route": "citizens_advisor", "text": text,
                                     "signed_as": "Kim"},
                    REMOTE_ADDR="203.0.113.40")
    assert r.status_code == 400
    page = r.content.decode()
    assert 'value="skyen" selected' in page and 'value="citizens_advisor" required checked' in page
    assert 'value="Kim"' in page and text.strip() in page
    assert 'name="anonymous" value="1" checked' not in page

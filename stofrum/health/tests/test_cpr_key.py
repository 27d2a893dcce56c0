"""The CPR key (issue 12): never made behind anyone's back, unique key ids, explicit and
audited create/rotate/retire commands, a clear error when a journal's key is missing, and
checks that refuse to start without a usable key."""

import base64
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError

from stofrum.audit.models import AuditEvent
from stofrum.errors import MESSAGES, DomainError
from stofrum.health import services, vault
from stofrum.health.models import PatientIdentifier
from stofrum.visits.services import check_in

REAL_CPR = "070380-1234"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def new_incident(door, sites, make_person):
    def make(alias="Key Karl"):
        visit = check_in(door, make_person(alias=alias, birth_year=1980), sites["h17"],
                         ["heroin"], "injection")
        return services.raise_alarm(door, sites["h17"], "overdose_opioid", visit=visit)

    return make


def write(nurse, incident, **kw):
    fields = {"disclosure_consent": "given", "assessment": "Respirationsdepression.",
              "treatment": "Naloxon 0,4 mg im.", "cpr_number": REAL_CPR, **kw}
    return services.write_journal(nurse, incident, **fields)


def key_file(settings) -> Path:
    return Path(settings.STOFRUM_CPR_KEY_FILE)


def ring(settings) -> dict:
    return json.loads(key_file(settings).read_text())


# --- never made behind anyone's back --------------------------------------------------------

def test_a_missing_key_file_is_never_made_again(settings):
    key_file(settings).unlink()
    with pytest.raises(vault.KeyUnavailable):
        vault.encrypt_cpr("0703801234")
    with pytest.raises(vault.KeyUnavailable):
        vault.cpr_hash("0703801234")
    assert not key_file(settings).exists()


def test_a_lost_key_does_not_give_the_same_cpr_a_new_patient_link(nurse, new_incident,
                                                                     settings, api_as):
    first = write(nurse, new_incident("Første"))
    key_file(settings).unlink()
    with pytest.raises(DomainError) as info:
        write(nurse, new_incident("Anden"))
    assert info.value.code == "cpr_key_unavailable"
    assert PatientIdentifier.objects.count() == 1
    r = api_as(nurse).get(f"/journal/{first.pk}")
    assert r.status_code == 503 and r.json()["code"] == "cpr_key_unavailable"


def test_key_ids_are_unique_across_rings_and_rotations(settings, tmp_path):
    first = vault.current_key_id()
    settings.STOFRUM_CPR_KEY_FILE = str(tmp_path / "other.key")
    vault.create_ring()
    second = vault.current_key_id()
    rotated = vault.rotate_key()
    assert len({first, second, rotated}) == 3
    assert "k1" not in (first, second, rotated)
    assert max(len(k) for k in (first, second, rotated)) <= vault.KEY_ID_LENGTH


def test_create_refuses_to_replace_a_ring_or_to_change_the_patient_link(nurse, new_incident,
                                                                       settings):
    with pytest.raises(CommandError):
        call_command("create_cpr_key")
    assert call_command("create_cpr_key", "--if-missing", stdout=StringIO()) is None
    write(nurse, new_incident())
    key_file(settings).unlink()
    with pytest.raises(CommandError) as info:
        call_command("create_cpr_key")
    assert "backup" in str(info.value)
    assert not key_file(settings).exists()


def test_create_is_audited(db, settings):
    key_file(settings).unlink()
    call_command("create_cpr_key", stdout=StringIO())
    event = AuditEvent.objects.get(action="health.cpr_key.created")
    assert ring(settings)["current"] in event.summary
    assert ring(settings)["keys"][ring(settings)["current"]] not in str(event.changes)


# --- a clear error instead of a 500 ---------------------------------------------------------

def test_a_journal_from_another_ring_answers_a_clear_error(nurse, new_incident, settings,
                                                         tmp_path, api_as, login):
    """The old file restored after a new one was made: journals written in between answer
    `cpr_key_unavailable` on the page and in the API."""
    old = key_file(settings).read_bytes()
    key_file(settings).unlink()
    vault.create_ring()
    journal = write(nurse, new_incident())
    key_file(settings).write_bytes(old)
    r = api_as(nurse).get(f"/journal/{journal.pk}")
    assert r.status_code == 503 and r.json()["code"] == "cpr_key_unavailable"
    page = login(nurse).get(f"/staff/journal/{journal.pk}/")
    assert page.status_code == 503
    assert "cpr.key" not in page.content.decode()
    assert str(MESSAGES["cpr_key_unavailable"]) in page.content.decode()
    extract = login(nurse).get(f"/staff/journal/{journal.pk}/extract")
    assert extract.status_code in (302, 503)
    addendum = login(nurse).get(f"/staff/incidents/{journal.incident_id}/journal",
                                {"addendum_to": str(journal.pk)})
    assert addendum.status_code == 503


# --- rotation: resumable, audited, one new key per rotation --------------------------------

def test_rotation_reports_unreadable_rows_goes_on_and_is_audited(nurse, new_incident,
                                                                settings):
    good = write(nurse, new_incident("A"))
    other = write(nurse, new_incident("B"), cpr_number="010101-1234")
    broken = PatientIdentifier.objects.get(pk=other.patient_id)
    blob = bytearray(broken.ciphertext)
    blob[-1] ^= 1
    broken.ciphertext = bytes(blob)
    broken.save(update_fields=["ciphertext"])
    out = StringIO()
    call_command("rotate_cpr_key", stdout=out, stderr=out)
    new_key = vault.current_key_id()
    assert PatientIdentifier.objects.get(pk=good.patient_id).key_id == new_key
    assert str(broken.pk) in out.getvalue()
    event = AuditEvent.objects.get(action="health.cpr_key.rotated")
    assert "1 unreadable" in event.summary
    keys_after_first = set(ring(settings)["keys"])
    call_command("rotate_cpr_key", stdout=StringIO(), stderr=StringIO())
    assert set(ring(settings)["keys"]) == keys_after_first  # resumed, no second new key
    assert vault.current_key_id() == new_key


def test_retire_only_when_no_row_needs_the_key(nurse, new_incident, settings):
    write(nurse, new_incident())
    old_key = vault.current_key_id()
    with pytest.raises(CommandError):
        call_command("retire_cpr_key", old_key)  # the current key
    vault.rotate_key()
    with pytest.raises(CommandError) as info:
        call_command("retire_cpr_key", old_key)  # a row still needs it
    assert "1" in str(info.value)
    assert old_key in ring(settings)["keys"]
    call_command("rotate_cpr_key", stdout=StringIO())
    call_command("retire_cpr_key", old_key, stdout=StringIO())
    assert old_key not in ring(settings)["keys"]
    assert old_key in ring(settings)["retired"]
    assert AuditEvent.objects.filter(action="health.cpr_key.retired").count() == 1


# --- checks: refuse to start without a usable key ------------------------------------------

def _errors(deploy: bool):
    return [m for m in checks.run_checks(include_deployment_checks=deploy,
                                         tags=["stofrum_startup"])
            if m.id.startswith("stofrum.health.E") and m.level >= checks.ERROR]


def test_deploy_check_reports_a_missing_or_unreadable_key(db, settings):
    assert _errors(deploy=True) == []
    key_file(settings).unlink()
    assert [e.id for e in _errors(deploy=True)] == ["stofrum.health.E001"]
    key_file(settings).write_text("{not json")
    assert _errors(deploy=True) and _errors(deploy=False)
    key_file(settings).write_text(json.dumps({"current": "x", "keys": {}}))
    assert _errors(deploy=True)


def test_a_malformed_environment_key_fails_the_ordinary_check(db, settings, monkeypatch):
    monkeypatch.setenv("STOFRUM_CPR_KEY", "not-base64-of-32-bytes")
    assert _errors(deploy=False)
    monkeypatch.setenv("STOFRUM_CPR_KEY", base64.b64encode(b"short").decode())
    assert _errors(deploy=False)
    monkeypatch.setenv("STOFRUM_CPR_KEY", base64.b64encode(b"k" * 32).decode())
    assert _errors(deploy=True) == []


def test_environment_key_ids_differ_between_keys(monkeypatch):
    monkeypatch.setenv("STOFRUM_CPR_KEY", base64.b64encode(b"k" * 32).decode())
    one = vault.current_key_id()
    monkeypatch.setenv("STOFRUM_CPR_KEY", base64.b64encode(b"j" * 32).decode())
    assert vault.current_key_id() != one


def test_the_served_app_refuses_to_start_without_a_key(tmp_path):
    env = {**os.environ, "STOFRUM_VAR_DIR": str(tmp_path / "var"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "stofrum.settings", "SECRET_KEY": "tests-only"}
    env.pop("STOFRUM_CPR_KEY", None)
    env.pop("STOFRUM_CPR_KEY_FILE", None)
    result = subprocess.run([sys.executable, "-c", "import stofrum.asgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "create_cpr_key" in result.stderr
    assert not (tmp_path / "var" / "cpr.key").exists()


def test_a_changed_hash_key_is_reported(nurse, new_incident, settings):
    """Moving the same key from the file into STOFRUM_CPR_KEY would change the hash key
    that links a patient's journals: the deploy check (with the database) says so."""
    write(nurse, new_incident())
    found = [m.id for m in checks.run_checks(include_deployment_checks=True,
                                             databases=["default"])]
    assert "stofrum.health.E003" not in found
    changed = ring(settings)
    changed["hash_key"] = base64.b64encode(b"h" * 32).decode()
    key_file(settings).write_text(json.dumps(changed))
    found = [m.id for m in checks.run_checks(include_deployment_checks=True,
                                             databases=["default"])]
    assert "stofrum.health.E003" in found

"""Logging in: password for reception and analysts, password plus TOTP for health, leader
and admin, enrolment by QR code, lock-out, idle expiry."""

import time

import pytest
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from stofrum.audit.models import AuditEvent
from stofrum.staff.middleware import LAST_SEEN_KEY
from stofrum.staff.services import confirmed_device, pending_device


def code_for(device, offset=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def log_in(client, username, password=PASSWORD, next_url=""):
    return client.post(f"/login/{next_url}", {"username": username, "password": password})


def test_reception_logs_in_with_a_password(client, cast):
    r = log_in(client, cast["reception"].username)
    assert r.status_code == 302 and r["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(action="staff.login",
                                     actor=cast["reception"]).exists()


def test_wrong_password_is_refused_and_recorded(client, cast):
    r = log_in(client, cast["reception"].username, "nope")
    assert r.status_code == 400
    assert "Forkert brugernavn eller adgangskode" in r.content.decode()
    assert AuditEvent.objects.filter(action="staff.login_failed").count() == 1


def test_next_is_followed_but_never_off_site(client, cast):
    r = log_in(client, cast["reception"].username, next_url="?next=/staff/sites/h17/")
    assert r["Location"] == "/staff/sites/h17/"
    client.logout()
    r = log_in(client, cast["reception"].username, next_url="?next=https://evil.example/")
    assert r["Location"] == "/staff/"


@pytest.mark.parametrize("role", ["health", "leader", "admin"])
def test_two_factor_roles_need_a_code_before_any_staff_page(client, cast, role):
    staff = cast[role]
    r = log_in(client, staff.username)
    assert r.status_code == 302 and r["Location"].startswith("/login/verify/")
    r = client.get("/staff/")
    assert r.status_code == 302 and r["Location"].startswith("/login/verify/")
    r = client.post("/login/verify/", {"otp": "000000"})
    assert r.status_code == 400
    device = confirmed_device(staff)
    device.throttle_reset()  # django-otp slows down guessing after a failure
    r = client.post("/login/verify/", {"otp": code_for(device)})
    assert r.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_an_account_without_an_authenticator_enrols_with_a_qr_code(client, cast):
    leader = cast["leader"]
    TOTPDevice.objects.filter(user=leader).delete()
    r = log_in(client, leader.username)
    assert r["Location"].startswith("/login/enrol/")
    page = client.get(r["Location"]).content.decode()
    assert "<svg" in page and 'class="secret"' in page
    device = pending_device(leader)
    r = client.post("/login/enrol/", {"otp": code_for(device)})
    assert r.status_code == 302
    assert confirmed_device(leader) is not None
    assert AuditEvent.objects.filter(action="staff.two_factor.enrolled").exists()


def test_logout_is_post_only_and_recorded(client, cast):
    log_in(client, cast["reception"].username)
    assert client.get("/logout/").status_code == 405
    r = client.post("/logout/")
    assert r.status_code == 302
    assert client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(action="staff.logout").exists()


def test_lock_out_after_repeated_failures_per_username(client, cast):
    name = cast["reception"].username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, name, "wrong")
    r = log_in(client, name)  # the right password no longer helps
    assert r.status_code == 429
    assert "For mange mislykkede forsøg" in r.content.decode()
    # Another person at the same terminal is not locked out.
    assert log_in(client, cast["analyst"].username).status_code == 302


def test_lock_out_applies_to_the_api_too(client, cast):
    name = cast["reception"].username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token", {"username": name, "password": "x"},
                    content_type="application/json")
    r = client.post("/api/v1/auth/token", {"username": name, "password": PASSWORD},
                    content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "locked_out"


def test_idle_sessions_end(client, cast, settings):
    settings.STOFRUM_IDLE_MINUTES = 15
    log_in(client, cast["reception"].username)
    assert client.get("/staff/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 16 * 60
    session.save()
    r = client.get("/staff/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    event = AuditEvent.objects.filter(action="staff.logout").latest("at")
    assert event.summary == "idle"


def test_activity_within_the_limit_keeps_the_session(client, cast):
    log_in(client, cast["reception"].username)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 14 * 60
    session.save()
    assert client.get("/staff/").status_code == 200
    assert time.time() - client.session[LAST_SEEN_KEY] < 5


def test_event_streams_do_not_count_as_activity(client, cast):
    log_in(client, cast["reception"].username)
    session = client.session
    before = time.time() - 10 * 60
    session[LAST_SEEN_KEY] = before
    session.save()
    client.get("/staff/sites/h17/board", HTTP_X_STOFRUM_PASSIVE="1")
    assert client.session[LAST_SEEN_KEY] == before


def test_guessing_codes_is_throttled(client, cast):
    staff = cast["health"]
    log_in(client, staff.username)
    client.post("/login/verify/", {"otp": "000000"})
    r = client.post("/login/verify/", {"otp": code_for(confirmed_device(staff))})
    assert r.status_code == 400  # even the right code waits out the delay


def test_a_session_ends_after_its_absolute_lifetime_however_active(client, cast, settings,
                                                                   monkeypatch):
    from stofrum.staff import middleware

    settings.STOFRUM_SESSION_HOURS = 12
    log_in(client, cast["reception"].username)
    assert client.get("/staff/").status_code == 200
    started = client.session[middleware.LOGIN_AT_KEY]
    # Active a moment ago, so never idle: only the lifetime can end it.
    session = client.session
    session[LAST_SEEN_KEY] = started + (12 * 60 - 1) * 60
    session.save()
    monkeypatch.setattr(middleware, "clock", lambda: started + (12 * 60 - 1) * 60 + 30)
    assert client.get("/staff/").status_code == 200
    monkeypatch.setattr(middleware, "clock", lambda: started + 12 * 3600 + 60)
    r = client.get("/staff/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    event = AuditEvent.objects.filter(action="staff.logout").latest("at")
    assert event.summary == "session_lifetime"
    assert client.get("/staff/").status_code == 302

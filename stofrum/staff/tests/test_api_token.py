import hashlib
from datetime import timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from stofrum.staff.models import ApiToken
from stofrum.staff.services import confirmed_device
from stofrum.staff.tests.test_login_and_two_factor import code_for


def token(client, **body):
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_token_for_a_password_role_and_using_it(client, cast):
    r = token(client, username=cast["reception"].username, password=PASSWORD)
    assert r.status_code == 200
    raw = r.json()["token"]
    assert r.json()["expires_at"]
    me = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert me["username"] == cast["reception"].username and me["sites"] == ["h17"]
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in stored.key_hash


def test_two_factor_roles_need_the_code(client, cast):
    nurse = cast["health"]
    r = token(client, username=nurse.username, password=PASSWORD)
    assert r.status_code == 401 and r.json()["code"] == "otp_required"
    r = token(client, username=nurse.username, password=PASSWORD, otp="123456")
    assert r.status_code == 401 and r.json()["code"] == "invalid_otp"
    device = confirmed_device(nurse)
    device.throttle_reset()  # django-otp slows down guessing after a failure
    r = token(client, username=nurse.username, password=PASSWORD, otp=code_for(device))
    assert r.status_code == 200


def test_wrong_password(client, cast):
    r = token(client, username=cast["reception"].username, password="nope")
    assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"


def test_expired_revoked_and_inactive_tokens_are_refused(client, cast):
    staff = cast["reception"]
    expired, raw_expired = ApiToken.issue(staff, timezone.now() - timedelta(seconds=1))
    r = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw_expired}")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    _, raw = ApiToken.issue(staff, timezone.now() + timedelta(hours=1))
    assert client.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {raw}"
                         ).status_code == 204
    assert client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    _, raw = ApiToken.issue(staff, timezone.now() + timedelta(hours=1))
    staff.is_active = False
    staff.save()
    assert client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_two_factor_role_without_a_device_cannot_get_a_token(client, cast):
    leader = cast["leader"]
    TOTPDevice.objects.filter(user=leader).delete()
    r = token(client, username=leader.username, password=PASSWORD, otp="123456")
    assert r.status_code == 401 and r.json()["code"] == "invalid_otp"

"""An administrator's changes to a staff account are audited in full, and a password reset
or a deactivation ends the member's API tokens at once."""

import pytest
from django.test import Client

from stofrum.audit.models import AuditEvent
from stofrum.audit.tests.test_admin_edits_audited import change_form_data
from stofrum.staff.models import ApiToken

NEW_PASSWORD = "Fresh-Passphrase-for-2026"


@pytest.fixture
def admin_client(client, cast, login):
    login(cast["admin"])
    return client


@pytest.fixture
def member_api(cast, api_as):
    """The reception member's own API client (a bearer token, no session cookie)."""
    from datetime import timedelta

    from django.utils import timezone

    _, raw = ApiToken.issue(cast["reception"], timezone.now() + timedelta(hours=8))
    plain = Client()

    def get():
        return plain.get("/api/v1/persons", {"q": "x"}, HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert get().status_code == 200
    return get


def _change_member(admin_client, member, **changes):
    url = f"/admin/staff/staffmember/{member.pk}/change/"
    data = change_form_data(admin_client.get(url))
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return admin_client.post(url, data)


def test_a_password_reset_is_audited_and_ends_the_members_tokens(admin_client, cast,
                                                                 member_api):
    member = cast["reception"]
    r = admin_client.post(f"/admin/staff/staffmember/{member.pk}/password/",
                          {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                           "usable_password": "true"})
    assert r.status_code == 302, r.context["form"].errors if r.context else r

    event = AuditEvent.objects.get(action="staff.password_reset")
    assert event.actor == cast["admin"]
    assert (event.object_type, event.object_id) == ("staff.staffmember", str(member.pk))
    member.refresh_from_db()
    assert member.password[:20] not in str(event.changes) + event.summary
    assert not ApiToken.objects.filter(staff=member).exists()
    assert member_api().status_code == 401


def test_a_refused_password_reset_changes_nothing(admin_client, cast, member_api):
    member = cast["reception"]
    r = admin_client.post(f"/admin/staff/staffmember/{member.pk}/password/",
                          {"password1": NEW_PASSWORD, "password2": "something else",
                           "usable_password": "true"})
    assert r.status_code == 200
    assert not AuditEvent.objects.filter(action="staff.password_reset").exists()
    assert member_api().status_code == 200


def test_deactivating_a_member_ends_their_tokens(admin_client, cast, member_api):
    member = cast["reception"]
    r = _change_member(admin_client, member, is_active=None)
    assert r.status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    assert not ApiToken.objects.filter(staff=member).exists()
    event = AuditEvent.objects.get(action="staff.staffmember.changed")
    assert event.changes["is_active"] == [True, False]
    assert AuditEvent.objects.filter(action="staff.api_tokens.revoked",
                                     object_id=str(member.pk)).exists()
    assert member_api().status_code == 401


def test_the_token_of_an_inactive_member_is_refused(cast, member_api):
    member = cast["reception"]
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert member_api().status_code == 401


def test_changing_a_members_sites_records_them_before_and_after(admin_client, cast, sites):
    member = cast["reception"]
    r = _change_member(admin_client, member,
                       sites=[str(sites["h17"].pk), str(sites["skyen"].pk)])
    assert r.status_code == 302
    assert set(member.sites.values_list("slug", flat=True)) == {"h17", "skyen"}
    event = AuditEvent.objects.get(action="staff.staffmember.changed")
    before, after = event.changes["sites"]
    assert sorted(before) == [str(sites["h17"].pk)]
    assert sorted(after) == sorted([str(sites["h17"].pk), str(sites["skyen"].pk)])

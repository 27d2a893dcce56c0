import io

import pytest
from django.core.management import CommandError, call_command

from stofrum.staff.demo import DEMO_ACCOUNTS
from stofrum.staff.models import StaffMember


def create(monkeypatch, *args, password="a long enough passphrase"):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("create_staff", *args, "--password-stdin", stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("role", ["health", "leader", "admin"])
def test_two_factor_roles_print_the_enrolment_uri_on_its_own_line(sites, monkeypatch, role):
    lines = create(monkeypatch, "kim", "--role", role, "--sites", "h17,skyen")
    uris = [line for line in lines if line.startswith("otpauth://totp/")]
    assert len(uris) == 1 and "secret=" in uris[0]
    staff = StaffMember.objects.get(username="kim")
    assert staff.role == role
    assert sorted(s.slug for s in staff.sites.all()) == ["h17", "skyen"]
    assert staff.check_password("a long enough passphrase")


@pytest.mark.parametrize("role", ["reception", "analyst"])
def test_password_roles_print_no_uri(sites, monkeypatch, role):
    lines = create(monkeypatch, "lis", "--role", role, "--sites", "h17")
    assert not any(line.startswith("otpauth://") for line in lines)


@pytest.mark.parametrize("args, password, fragment", [
    (["x", "--role", "reception", "--sites", "nowhere"], "a long enough passphrase",
     "unknown_site"),
    (["x", "--role", "reception", "--sites", "h17"], "123", "weak_password"),
])
def test_bad_input_is_a_clear_error(sites, monkeypatch, args, password, fragment):
    with pytest.raises(CommandError, match=fragment):
        create(monkeypatch, *args, password=password)
    assert not StaffMember.objects.filter(username="x").exists()


def test_unknown_role_is_refused(sites, monkeypatch):
    with pytest.raises(CommandError):
        create(monkeypatch, "x", "--role", "janitor")


def test_duplicate_username_is_refused(sites, monkeypatch):
    create(monkeypatch, "dup", "--role", "reception", "--sites", "h17")
    with pytest.raises(CommandError, match="username_taken"):
        create(monkeypatch, "DUP", "--role", "reception", "--sites", "h17")


def test_demo_accounts_are_idempotent_one_per_role(sites):
    before = set(StaffMember.objects.values_list("pk", flat=True))  # the session's cast
    call_command("seed_demo_accounts", stdout=io.StringIO())
    call_command("seed_demo_accounts", stdout=io.StringIO())
    assert sorted(StaffMember.objects.exclude(pk__in=before).values_list("role", flat=True)) \
        == sorted(a["role"] for a in DEMO_ACCOUNTS)

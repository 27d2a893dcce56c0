"""`manage.py totp_code`: now's code, and with --unused a code the next sign-in accepts
even when now's was just used (django-otp accepts each step once)."""

import io

import pytest
from django.core.management import CommandError, call_command

from stofrum.staff.services import confirmed_device


def code(username, *args):
    out = io.StringIO()
    call_command("totp_code", username, *args, stdout=out)
    return out.getvalue().strip()


def test_unused_codes_sign_in_again_and_again_within_one_step(cast):
    leader = cast["leader"]
    assert confirmed_device(leader).verify_token(code(leader.username))
    used = []
    for _ in range(3):  # each sign-in at the next step moves the drift: never a wait
        used.append(code(leader.username, "--unused"))
        assert confirmed_device(leader).verify_token(used[-1])
    assert len(set(used)) == 3
    # (a refused code throttles the next attempts, so the replay comes last)
    assert not confirmed_device(leader).verify_token(used[-1])


def test_an_account_without_an_authenticator_is_refused(cast):
    with pytest.raises(CommandError, match="no such account"):
        code(cast["reception"].username)
    with pytest.raises(CommandError, match="no such account"):
        code("nobody")

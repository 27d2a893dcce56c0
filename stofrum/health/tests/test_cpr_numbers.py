"""CPR validation and fictitious numbers, as properties over all dates (hypothesis)."""

import calendar
import os
import stat
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stofrum.errors import DomainError
from stofrum.health import cpr, vault

# Touches no database: runs in the SQLite run only (conftest.py, engine_free).
pytestmark = pytest.mark.engine_free

DATES = st.dates(min_value=date(1858, 1, 1), max_value=date(2057, 12, 31))


def seventh_digits_for(year: int) -> list[int]:
    return [d for d in range(10) if cpr.century(d, year % 100) + year % 100 == year]


def test_the_century_table():
    assert [cpr.century(d, 10) for d in range(10)] == [1900] * 4 + [2000] * 5 + [2000]
    assert [cpr.century(d, 40) for d in range(10)] == [1900] * 5 + [2000] * 4 + [1900]
    assert [cpr.century(d, 60) for d in range(10)] == [1900] * 5 + [1800] * 4 + [1900]


@given(born=DATES, data=st.data())
@settings(max_examples=300, deadline=None)
def test_every_valid_date_and_century_is_accepted(born, data):
    seventh = data.draw(st.sampled_from(seventh_digits_for(born.year)))
    rest = data.draw(st.integers(min_value=0, max_value=999))
    text = f"{born:%d%m}{born.year % 100:02d}-{seventh}{rest:03d}"
    parsed = cpr.parse_cpr(text)
    assert parsed.birth_date == born and not parsed.is_fictitious
    assert cpr.parse_cpr(text.replace("-", "")).digits == parsed.digits


@given(year=st.integers(min_value=0, max_value=99), month=st.integers(min_value=1, max_value=12),
       seventh=st.integers(min_value=0, max_value=9), data=st.data())
@settings(max_examples=300, deadline=None)
def test_every_invalid_date_is_refused(year, month, seventh, data):
    full_year = cpr.century(seventh, year) + year
    days = calendar.monthrange(full_year, month)[1]
    day = data.draw(st.sampled_from([0, *range(days + 1, 61)]))
    with pytest.raises(DomainError) as info:
        cpr.parse_cpr(f"{day:02d}{month:02d}{year:02d}-{seventh}123")
    assert info.value.code == "invalid_cpr"


@pytest.mark.parametrize("text", ["", "abc", "1234567890123", "010180 1234", "13.01.80-1234",
                                  "011380-1234", "000180-1234", "290221-1234"])
def test_malformed_and_impossible_numbers_are_refused(text):
    with pytest.raises(DomainError):
        cpr.parse_cpr(text)


def test_leap_day_depends_on_the_century():
    assert cpr.parse_cpr("290200-4123").birth_date == date(2000, 2, 29)  # 4 + 00 → 2000
    with pytest.raises(DomainError):
        cpr.parse_cpr("290200-2123")  # 2 + 00 → 1900, not a leap year


def test_no_modulus_11_check():
    # Weights 4,3,2,7,6,5,4,3,2,1 give 111 for 070380-1235: not divisible by 11.
    digits = "0703801235"
    weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1]
    assert sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 != 0
    assert cpr.parse_cpr("070380-1235").birth_date == date(1980, 3, 7)


@given(born=DATES.filter(lambda d: seventh_digits_for(d.year)),
       gender=st.sampled_from(["male", "female", "other", "unknown"]))
@settings(max_examples=300, deadline=None)
def test_fictitious_numbers_are_never_real_and_decode_back(born, gender):
    number = cpr.generate_fictitious(born, gender)
    with pytest.raises(DomainError):
        cpr.parse_cpr(number)
    parsed = cpr.parse_any(number)
    assert parsed.is_fictitious and parsed.birth_date == born
    assert int(number[:2]) == born.day + 60
    if gender == "male":
        assert int(number[-1]) % 2 == 1
    if gender == "female":
        assert int(number[-1]) % 2 == 0


def test_fictitious_numbers_are_unique():
    taken: set[str] = set()
    for _ in range(500):
        number = cpr.generate_fictitious(date(1975, 5, 17), "female", taken.__contains__)
        assert number not in taken
        taken.add(number)
    assert len(taken) == 500


def test_when_a_date_is_nearly_full_a_free_number_is_still_found():
    born = date(1990, 1, 2)
    everything = {f"620190-{s}{m:02d}{last}" for s in seventh_digits_for(1990)
                  for m in range(100) for last in range(0, 10, 2)}
    free = sorted(everything)[1234]
    taken = everything - {free}
    assert cpr.generate_fictitious(born, "female", taken.__contains__) == free
    with pytest.raises(DomainError) as info:
        cpr.generate_fictitious(born, "female", everything.__contains__)
    assert info.value.code == "fictitious_exhausted"


def test_mask_and_format():
    assert cpr.mask("0703801234") == "070380-XXXX"
    assert cpr.format_cpr("0703801234") == "070380-1234"


# --- the vault ---------------------------------------------------------------------------

def test_vault_round_trip_without_the_digits_in_the_ciphertext(settings, tmp_path):
    blob = vault.encrypt_cpr("0703801234")
    assert vault.decrypt_cpr(blob) == "0703801234"
    for leak in (b"0703801234", b"MDcwMzgwMTIzNA", b"30373033383031323334"):
        assert leak not in blob
    assert vault.encrypt_cpr("0703801234") != blob  # fresh nonce


def test_tampered_ciphertext_is_refused():
    blob = bytearray(vault.encrypt_cpr("0703801234"))
    blob[-1] ^= 1
    with pytest.raises(vault.VaultError):
        vault.decrypt_cpr(bytes(blob))


def test_hash_is_stable_keyed_and_survives_rotation():
    first = vault.cpr_hash("0703801234")
    assert first == vault.cpr_hash("0703801234") != vault.cpr_hash("0703801235")
    old = vault.encrypt_cpr("0703801234")
    new_id = vault.rotate_key()
    assert vault.current_key_id() == new_id
    assert vault.decrypt_cpr(old) == "0703801234"  # old keys stay readable
    moved = vault.reencrypt(old)
    assert moved[2:2 + moved[1]] == new_id.encode() and vault.decrypt_cpr(moved) == "0703801234"
    assert vault.cpr_hash("0703801234") == first


def test_key_file_is_private(settings):
    vault.encrypt_cpr("0703801234")
    mode = stat.S_IMODE(os.stat(settings.STOFRUM_CPR_KEY_FILE).st_mode)
    assert mode == 0o600


def test_environment_key_takes_precedence(settings, monkeypatch):
    import base64

    os.remove(settings.STOFRUM_CPR_KEY_FILE)
    monkeypatch.setenv("STOFRUM_CPR_KEY", base64.b64encode(b"k" * 32).decode())
    assert vault.current_key_id().startswith("env-")
    assert vault.decrypt_cpr(vault.encrypt_cpr("0101011234")) == "0101011234"
    assert not os.path.exists(settings.STOFRUM_CPR_KEY_FILE)

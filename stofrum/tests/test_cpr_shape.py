"""The one detector of CPR-shaped numbers in free text (issue 12, "Free text"): real and
fictitious numbers with or without a dash or a space are found; ordinary numbers staff
write (phone numbers, times, dates, amounts, longer digit runs) are not."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stofrum.cpr_shape import find_cpr, mask_cpr
from stofrum.errors import DomainError
from stofrum.health import cpr
from stofrum.text import clean_text

# Touches no database: runs in the SQLite run only (conftest.py, engine_free).
pytestmark = pytest.mark.engine_free

DATES = st.dates(min_value=date(1858, 1, 1), max_value=date(2057, 12, 31))


def _seventh_digits(year: int) -> list[int]:
    return [d for d in range(10) if cpr.century(d, year % 100) + year % 100 == year]


def _found(text: str) -> list[str]:
    return [text[start:end] for start, end in find_cpr(text)]


@pytest.mark.parametrize("text, number", [
    ("070380-1235", "070380-1235"),
    ("0703801235", "0703801235"),
    ("cpr 070380 1235 ok", "070380 1235"),
    ("født 070380 - 1235.", "070380 - 1235"),
    ("Hans (070380–1235) kom ind", "070380–1235"),
    ("290200-4123", "290200-4123"),          # leap day in 2000 (7th digit 4)
    ("010101-0001", "010101-0001"),
    ("311299-9999", "311299-9999"),
    ("nr.070380-1235,", "070380-1235"),
    ("ABC0703801235", "0703801235"),
])
def test_a_real_cpr_number_is_found(text, number):
    assert _found(text) == [number]


@pytest.mark.parametrize("number", ["670380-1235", "910180-4122", "6703801235"])
def test_a_fictitious_number_is_found(number):
    # Day raised by 60: the system's own replacement numbers are CPR numbers too.
    assert _found(f"fiktivt nummer {number}") == [number]


def test_several_numbers_are_all_found():
    assert _found("070380-1235 og 0101901234, ikke 12345678") == ["070380-1235", "0101901234"]


@pytest.mark.parametrize("text", [
    "Ring 12345678",                    # a phone number
    "tlf. 12 34 56 78",
    "tlf +45 12 34 56 78",
    "+4512345678",                      # 45 is no day
    "+45 2030405060",
    "kl. 12:05-13:30",                  # times
    "kl. 1205-1330",
    "12-05-2026",                       # dates
    "12.05.2026 kl. 14.30",
    "2026-05-12",
    "fra 12/05/26 til 13/05/26",
    "1.250.000 kr",                     # amounts
    "1250000000 kr",                    # ten digits, but month 50
    "udbetalt 250.000,50",
    "01019012345",                      # eleven digits: part of a longer run
    "7070380123512",                    # EAN-13 holding a CPR shape inside
    "1070380-1235",                     # a digit before
    "070380-12351",                     # a digit after
    "070380-123",                       # too short
    "011380-1234",                      # month 13
    "000180-1234",                      # day 00
    "320180-1234",                      # day 32
    "600180-1234",                      # day 60 (neither real nor fictitious)
    "920180-1234",                      # day 92
    "290221-1234",                      # no 29 February 2021
    "290200-2123",                      # 1900 was no leap year (7th digit 2)
    "",
    "ingen tal her",
])
def test_ordinary_numbers_are_not_taken_for_cpr(text):
    assert find_cpr(text) == []


def test_masking_replaces_the_digits_only_and_counts():
    masked, count = mask_cpr("Mit cpr er 070380-1235 og 6703801235, ring 12345678")
    assert masked == "Mit cpr er XXXXXX-XXXX og XXXXXXXXXX, ring 12345678"
    assert count == 2
    assert mask_cpr("intet her") == ("intet her", 0)


_SEPARATORS = st.sampled_from(["", "-", " ", " - ", "–"])
_FILLER = st.text(alphabet=st.characters(blacklist_categories=["Nd", "Cs"],
                                        blacklist_characters="\x00"), max_size=40)


@given(born=DATES.filter(lambda d: _seventh_digits(d.year)), fictitious=st.booleans(),
       sep=_SEPARATORS, before=_FILLER, after=_FILLER, data=st.data())
@settings(max_examples=300, deadline=None)
def test_any_cpr_number_in_any_text_is_caught_and_masked(born, fictitious, sep, before, after,
                                                         data):
    seventh = data.draw(st.sampled_from(_seventh_digits(born.year)))
    serial = data.draw(st.integers(min_value=0, max_value=999))
    day = born.day + (60 if fictitious else 0)
    number = f"{day:02d}{born:%m}{born.year % 100:02d}{sep}{seventh}{serial:03d}"
    text = f"{before}{number}{after}"

    assert number in _found(text)
    masked, count = mask_cpr(text)
    assert count >= 1 and find_cpr(masked) == []
    assert len(masked) == len(text)
    # Every free-text field's rule (stofrum/text.py) refuses it, naming the field.
    with pytest.raises(DomainError) as info:
        clean_text(text, "note", max_length=10_000)
    assert (info.value.code, info.value.extra["field"]) == ("cpr_in_free_text", "note")


@given(born=DATES.filter(lambda d: _seventh_digits(d.year)),
       gender=st.sampled_from(["male", "female", "other"]))
@settings(max_examples=100, deadline=None)
def test_every_generated_fictitious_number_is_caught(born, gender):
    number = cpr.generate_fictitious(born, gender)
    assert _found(f"note: {number}") == [number]

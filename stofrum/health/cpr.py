"""CPR numbers: validation of real ones, and the system's fictitious replacement numbers.

The date part and its century (the CPR office's table) live in stofrum/cpr_shape.py, with
the detector that keeps CPR numbers out of free text.

There is no modulus-11 check: numbers without it have been issued since 2007.

Fictitious (replacement) numbers follow the CPR office's recommendation: the first digit
of the birth day raised by 6 (day 07 becomes 67, day 31 becomes 91), then month and
two-digit year of the (approximate) birth date, and a serial whose 7th digit decodes to the
right century and whose last digit is odd for men and even for women. Their day is never a
real day, so they can never collide with a real number.
"""

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from stofrum.cpr_shape import FICTITIOUS_DAY_OFFSET, birth_date, century
from stofrum.errors import MESSAGES, DomainError

MESSAGES.update({
    "invalid_cpr": _("That is not a valid CPR number (DDMMYY-SSSS)."),
    "fictitious_cpr": _("That is a fictitious number, not a real CPR number."),
    "fictitious_exhausted": _("No free fictitious number is left for that birth date."),
})

_FORMAT = re.compile(r"^([0-9]{6})-?([0-9]{4})$")


@dataclass(frozen=True)
class Cpr:
    digits: str
    birth_date: date
    is_fictitious: bool

    @property
    def formatted(self) -> str:
        return format_cpr(self.digits)


def _decode(text: str, *, allow_fictitious: bool) -> Cpr:
    match = _FORMAT.match((text or "").strip())
    if not match:
        raise DomainError("invalid_cpr")
    digits = match.group(1) + match.group(2)
    decoded = birth_date(digits)
    if decoded is None:
        raise DomainError("invalid_cpr")
    born, fictitious = decoded
    if fictitious and not allow_fictitious:
        raise DomainError("invalid_cpr", DomainError("fictitious_cpr").message)
    return Cpr(digits=digits, birth_date=born, is_fictitious=fictitious)


def parse_cpr(text: str) -> Cpr:
    """A real CPR number, "DDMMYY-SSSS" or "DDMMYYSSSS". Refuses `invalid_cpr` for a wrong
    format, an impossible date (for the century the 7th digit gives) or a fictitious one."""
    return _decode(text, allow_fictitious=False)


def parse_any(text: str) -> Cpr:
    """A real or a fictitious number (marked as such). Refuses `invalid_cpr`."""
    return _decode(text, allow_fictitious=True)


def _seventh_digits(year: int) -> list[int]:
    yy = year % 100
    return [d for d in range(10) if century(d, yy) + yy == year]


def generate_fictitious(birth_date: date, gender: str,
                        exists: Callable[[str], bool] = lambda number: False) -> str:
    """A new fictitious number "DDMMYY-SSSS" for this (approximate) birth date and gender,
    one that `exists` does not know yet. Refuses `fictitious_exhausted` when every serial
    for the date is taken (9,000+ numbers for one date), `invalid_input` for a date the
    CPR system cannot express."""
    sevenths = _seventh_digits(birth_date.year)
    if not sevenths:
        raise DomainError("invalid_input", status=400, field="birth_date")
    day = birth_date.day + FICTITIOUS_DAY_OFFSET
    prefix = f"{day:02d}{birth_date:%m}{birth_date.year % 100:02d}"
    if gender == "male":
        last_digits = [1, 3, 5, 7, 9]
    elif gender == "female":
        last_digits = [0, 2, 4, 6, 8]
    else:
        last_digits = list(range(10))
    # Random serials first (quick while few are taken), then every one in turn.
    for _attempt in range(50):
        serial = (f"{secrets.choice(sevenths)}{secrets.randbelow(100):02d}"
                  f"{secrets.choice(last_digits)}")
        number = f"{prefix}-{serial}"
        if not exists(number):
            return number
    for seventh in sevenths:
        for middle in range(100):
            for last in last_digits:
                number = f"{prefix}-{seventh}{middle:02d}{last}"
                if not exists(number):
                    return number
    raise DomainError("fictitious_exhausted", status=409)


def format_cpr(digits: str) -> str:
    return f"{digits[:6]}-{digits[6:]}"


def mask(digits: str) -> str:
    """Shown by default: the date part only, "DDMMYY-XXXX"."""
    return f"{digits[:6]}-XXXX"

"""The shape of a CPR number, once: its date part and century (used by the journal's CPR
field, stofrum/health/cpr.py) and the detector that finds CPR numbers typed into free text
(notes, assessments, complaints), which must never hold one (issue 12).

A CPR number is DDMMYY-SSSS. The century comes from the 7th digit and the two-digit year,
per the CPR office's table (CPR-kontoret, "Personnummeret i CPR-systemet"):

    7th digit   year 00–36   37–57   58–99
    0–3         1900s        1900s   1900s
    4, 9        2000s        1900s   1900s
    5–8         2000s        2000s   1800s

A fictitious (replacement) number has its day raised by 60 (day 07 becomes 67), so it can
never collide with a real one; in free text it is found just the same.

In free text a CPR number is ten digits, alone (no digit right before or after), written
DDMMYYSSSS, DDMMYY-SSSS, DDMMYY SSSS or DDMMYY - SSSS (a hyphen or a dash), whose first six
digits are a real date (or a fictitious one) for the century the 7th digit gives. Phone
numbers (eight digits; with +45 the "day" is 45), times, dates with separators and amounts
are not that shape.
"""

import re
from datetime import date

FICTITIOUS_DAY_OFFSET = 60

# Ten ASCII digits as 6 + 4, with an optional hyphen or dash (and spaces) between, and no
# digit on either side.
_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{6})(?: ?[-‐‑–—] ?| )?([0-9]{4})(?![0-9])")
# What replaces each digit of a CPR number in a masked text.
MASK_DIGIT = "X"


def century(seventh_digit: int, yy: int) -> int:
    """The century (1800, 1900 or 2000) per the CPR office's table."""
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def birth_date(digits: str) -> tuple[date, bool] | None:
    """The birth date of ten CPR digits and whether the number is fictitious, or None when
    the first six are no date (for the century the 7th digit gives)."""
    day, month, yy = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    fictitious = day > FICTITIOUS_DAY_OFFSET
    if fictitious:
        day -= FICTITIOUS_DAY_OFFSET
    try:
        return date(century(int(digits[6]), yy) + yy, month, day), fictitious
    except ValueError:
        return None


def find_cpr(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of the CPR-shaped numbers in `text`, real or fictitious."""
    spans = []
    for match in _IN_TEXT.finditer(text or ""):
        if birth_date(match.group(1) + match.group(2)) is not None:
            spans.append(match.span())
    return spans


def has_cpr(text: str) -> bool:
    """Whether `text` holds a CPR-shaped number."""
    return bool(find_cpr(text))


def mask_cpr(text: str) -> tuple[str, int]:
    """`text` with the digits of every CPR-shaped number replaced by "X" (the separators
    and the length stay), and how many there were."""
    spans = find_cpr(text)
    if not spans:
        return text, 0
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(re.sub(r"[0-9]", MASK_DIGIT, text[start:end]))
        last = end
    parts.append(text[last:])
    return "".join(parts), len(spans)

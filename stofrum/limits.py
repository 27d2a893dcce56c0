"""Sane ranges for the dates and times people type or clients send, in one place.

Nothing in Stofrum happened before 2000 (the rooms opened in 2012); an event (an alarm, an
intervention, a treatment, a violation) cannot be more than a day ahead of the clock; a
date that plans ahead (a quarantine's end, a follow-up, a meeting) lies within ten years.
Birth dates lie between 1900 and today (birth years: stofrum/people/services.py
MIN_BIRTH_YEAR). The services check them (`check_date`, `check_moment`), the API schemas
declare them (`SaneDate`, `SaneMoment`, `EventTime`) and the page helpers in
stofrum/forms_util.py apply them to what forms post.
"""

from datetime import date, datetime, time, timedelta
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator

from stofrum.errors import InvalidInput

EARLIEST_DATE = date(2000, 1, 1)
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
YEARS_AHEAD = 10
EVENT_FUTURE_SLACK = timedelta(days=1)


def latest_date() -> date:
    """The furthest date anything may be planned for."""
    return timezone.localdate() + timedelta(days=365 * YEARS_AHEAD + 3)


def _earliest_moment() -> datetime:
    return timezone.make_aware(datetime.combine(EARLIEST_DATE, time()))


def date_in_range(value: date, *, birth: bool = False) -> bool:
    if birth:
        return EARLIEST_BIRTH_DATE <= value <= timezone.localdate()
    return EARLIEST_DATE <= value <= latest_date()


def moment_in_range(value: datetime, *, event: bool = False) -> bool:
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    latest = (timezone.now() + EVENT_FUTURE_SLACK if event
              else timezone.make_aware(datetime.combine(latest_date(), time())))
    return _earliest_moment() <= value <= latest


def check_date(value: date | None, field: str, *, birth: bool = False) -> date | None:
    """`value` if it lies in the sane range (see the module), else `invalid_date` (400)."""
    if value is not None and not date_in_range(value, birth=birth):
        raise InvalidInput("invalid_date", field=field)
    return value


def check_moment(value: datetime | None, field: str, *, event: bool = False):
    """`value` if it lies in the sane range (`event`: not more than a day ahead), else
    `invalid_date` (400)."""
    if value is not None and not moment_in_range(value, event=event):
        raise InvalidInput("invalid_date", field=field)
    return value


def _validator(check, **kwargs):
    def validate(value):
        if not check(value, **kwargs):
            raise ValueError("outside the accepted range of dates")
        return value

    return AfterValidator(validate)


# Types for the API schemas (a value out of range answers 400 invalid_input).
SaneDate = Annotated[date, _validator(date_in_range)]
BirthDate = Annotated[date, _validator(date_in_range, birth=True)]
SaneMoment = Annotated[datetime, _validator(moment_in_range)]
EventTime = Annotated[datetime, _validator(moment_in_range, event=True)]

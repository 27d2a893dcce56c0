"""Small helpers the thin page views share: reading typed values from a POST and turning
a refused use case into a message in place."""

from datetime import date

from django.http import Http404
from django.utils.dateparse import parse_date

from stofrum.errors import DomainError


def posted_date(value: str | None, field: str, *, required: bool = False) -> date | None:
    """A YYYY-MM-DD date from a form, or `invalid_date` (400)."""
    value = (value or "").strip()
    if not value:
        if required:
            raise DomainError("invalid_date", status=400, field=field)
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise DomainError("invalid_date", status=400, field=field)
    return parsed


def or_404(getter, staff, key):
    """`getter(staff, key)` (a use case's access function), or the page's 404: an object
    the staff member may not see is "not found", the same as a missing one."""
    try:
        return getter(staff, key)
    except DomainError:
        raise Http404 from None

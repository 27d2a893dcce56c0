"""Small helpers the thin views share: reading typed dates and times from a form or a
query string, turning a refused lookup into the page's 404, and saying how a posted form's
use case went."""

from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from stofrum.errors import DomainError
from stofrum.limits import check_date, check_moment


def posted_date(value, field: str, *, required: bool = False) -> date | None:
    """A YYYY-MM-DD date from a form (or a date already), or `invalid_date` (400)."""
    if isinstance(value, date):
        return value
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
    return check_date(parsed, field)


def posted_moment(value: str | None, field: str) -> datetime | None:
    """A date and time from a form (`datetime-local`: Copenhagen time when it has no
    offset), None when empty, or `invalid_date` (400)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise DomainError("invalid_date", status=400, field=field)
    moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    return check_moment(moment, field)


def or_404(getter, staff, key):
    """`getter(staff, key)` (a use case's access function), or the page's 404: an object
    the staff member may not see is "not found", the same as a missing one."""
    try:
        return getter(staff, key)
    except DomainError as exc:
        if exc.status == 403:  # the role lacks the capability: said, not hidden
            raise PermissionDenied from None
        raise Http404 from None


def say_outcome(request, use_case, done_message: str) -> bool:
    """Run a posted form's `use_case()` and say on the next page how it went: its refusal's
    message, or `done_message`. A refusal as "not found" (an object or a site the staff
    member may not see) is the page's 404. True when it was done."""
    try:
        use_case()
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
        return False
    messages.success(request, done_message)
    return True

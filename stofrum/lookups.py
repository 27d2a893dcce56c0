"""Finding an object by the id a page or the API was given.

An id from a URL, a form, a query string or a JSON body is untrusted text: every
`get_*_for` function parses its key here, so that a key that cannot be an id ("abc", a
NUL byte, 300 characters, a number beyond the column) answers exactly like a missing one.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models

# The widest integer primary key (BigAutoField): larger numbers cannot be an id.
MAX_INT_PK = 2**63 - 1
# Codes and slugs are short; a longer key cannot be one (and never reaches the database).
MAX_KEY_LENGTH = 100


def parse_pk(model, key):
    """The primary key value of `model` that `key` stands for, or None when `key` cannot
    be one (wrong type, malformed, out of range)."""
    if key is None or isinstance(key, bool):
        return None
    field = model._meta.pk
    if isinstance(key, str):
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or "\x00" in key:
            return None
    if isinstance(field, models.UUIDField):
        if isinstance(key, uuid.UUID):
            return key
        try:
            return uuid.UUID(str(key))
        except ValueError:
            return None
    if isinstance(field, (models.AutoField, models.BigAutoField, models.IntegerField)):
        if isinstance(key, float) or (isinstance(key, str) and not key.lstrip("-").isdigit()):
            return None
        try:
            value = int(key)
        except (TypeError, ValueError):
            return None
        return value if 0 < value <= MAX_INT_PK else None
    try:
        return field.to_python(key)
    except (TypeError, ValueError, ValidationError):
        return None


def clean_key(key, *, max_length: int = MAX_KEY_LENGTH) -> str | None:
    """A code or slug given as untrusted text, trimmed, or None when it cannot be one
    (empty, too long, or holding a NUL byte, which PostgreSQL refuses in any text)."""
    if key is None or isinstance(key, bool):
        return None
    key = str(key).strip()
    if not key or len(key) > max_length or "\x00" in key:
        return None
    return key


def by_pk(queryset, key):
    """The object of `queryset` whose primary key is `key`, or None — also when `key`
    cannot be an id of that model."""
    value = parse_pk(queryset.model, key)
    return None if value is None else queryset.filter(pk=value).first()


def by_int_pk(queryset, key):
    """The object of `queryset` whose integer primary key is `key`, or None — also when
    `key` is not a number (an id from a URL or a form is untrusted text)."""
    return by_pk(queryset, key)


def at_sites_of(queryset, staff, field: str = "site"):
    """The rows of `queryset` held by the sites `staff` is a member of (`field` names the
    row's site, or a path to it); every row for roles that see all sites (administrators).

    The one site scoping of pages and API alike: whatever lists per-site records (visits,
    services, referrals, violations, journals, ...) filters through here."""
    if staff.sees_all_sites:
        return queryset
    return queryset.filter(**{f"{field}__in": staff.site_ids})


def at_site_of(staff, site_id) -> bool:
    """Whether a row at `site_id` is one `at_sites_of` keeps for `staff` (for rows already
    loaded)."""
    return staff.sees_all_sites or site_id in staff.site_ids

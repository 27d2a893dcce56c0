"""Finding an object by the id a page or the API was given."""


def by_int_pk(queryset, key):
    """The object of `queryset` whose integer primary key is `key`, or None — also when
    `key` is not a number (an id from a URL or a form is untrusted text)."""
    try:
        return queryset.filter(pk=int(key)).first()
    except (TypeError, ValueError):
        return None


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

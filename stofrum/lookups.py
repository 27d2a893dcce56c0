"""Finding an object by the id a page or the API was given."""


def by_int_pk(queryset, key):
    """The object of `queryset` whose integer primary key is `key`, or None — also when
    `key` is not a number (an id from a URL or a form is untrusted text)."""
    try:
        return queryset.filter(pk=int(key)).first()
    except (TypeError, ValueError):
        return None

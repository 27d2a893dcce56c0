"""Paging of the API's lists: one helper for every list endpoint (API.md, "Conventions":
`?limit=&offset=`, default 50, max 500, `{"items": [...], "count": N}`).

The page is cut in the database (LIMIT/OFFSET) and `count` is the true total (COUNT), so a
list never loads more rows than one page and never stops counting at some cap. An endpoint
returns a query, or `Rows(query, out)` when each row is turned into its answer by `out`
(called for the rows of the page only):

    @router.get("", response=list[ThingOut])
    @paged
    def list_things(request, **kwargs):
        return Rows(Thing.objects.filter(...).select_related(...), thing_out)

`prepare(page)`, if given, loads in bulk what `out` needs for the rows of one page (so the
number of queries does not grow with the rows). The query must have a total order (end
its `order_by` with the primary key) so that pages neither overlap nor skip rows.
A use case that ranks its results in Python and bounds them itself (the person search)
returns `Rows(list, ...)`: that list is then paged as it is.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, paginate

# No list comes near this many rows; a larger offset is malformed (400), not a database
# overflow (it would not fit PostgreSQL's bigint).
MAX_OFFSET = 1_000_000_000


@dataclass(frozen=True)
class Rows:
    """A query to page in the database, and how one of its rows becomes an answer item."""

    query: QuerySet | Sequence
    out: Callable[[Any], Any] | None = None
    prepare: Callable[[list], None] | None = None


class DatabasePaging(LimitOffsetPagination):
    """Limit/offset paging that slices the query in SQL and counts the whole query."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1,
                           le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def paginate_queryset(self, queryset, pagination, request, **params):
        rows = queryset if isinstance(queryset, Rows) else Rows(queryset)
        if not isinstance(rows.query, QuerySet | Sequence):
            raise TypeError("a paged list returns a query or Rows")
        offset = pagination.offset
        limit = min(pagination.limit, self.max_limit)
        page = list(rows.query[offset:offset + limit])
        if not isinstance(rows.query, QuerySet):
            count = len(rows.query)
        elif page and len(page) < limit:
            count = offset + len(page)  # the last page: the total is known without counting
        else:
            count = rows.query.count()
        if rows.prepare is not None:
            rows.prepare(page)
        return {"items": [rows.out(row) for row in page] if rows.out else page,
                "count": count}


paged = paginate(DatabasePaging)

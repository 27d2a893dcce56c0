from datetime import date

from django.http import StreamingHttpResponse
from ninja import Query, Router, Schema

from stofrum.api_auth import staff_auth
from stofrum.api_errors import errors
from stofrum.errors import InvalidInput
from stofrum.stats import exports, indicators, mds
from stofrum.stats.scope import scope_for

router = Router(tags=["statistics"], auth=staff_auth)
FROM = Query(None, alias="from", description="first day (Copenhagen), default 30 days ago")
TO = Query(None, alias="to", description="last day (Copenhagen), default today")


class SeriesPoint(Schema):
    period: str
    value: int


class SeriesOut(Schema):
    bucket: str
    metric: str
    items: list[SeriesPoint]
    count: int


@router.get("/summary", response={200: dict, **errors(403, 404)})
def summary(request, site: str = "", date_from: date | None = FROM, date_to: date | None = TO):
    """Every indicator for a site (or the city) and a range of days (`from`, `to`,
    Copenhagen calendar days, both included; default the last 30 days)."""
    scope = scope_for(request.auth, site, date_from, date_to)
    return indicators.summary(scope.sites, scope.day_from, scope.day_to)


@router.get("/series", response={200: SeriesOut, **errors(403, 404)})
def series(request, site: str = "", bucket: str = "day", metric: str = "visits",
           date_from: date | None = FROM, date_to: date | None = TO):
    """A value per day, week or month: `metric` visits, check_ins or incidents."""
    if bucket not in indicators.BUCKETS:
        raise InvalidInput("invalid_input", field="bucket")
    if metric not in indicators.METRICS:
        raise InvalidInput("invalid_input", field="metric")
    scope = scope_for(request.auth, site, date_from, date_to)
    items = [{"period": period.isoformat(), "value": value} for period, value in
             indicators.series(scope.sites, scope.day_from, scope.day_to, bucket, metric)]
    return {"bucket": bucket, "metric": metric, "items": items, "count": len(items)}


@router.get("/export.csv", response=errors(403, 404), openapi_extra={"responses": {
    200: {"description": "CSV, small counts suppressed",
          "content": {"text/csv": {"schema": {"type": "string"}}}}}})
def export_csv(request, site: str = "", date_from: date | None = FROM,
               date_to: date | None = TO):
    """The summary and the daily visits as CSV for whole calendar months that have ended
    (default: the last one), protected against small-cell disclosure (streamed)."""
    if date_from is None and date_to is None:
        date_from, date_to = exports.last_whole_month()
    scope = scope_for(request.auth, site, date_from, date_to)
    exports.export_months(scope.day_from, scope.day_to)  # 400 before the stream starts
    response = StreamingHttpResponse(exports.stream_csv(scope),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="stofrum-{site or "city"}-{scope.day_from}-{scope.day_to}.csv"')
    return response


def _mds_scope(request, site, date_from, date_to):
    """The scope of a minimum data set request: whole months that have ended (default the
    last one), or 400 `export_whole_months` before anything is sent."""
    if date_from is None and date_to is None:
        date_from, date_to = exports.last_whole_month()
    scope = scope_for(request.auth, site, date_from, date_to)
    exports.export_months(scope.day_from, scope.day_to)
    return scope


@router.get("/mds", response={200: dict, **errors(403, 404)})
def minimum_data_set(request, site: str = "", date_from: date | None = FROM,
                     date_to: date | None = TO):
    """The open minimum data set (docs/minimum-data-set.md) of a site or the city, one row
    per month, indicator and key, for whole calendar months that have ended (default: the
    last one); small counts and the counts that would reveal them are `..`, as in every
    export."""
    scope = _mds_scope(request, site, date_from, date_to)
    items = [row.published() for row in mds.rows(scope)]
    return {"from": scope.day_from.isoformat(), "to": scope.day_to.isoformat(),
            "site": mds.column(scope), "note": exports.suppression_note(),
            "items": items, "count": len(items)}


@router.get("/mds.csv", response=errors(403, 404), openapi_extra={"responses": {
    200: {"description": "CSV: a comment line on suppression, the header, the rows",
          "content": {"text/csv": {"schema": {"type": "string"}}}}}})
def minimum_data_set_csv(request, site: str = "", date_from: date | None = FROM,
                         date_to: date | None = TO):
    """The minimum data set as CSV: the same rows as `GET /stats/mds`, after one comment
    line (`#`) on suppression (docs/minimum-data-set.schema.json describes the columns)."""
    scope = _mds_scope(request, site, date_from, date_to)
    response = StreamingHttpResponse(mds.stream_csv(scope),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="stofrum-mds-{mds.column(scope)}-{scope.day_from}-'
        f'{scope.day_to}.csv"')
    return response

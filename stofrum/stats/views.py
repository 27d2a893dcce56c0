"""Dashboards (the city and each site) and the monthly/yearly reports: charts with their
numbers beside them, from the indicators module."""

from dataclasses import replace
from datetime import date, timedelta

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from stofrum.errors import DomainError
from stofrum.sites.models import Site
from stofrum.staff.access import staff_required
from stofrum.staff.roles import Capability
from stofrum.stats import charts, exports, indicators, mds, surroundings
from stofrum.stats.labels import INDICATOR_LABELS, names_for
from stofrum.stats.labels import code_names as _names
from stofrum.stats.scope import scope_for

GROUP_TITLES = {
    "methods": gettext_lazy("Visits by intake method"),
    "substances": gettext_lazy("Visits by substance"),
    "genders": gettext_lazy("Visits by gender"),
    "ages": gettext_lazy("Visits by age"),
    "municipalities": gettext_lazy("Visits by home municipality (top 10)"),
    "incident_kinds": gettext_lazy("Incidents by kind"),
    "outcomes": gettext_lazy("Outcomes of incidents"),
    "services": gettext_lazy("Services by kind"),
    "targets": gettext_lazy("Referrals by target"),
    "refused": gettext_lazy("Turned away, by reason"),
    "neighbourhood": gettext_lazy("Reports from neighbours by kind"),
}


def _weekdays():
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def labelled(values: dict, name_of) -> list[tuple[str, int]]:
    """(readable name, count) for a {code: count} mapping, in its order."""
    return [(str(name_of(key) or key), n) for key, n in values.items()]


def _bucket(scope, requested: str) -> str:
    if requested in indicators.BUCKETS:
        return requested
    days = (scope.day_to - scope.day_from).days
    return "day" if days <= 62 else "week" if days <= 400 else "month"


def _scope(request, slug):
    return scope_for(request.user, slug, request.GET.get("from"), request.GET.get("to"))


def _period_label(period: date, bucket: str) -> str:
    return period.strftime("%Y-%m") if bucket == "month" else period.isoformat()


@staff_required(Capability.STATS_VIEW)
@require_GET
def dashboard_view(request, slug=None):
    """The city overview (no slug) or one site: visits over time, occupancy by weekday and
    hour, substances and methods, incidents over time, demographics."""
    try:
        scope = _scope(request, slug)
    except DomainError as exc:
        return render(request, "stats/bad_range.html", {"error": exc.message}, status=400)
    bucket = _bucket(scope, request.GET.get("bucket", ""))
    s = indicators.summary(scope.sites, scope.day_from, scope.day_to)
    names = _names()
    visits = [(_period_label(p, bucket), v) for p, v in
              indicators.series(scope.sites, scope.day_from, scope.day_to, bucket)]
    incidents = [(_period_label(p, bucket), v) for p, v in indicators.series(
        scope.sites, scope.day_from, scope.day_to, bucket, "incidents")]
    heat = indicators.heatmap(scope.sites, scope.day_from, scope.day_to)
    weekdays = _weekdays()
    groups = {
        "methods": labelled(s["visits_by_method"], names["method"]),
        "substances": labelled(s["visits_by_substance"], names["substance"]),
        "genders": labelled(s["visits_by_gender"], names["gender"]),
        "ages": list(s["visits_by_age_band"].items()),
        "municipalities": labelled(dict(list(s["visits_by_municipality"].items())[:10]),
                                   names["municipality"]),
        "incident_kinds": labelled(s["incidents_by_kind"], names["incident"]),
        "outcomes": labelled(s["incident_outcomes"], names["outcome"]),
        "services": labelled(s["services_by_kind"], names["service"]),
        "targets": labelled(s["referrals_by_target"], names["target"]),
        "refused": labelled(s["refused"], names["refusal"]),
        "neighbourhood": labelled(s["neighbourhood_reports"], names["report_kind"]),
    }
    return render(request, "stats/dashboard.html", {
        "scope": scope, "s": s, "bucket": bucket, "buckets": indicators.BUCKETS,
        "visits": visits, "incidents": incidents, "groups": groups,
        "heat_rows": list(zip(weekdays, heat["rows"], strict=True)), "hours": range(24),
        "charts": {
            "visits": charts.columns(visits, _("Visits")),
            "incidents": charts.columns(incidents, _("Incidents")),
            "heat": charts.heat(heat["rows"], weekdays, _("Occupancy by weekday and hour")),
            "overdue_heat": charts.heat(heat["rows"], weekdays,
                                        _("Booths overdue by weekday and hour"), "overdue"),
            **{name: charts.bars(items, str(GROUP_TITLES[name]))
               for name, items in groups.items()},
        },
        "sites": _stats_sites(request),
        "watch_by_site": [(site, indicators.booth_watch([site], scope.day_from, scope.day_to))
                          for site in scope.sites] if len(scope.sites) > 1 else [],
        "occupancy_pct": round(s["occupancy"] * 100, 1) if s["occupancy"] is not None
        else None,
        "surroundings": surroundings.dashboard(scope),
    })


def _report_range(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        month = int(request.GET["month"]) if request.GET.get("month") else None
        if not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
            raise ValueError
    except ValueError:
        raise DomainError("invalid_date", status=400) from None
    if month is None:
        return date(year, 1, 1), date(year, 12, 31), year, None
    last = (date(year + month // 12, month % 12 + 1, 1) - date.resolution)
    return date(year, month, 1), last, year, month


@staff_required(Capability.STATS_VIEW)
@require_GET
def report_view(request, slug=None):
    """A printable monthly or yearly report (the city, or one site), with CSV and XLSX."""
    try:
        day_from, day_to, year, month = _report_range(request)
        scope = scope_for(request.user, slug, day_from, day_to)
    except DomainError as exc:
        return render(request, "stats/bad_range.html", {"error": exc.message}, status=400)
    s = indicators.summary(scope.sites, scope.day_from, scope.day_to)
    names = _names()
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        try:
            scope = _export_scope(scope)
        except DomainError as exc:
            return render(request, "stats/bad_range.html", {"error": exc.message}, status=400)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.stream_csv(scope),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_filename(scope)}.csv"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx_bytes(scope),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{_filename(scope)}.xlsx"'
        return response
    rows = [(name, INDICATOR_LABELS.get(name, name), names_for(name, key, names), value)
            for name, key, value in indicators.flatten(s)]
    return render(request, "stats/report.html", {
        "scope": scope, "s": s, "year": year, "month": month, "rows": rows,
        "series": indicators.series(scope.sites, scope.day_from, scope.day_to,
                                    "day" if month else "month"),
        "suppress_below": settings.STOFRUM_SUPPRESS_BELOW,
    })


def _export_scope(scope):
    """The report's months that have ended (a year not yet over: its months so far); the
    files cover whole months only (stofrum.stats.exports)."""
    ended = exports.last_whole_month()[1]
    scope = replace(scope, day_to=min(scope.day_to, ended))
    exports.export_months(scope.day_from, scope.day_to)
    return scope


def _filename(scope) -> str:
    return f"stofrum-{scope.site.slug if scope.site else 'city'}-{scope.day_from}-{scope.day_to}"


UNITS = {
    "visits": gettext_lazy("visits"), "persons": gettext_lazy("persons"),
    "services": gettext_lazy("services"), "referrals": gettext_lazy("referrals"),
    "incidents": gettext_lazy("incidents"), "check-ins": gettext_lazy("check-ins"),
    "minutes": gettext_lazy("whole minutes"), "look-ins": gettext_lazy("look-ins"),
    "alerts": gettext_lazy("alerts"), "overdue periods": gettext_lazy("overdue periods"),
}


def _month(request, today: date) -> date:
    """The first day of the month asked for (`month=YYYY-MM`), default the last one that
    has ended; a month after this one is refused."""
    raw = request.GET.get("month")
    if not raw:
        return exports.last_whole_month(today)[0]
    try:
        year, month = (int(part) for part in raw.split("-"))
        first = date(year, month, 1)
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        raise DomainError("invalid_date", status=400, field="month") from None
    if first > today:
        raise DomainError("invalid_date", status=400, field="month")
    return first


@staff_required(Capability.STATS_VIEW)
@require_GET
def key_figures_view(request, slug=None):
    """Nøgletal: the minimum data set of one month for the city or a site (stofrum.stats.mds),
    every figure beside how it is published (`..` where suppressed). A month that has not
    ended shows its figures so far, marked as not yet published."""
    today = exports.today()
    try:
        first = _month(request, today)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        scope = scope_for(request.user, slug, first, last)
    except DomainError as exc:
        return render(request, "stats/bad_range.html", {"error": exc.message}, status=400)
    ended = last < today.replace(day=1)
    if ended:
        rows = mds.month_rows(list(Site.objects.all()), mds.column(scope), first, last)
    else:
        rows = mds.unpublished_rows(scope, first, last)
    names = _names()
    by_name = {}
    for row in rows:
        by_name.setdefault(row.indicator, []).append(row)
    groups = {}
    for indicator in mds.served():
        label = INDICATOR_LABELS.get(indicator.name, indicator.name)
        unit = UNITS.get(indicator.unit, indicator.unit)
        items = [{"name": indicator.name, "label": label, "unit": unit,
                  "key": names_for(row.indicator, row.key, names), "value": row.value,
                  "shown": row.shown} for row in by_name.get(indicator.name, [])]
        groups.setdefault(_group_of(indicator), []).extend(items or [{
            # a breakdown no site had a key of this month: no rows in the data set
            "name": indicator.name, "label": label, "unit": unit, "key": _("none"),
            "value": None, "shown": None, "empty": True}])
    before = (first - timedelta(days=1)).replace(day=1)
    after = last + timedelta(days=1)
    query = f"from={first.isoformat()}&to={last.isoformat()}" + (
        f"&site={scope.site.slug}" if scope.site else "")
    return render(request, "stats/key_figures.html", {
        "scope": scope, "month": first, "ended": ended, "groups": groups,
        "group_titles": MDS_GROUPS, "before": before,
        "after": after if after <= today else None,
        "sites": _stats_sites(request), "api_query": query,
        "missing": [i.name for i in mds.missing()],
        "suppress_below": settings.STOFRUM_SUPPRESS_BELOW,
    })


MDS_GROUPS = {
    "canada": gettext_lazy("Health Canada's nine monthly indicators"),
    "door": gettext_lazy("The door and the queue"),
    "watch": gettext_lazy("Booth watch and drug alerts"),
}


def _group_of(indicator) -> str:
    if indicator.canada:
        return "canada"
    return "door" if indicator.app == mds.STATS else "watch"


def _stats_sites(request) -> list:
    return [site for site in Site.objects.all()
            if request.user.can(Capability.STATS_VIEW, site)]

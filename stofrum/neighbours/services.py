"""Use cases for reports from neighbours (the surrounding environment, nærmiljø).

Anyone may report without logging in, on the public page or `POST
/api/v1/neighbourhood/reports`, rate limited per hashed client address as the public
complaints are (voice's `check_public_rate`, its own count) and with no address kept. The
staff of the report's site see it on the board, their home page and the site's list, and
close it when they have picked it up (collected, answered, nothing found): the time from
report to pickup is what the statistics count.

Where a report goes: the page makes the writer choose the nearest room. Through the API
`site` may be left out (API.md): such a report is about no particular room, as a complaint
may be, and every site's staff see it (whoever is nearest goes). Its contact details, the
one piece of personal data, are then read only by the leaders, who handle what concerns
no particular room (as they handle complaints about none). A report's contact details are
read by the door staff who are members of its site (an administrator, who sees every site,
does not read them), one audited reading at a time; they are never in a list, a board,
the statistics or an export, and `remove_expired_contacts` (apply_retention) removes them
STOFRUM_NEIGHBOUR_CONTACT_DAYS after the report was closed.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stofrum.audit.services import record
from stofrum.cpr_shape import mask_cpr
from stofrum.errors import Conflict, Forbidden, InvalidInput, NotFound
from stofrum.live.publish import publish_after_commit
from stofrum.lookups import at_sites_of, by_int_pk
from stofrum.neighbours.choices import ReportKind, ReportOutcome
from stofrum.neighbours.models import CONTACT_MAX, PLACE_MAX, NeighbourReport
from stofrum.sites.models import Site
from stofrum.staff.access import require_capability
from stofrum.staff.roles import Capability
from stofrum.text import NOTE_MAX, clean_text
from stofrum.voice.services import check_public_rate, complaint_site

RATE_SCOPE = "neighbourhood:"
# Who sees reports and closes them: the staff at a site's door (and administrators).
SEE = Capability.SITE_BOARD


def _announce(site) -> None:
    """Every board that shows the report hears of it (a report of no site: all of them)."""
    slugs = [site.slug] if site is not None else list(
        Site.objects.order_by("slug").values_list("slug", flat=True))
    for slug in slugs:
        publish_after_commit(slug, "board", {"reason": "neighbourhood_report"})


def file_report(*, site, kind: str, place: str, text: str = "", contact: str = "",
                client_address: str | None = None) -> NeighbourReport:
    """A neighbour's report, from the public page or the API, without login. `site` is a
    `Site`, a slug or nothing (no particular room; an unknown slug is refused, as for a
    complaint: voice's `complaint_site`). A CPR number in the place, the text or the
    contact is masked before anything is kept (`cpr_masked` on the returned report, not
    stored). Rate limited per hashed client address (STOFRUM_NEIGHBOUR_REPORT_RATE_LIMIT
    an hour); no address is kept, not even in the audit trail.

    Refuses: (400) `invalid_kind`, `text_required` (place), `text_too_long`; (404)
    `unknown_site`; (429) `too_many_requests`.
    """
    masked = 0
    values = {}
    for name, value in (("place", place), ("text", text), ("contact", contact)):
        values[name], found = mask_cpr(str(value or ""))
        masked += found
    site = complaint_site(None, site)
    if kind not in ReportKind.values:
        raise InvalidInput("invalid_kind", _("Choose what you want to report."), field="kind")
    place = clean_text(values["place"], "place", max_length=PLACE_MAX, required=True)
    text = clean_text(values["text"], "text", max_length=NOTE_MAX)
    contact = clean_text(values["contact"], "contact", max_length=CONTACT_MAX)
    with transaction.atomic():
        check_public_rate(client_address, scope=RATE_SCOPE,
                          limit=settings.STOFRUM_NEIGHBOUR_REPORT_RATE_LIMIT)
        report = NeighbourReport.objects.create(
            site=site, kind=kind, place=place, text=text, contact=contact,
            received_at=timezone.now())
        record(None, "neighbours.report_received", report, site=site, summary=kind,
               changes={"kind": kind, "contact_given": bool(contact)}, keep_address=False)
        _announce(site)
    report.cpr_masked = bool(masked)
    return report


def reports_for(staff, site=None, *, open_only: bool = False):
    """The reports `staff` sees: those of their sites (of `site`, when given) and those of
    no particular room; newest first. 403 for a role without the board."""
    require_capability(staff, SEE)
    qs = NeighbourReport.objects.select_related("site", "closed_by")
    if site is not None:
        if not staff.can(SEE, site):
            raise NotFound()
        qs = qs.filter(Q(site=site) | Q(site__isnull=True))
    else:
        qs = at_sites_of(qs, staff) | qs.filter(site__isnull=True)
    if open_only:
        qs = qs.filter(closed_at__isnull=True)
    return qs.order_by("-received_at", "-pk")


def open_count(site) -> int:
    """Open reports a site's staff should pick up: the site's and those of no room."""
    return NeighbourReport.objects.filter(Q(site=site) | Q(site__isnull=True),
                                          closed_at__isnull=True).count()


def get_report_for(staff, report_id) -> NeighbourReport:
    """The report, or 404 (also for one at a site `staff` is not a member of)."""
    report = by_int_pk(reports_for(staff), report_id)
    if report is None:
        raise NotFound()
    return report


def may_read_contact(staff, report: NeighbourReport) -> bool:
    """The door staff who are members of the report's site; for a report of no room, the
    leaders. (VOICE_RECORD is the door roles' own capability: administrators and analysts
    lack it, and `can` asks membership of the site for every role that has it.)"""
    if report.site_id is None:
        return staff.can(Capability.VOICE_RESPOND)
    return staff.can(Capability.VOICE_RECORD, report.site)


def read_contact(staff, report: NeighbourReport) -> str:
    """The neighbour's contact details, for the staff who may answer them (audited, the
    details themselves left out of the trail). 403 `forbidden` for anyone else who sees
    the report; "" when none was given or retention removed it."""
    if not may_read_contact(staff, report):
        raise Forbidden()
    with transaction.atomic():
        record(staff, "neighbours.contact_read", report, site=report.site,
               summary="removed" if report.contact_removed_at else "")
    return report.contact


def close_report(staff, report: NeighbourReport, outcome: str) -> NeighbourReport:
    """The report is picked up: collected, answered or nothing found. The pickup time is
    the closing time (`pickup_minutes` counts from the report).

    Refuses: (400) `invalid_outcome`; (404) `not_found`; (409) `already_closed` (two staff
    closing at once: the row lock lets one of them)."""
    if report.site_id is not None and not staff.can(SEE, report.site) or \
            report.site_id is None and not staff.can(SEE):
        raise NotFound()
    if outcome not in ReportOutcome.values:
        raise InvalidInput("invalid_outcome", _("Choose how the report was closed."),
                           field="outcome")
    with transaction.atomic():
        report = (NeighbourReport.objects.select_for_update(of=("self",))
                  .select_related("site").get(pk=report.pk))
        if report.closed_at is not None:
            raise Conflict("already_closed", _("Someone has already closed this report."))
        report.closed_at, report.outcome, report.closed_by = timezone.now(), outcome, staff
        report.save(update_fields=["closed_at", "outcome", "closed_by"])
        record(staff, "neighbours.report_closed", report, site=report.site, summary=outcome,
               changes={"outcome": outcome, "pickup_minutes": report.pickup_minutes})
        _announce(report.site)
    return report


def remove_expired_contacts(today: date) -> int:
    """Remove the contact details of reports closed more than STOFRUM_NEIGHBOUR_CONTACT_DAYS
    days before `today` (Copenhagen), each removal audited without the details; the count.
    Called by `apply_retention`, inside its transaction."""
    before = timezone.make_aware(datetime.combine(
        today - timedelta(days=settings.STOFRUM_NEIGHBOUR_CONTACT_DAYS), time()))
    expired = list(NeighbourReport.objects.select_for_update(of=("self",))
                   .filter(closed_at__lt=before).exclude(contact="")
                   .select_related("site").order_by("pk"))
    now = timezone.now()
    for report in expired:
        record(None, "neighbours.contact_removed", report, site=report.site,
               summary="retention")
    NeighbourReport.objects.filter(pk__in=[r.pk for r in expired]).update(
        contact="", contact_removed_at=now)
    return len(expired)

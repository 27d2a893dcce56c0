"""The door and the board of a site: search, check in, check out, booths, queue."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from stofrum.audit.filters import history_for
from stofrum.errors import DomainError
from stofrum.idempotency.pages import once_per_form
from stofrum.lookups import by_pk
from stofrum.people.models import Person
from stofrum.people.search import search
from stofrum.people.services import get_person_for
from stofrum.sites.models import Booth
from stofrum.staff.access import get_site_for, staff_required
from stofrum.staff.roles import Capability
from stofrum.staff.site_tools import site_tools
from stofrum.visits import rules, services
from stofrum.visits.board import board_for
from stofrum.visits.choices import OPEN_STATES, VisitState
from stofrum.visits.forms import AssistanceForm, CheckInForm, CorrectVisitForm
from stofrum.visits.models import Visit

SEARCH_LIMIT = 8


def _last_visit(person: Person, site) -> Visit | None:
    """The person's last visit at this site (never another site's record)."""
    return (
        Visit.objects.filter(person=person, site=site).select_related("method")
        .prefetch_related("substances").order_by("-checked_in_at").first()
    )


def _check_in_form(site, person, data=None) -> CheckInForm:
    initial = {"person": person.code}
    last = _last_visit(person, site)
    if last is not None:
        initial["substances"] = [s.code for s in last.substances.all()]
        if site.intake_methods.filter(pk=last.method_id).exists():
            initial["method"] = last.method.code
    return CheckInForm(data, site=site, initial=initial)


def _search(query, site):
    """Search results for the door of `site`: ranked by who is seen here, each with the
    quarantine or exclusion in force here (a badge), in one query for all of them."""
    results = search(query, limit=SEARCH_LIMIT, site=site) if query else []
    if results:
        badges = rules.quarantines_by_person([m.person.pk for m in results], site,
                                             timezone.now())
        for match in results:
            match.quarantine = badges.get(match.person.pk)
    return results


def _door_context(request, site, *, person=None, form=None, error=None, query=""):
    can_door = request.user.can(Capability.PERSONS_REGISTER, site)
    results = _search(query, site) if can_door else []
    if person is not None and form is None:
        form = _check_in_form(site, person)
    return {
        "site": site, "board": board_for(site), "can_door": can_door,
        "can_respond": request.user.can(Capability.INCIDENTS_RESPOND, site),
        "can_journal": request.user.can(Capability.JOURNAL_WRITE, site),
        "query": query, "results": results, "person": person, "form": form, "error": error,
        "site_tools": site_tools(request.user, site),
    }


@staff_required(Capability.SITE_BOARD)
def door_view(request, slug):
    """The site's page: the door (search, check in) beside the live board."""
    site = get_site_for(request.user, slug, Capability.SITE_BOARD)
    person = None
    if code := request.GET.get("person", "").strip():
        try:
            person = get_person_for(request.user, code)
        except DomainError:
            messages.error(request, _("No person with that code."))
    context = _door_context(request, site, person=person, query=request.GET.get("q", "").strip())
    return render(request, "visits/door.html", context)


@staff_required(Capability.PERSONS_REGISTER)
@require_GET
def search_fragment(request, slug):
    """Search results as an HTML fragment for search-as-you-type."""
    site = get_site_for(request.user, slug, Capability.PERSONS_REGISTER)
    query = request.GET.get("q", "").strip()[:80]
    results = _search(query, site)
    return render(request, "visits/_search_results.html",
                  {"site": site, "results": results, "query": query})


@staff_required(Capability.SITE_BOARD)
@require_GET
def board_fragment(request, slug):
    site = get_site_for(request.user, slug, Capability.SITE_BOARD)
    return render(request, "visits/_board.html", {
        "site": site, "board": board_for(site),
        "can_door": request.user.can(Capability.PERSONS_REGISTER, site),
        "can_respond": request.user.can(Capability.INCIDENTS_RESPOND, site),
        "can_journal": request.user.can(Capability.JOURNAL_WRITE, site)})


@staff_required(Capability.PERSONS_REGISTER)
@require_POST
@once_per_form
def check_in_view(request, slug):
    site = get_site_for(request.user, slug, Capability.PERSONS_REGISTER)
    try:
        person = get_person_for(request.user, request.POST.get("person", ""))
    except DomainError:
        messages.error(request, _("No person with that code."))
        return redirect("staff:site", slug=site.slug)
    form = CheckInForm(request.POST, site=site)
    error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            assistant = None
            if data["assisted_by"]:
                assistant = get_person_for(request.user, data["assisted_by"])
            visit = services.check_in(
                request.user, person, site, data["substances"], data["method"],
                assisted_by=assistant, assistant_assessment=data["assistant_assessment"])
        except DomainError as exc:
            error = exc.message if exc.code != "not_found" else _("No person with that code.")
        else:
            if visit.booth_id:
                messages.success(request, _("%(alias)s checked in: booth %(booth)s.") % {
                    "alias": person.alias, "booth": visit.booth.label})
            else:
                messages.success(request, _("%(alias)s is in the queue: number %(position)s.")
                                 % {"alias": person.alias, "position": visit.queue_position})
            return redirect("staff:site", slug=site.slug)
    context = _door_context(request, site, person=person, form=form, error=error)
    return render(request, "visits/door.html", context, status=422 if error else 400)


def _visit_action(request, slug, action, success: str = ""):
    site = get_site_for(request.user, slug, Capability.PERSONS_REGISTER)
    try:
        visit = services.get_visit_for(request.user, request.POST.get("visit", ""),
                                       Capability.PERSONS_REGISTER)
        if visit.site_id != site.pk:
            raise DomainError("not_found", status=404)
        action(visit)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if success:
            messages.success(request, success % {"alias": visit.person.alias})
    return redirect(reverse("staff:site", kwargs={"slug": site.slug}) + "#board")


@staff_required(Capability.PERSONS_REGISTER)
@require_POST
@once_per_form
def check_out_view(request, slug):
    cleaning = request.POST.get("cleaning") == "1"
    return _visit_action(request, slug, lambda v: services.check_out(
        request.user, v, cleaning=cleaning), _("%(alias)s is checked out."))


@staff_required(Capability.PERSONS_REGISTER)
@require_POST
def undo_checkout_view(request, slug):
    """Fortryd: take back a check-out made within STOFRUM_UNDO_MINUTES."""
    def undo(visit):
        visit = services.undo_check_out(request.user, visit)
        if visit.booth_id:
            messages.success(request, _("%(alias)s is back in booth %(booth)s.") % {
                "alias": visit.person.alias, "booth": visit.booth.label})
        else:
            messages.success(request, _("%(alias)s is back in the queue.") % {
                "alias": visit.person.alias})
    return _visit_action(request, slug, undo)


def _site_visit(request, site, visit_id) -> Visit | None:
    """The visit at this site the door may act on, or None (another site's, or none)."""
    try:
        visit = services.get_visit_for(request.user, visit_id, Capability.PERSONS_REGISTER)
    except DomainError:
        return None
    return visit if visit.site_id == site.pk else None


def _free_booths(site, visit):
    """Booths of the site a visit could move to: active, nobody in them, not being cleaned."""
    taken = Visit.objects.filter(site=site, state=VisitState.IN_BOOTH).values("booth_id")
    return list(Booth.objects.filter(site=site, is_active=True, cleaning_since__isnull=True)
                .exclude(pk__in=taken).select_related("method")
                .order_by("method__sort_order", "sort_order", "label"))


@staff_required(Capability.PERSONS_REGISTER)
def correct_view(request, slug, visit_id):
    """Ret: correct substances and method of an open or recent visit, or move booths."""
    site = get_site_for(request.user, slug, Capability.PERSONS_REGISTER)
    visit = _site_visit(request, site, visit_id)
    if visit is None:
        return redirect("staff:site", slug=site.slug)
    in_booth = visit.state == VisitState.IN_BOOTH
    form = CorrectVisitForm(
        request.POST or None, site=site,
        free_booths=_free_booths(site, visit) if in_booth else (),
        initial={"substances": [s.code for s in visit.substances.all()],
                 "method": visit.method.code})
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.correct_visit(
                request.user, visit, substances=data["substances"], method=data["method"],
                booth=(data["booth"] or None) if in_booth else None)
        except DomainError as exc:
            error = exc.message
        else:
            where = (_("booth %(booth)s") % {"booth": visit.booth.label} if visit.booth_id
                     else visit.get_state_display())
            messages.success(request, _("%(alias)s corrected: %(where)s.") % {
                "alias": visit.person.alias, "where": where})
            return redirect(reverse("staff:site", kwargs={"slug": site.slug}) + "#board")
    return render(request, "visits/correct.html", {
        "site": site, "visit": visit, "form": form, "error": error, "in_booth": in_booth,
        "is_open": visit.state in OPEN_STATES,
        "history": history_for(request.user, visit),
    }, status=(422 if error else 400) if request.method == "POST" else 200)


@staff_required(Capability.PERSONS_REGISTER)
@require_POST
def leave_queue_view(request, slug):
    return _visit_action(request, slug, lambda v: services.leave_queue(request.user, v),
                         _("%(alias)s left the queue."))


@staff_required(Capability.PERSONS_REGISTER)
@require_POST
def booth_ready_view(request, slug):
    site = get_site_for(request.user, slug, Capability.PERSONS_REGISTER)
    booth = by_pk(Booth.objects.filter(site=site), request.POST.get("booth"))
    if booth is not None:
        services.booth_ready(request.user, booth)
    return redirect(reverse("staff:site", kwargs={"slug": site.slug}) + "#board")


@staff_required(Capability.PERSONS_REGISTER)
@require_POST
def assisted_toggle_view(request, slug):
    site = get_site_for(request.user, slug, Capability.PERSONS_REGISTER)
    services.set_assisted_intake_available(request.user, site,
                                           request.POST.get("available") == "1")
    return redirect(reverse("staff:site", kwargs={"slug": site.slug}) + "#board")


@staff_required(Capability.PERSONS_REGISTER)
def assistance_view(request, slug, visit_id):
    """Add an assistant to an open visit, before the help is given."""
    site = get_site_for(request.user, slug, Capability.PERSONS_REGISTER)
    visit = _site_visit(request, site, visit_id)
    if visit is None:
        return redirect("staff:site", slug=site.slug)
    form = AssistanceForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            assistant = get_person_for(request.user, form.cleaned_data["assisted_by"])
            services.add_assistance(request.user, visit, assistant,
                                    form.cleaned_data["assistant_assessment"])
        except DomainError as exc:
            error = exc.message if exc.code != "not_found" else _("No person with that code.")
        else:
            messages.success(request, _("Assisted intake recorded."))
            return redirect("staff:site", slug=site.slug)
    return render(request, "visits/assistance.html",
                  {"site": site, "visit": visit, "form": form, "error": error},
                  status=422 if error else 200)

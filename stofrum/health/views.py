"""The alarm and the incident screen: one tap to raise, large buttons while it happens."""

from datetime import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stofrum.errors import DomainError
from stofrum.forms_util import or_404
from stofrum.health import services
from stofrum.health.choices import IncidentKind, InterventionKind, NaloxoneRoute, Outcome
from stofrum.health.forms import DisclosureForm, JournalForm, RevealForm
from stofrum.health.models import Incident
from stofrum.idempotency.pages import once_per_form
from stofrum.lookups import by_pk
from stofrum.no_store import no_store
from stofrum.staff.access import get_site_for, staff_required
from stofrum.staff.roles import Capability
from stofrum.visits.services import get_visit_for

NALOXONE_DOSES = ["0.4", "0.8", "1.6", "2.0"]


@staff_required(Capability.INCIDENTS_RESPOND)
@require_POST
@once_per_form
def raise_alarm_view(request, slug):
    """One tap on a booth tile (or the site's alarm button) raises the alarm, or joins the
    booth's open incident: either way the incident page comes up."""
    site = get_site_for(request.user, slug, Capability.INCIDENTS_RESPOND)
    kind = request.POST.get("kind") or IncidentKind.UNKNOWN
    try:
        visit = None
        if request.POST.get("visit"):
            visit = get_visit_for(request.user, request.POST["visit"],
                                  Capability.INCIDENTS_RESPOND)
        incident = services.raise_alarm(request.user, site, kind, visit=visit)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("staff:site", slug=site.slug)
    if incident.joined:
        messages.info(request, _("An alarm is already running here: this is its incident."))
    return redirect("health:incident", incident_id=incident.pk)


def _incident(request, incident_id) -> Incident:
    return or_404(services.get_incident_for, request.user, incident_id)


def _parse_time(incident, value: str):
    """A clock time typed on the incident screen, on the incident's (Copenhagen) day."""
    try:
        clock = datetime.strptime(value.strip(), "%H:%M:%S" if value.count(":") == 2
                                  else "%H:%M").time()
    except ValueError:
        raise DomainError("invalid_input", status=400, field="at") from None
    day = timezone.localtime(incident.started_at).date()
    return timezone.make_aware(datetime.combine(day, clock))


@staff_required(Capability.INCIDENTS_RESPOND)
@once_per_form
def incident_view(request, incident_id):
    """During the event: who responds, big buttons for what is done, the timeline;
    afterwards: corrected times and the outcome."""
    incident = _incident(request, incident_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                services.acknowledge(request.user, incident)
            elif action == "intervention":
                services.record_intervention(
                    request.user, incident, request.POST.get("kind", ""),
                    dose_mg=request.POST.get("dose_mg") or None,
                    route=request.POST.get("route", ""), note=request.POST.get("note", ""))
            elif action == "correct_time":
                intervention = by_pk(incident.interventions.all(),
                                     request.POST.get("intervention"))
                if intervention is None:
                    raise DomainError("invalid_input", status=400, field="intervention")
                services.correct_intervention_time(
                    request.user, intervention, _parse_time(incident, request.POST["at"]))
            elif action == "set_kind":
                services.set_incident_kind(request.user, incident, request.POST.get("kind", ""))
            elif action == "close":
                services.close_incident(request.user, incident, request.POST.get("outcome", ""),
                                        kind=request.POST.get("kind") or None)
                return redirect("staff:site", slug=incident.site.slug)
        except DomainError as exc:
            messages.error(request, exc.message)
        except (KeyError, ValueError):
            messages.error(request, DomainError("invalid_input").message)
        return redirect("health:incident", incident_id=incident.pk)
    interventions = list(incident.interventions.select_related("recorded_by"))
    return render(request, "health/incident.html", {
        "incident": incident, "site": incident.site, "interventions": interventions,
        "responders": incident.responders.select_related("staff"),
        "reminder_due": services.naloxone_reminder_due(incident),
        "intervention_kinds": [k for k in InterventionKind if k != InterventionKind.NALOXONE],
        "naloxone_doses": NALOXONE_DOSES, "routes": NaloxoneRoute.choices,
        "outcomes": Outcome.choices, "kinds": IncidentKind.choices,
        "redose_seconds": services.settings.STOFRUM_NALOXONE_REDOSE_SECONDS,
        "can_journal": request.user.can(Capability.JOURNAL_WRITE, incident.site),
        "journals": incident.journals.select_related("written_by").order_by("written_at")
        if request.user.can(Capability.JOURNAL_WRITE, incident.site) else [],
    })


KEY_UNAVAILABLE = "cpr_key_unavailable"


def _key_unavailable(request, exc: DomainError, site):
    """The page for a record whose CPR key the server lacks (503, never a 500); any other
    refusal goes on up."""
    if exc.code != KEY_UNAVAILABLE:
        raise exc
    return render(request, "health/cpr_key_unavailable.html",
                  {"site": site, "message": exc.message}, status=exc.status)


def _journal(request, journal_id):
    return or_404(services.get_journal_for, request.user, journal_id)


@no_store
@staff_required(Capability.JOURNAL_WRITE)
def write_journal_view(request, incident_id):
    """Health staff write the journal after treatment (CPR or a fictitious number)."""
    incident = _incident(request, incident_id)
    if not request.user.can(Capability.JOURNAL_WRITE, incident.site):
        raise Http404
    addendum_to = None
    if request.GET.get("addendum_to") or request.POST.get("addendum_to"):
        addendum_to = _journal(request, request.GET.get("addendum_to")
                               or request.POST.get("addendum_to"))
    initial = {
        "treated_by": ", ".join(r.staff.get_full_name() or r.staff.username
                                for r in incident.responders.select_related("staff"))
        or request.user.username,
        "treatment": services.treatment_from_timeline(incident),
    }
    if addendum_to is not None:
        initial["treated_by"] = addendum_to.treated_by
    form = JournalForm(request.POST or None, initial=initial,
                       addendum=addendum_to is not None)
    error, error_status = None, None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            journal = services.write_journal(
                request.user, incident, disclosure_consent=data["disclosure_consent"],
                assessment=data["assessment"], treatment=data["treatment"],
                information_given=data["information_given"], treated_by=data["treated_by"],
                cpr_number=data["cpr"] if data.get("patient_id") == "cpr" else None,
                fictitious=data.get("patient_id") == "fictitious",
                birth_date=data.get("birth_date"), addendum_to=addendum_to)
        except DomainError as exc:
            error, error_status = exc.message, exc.status if exc.code == KEY_UNAVAILABLE else None
            if exc.extra.get("field") in form.fields:  # e.g. a CPR number in the assessment
                form.add_error(exc.extra["field"], exc.message)
        else:
            return redirect("health:journal", journal_id=journal.pk)
    try:
        original = services.read_journal(request.user, addendum_to) if addendum_to else None
    except DomainError as exc:
        return _key_unavailable(request, exc, incident.site)
    status = (422 if error else 400) if request.method == "POST" else 200
    if error is not None and error_status:
        status = error_status
    return render(request, "health/journal_form.html", {
        "incident": incident, "site": incident.site, "form": form, "error": error,
        "addendum_to": addendum_to, "original": original,
    }, status=status)


@no_store
@staff_required(Capability.JOURNAL_WRITE)
def journal_view(request, journal_id):
    """The record, CPR masked; revealing it is an explicit, audited action with a reason."""
    journal = _journal(request, journal_id)
    reveal_form = RevealForm(request.POST if request.POST.get("action") == "reveal" else None)
    disclosure_form = DisclosureForm(request.POST if request.POST.get("action") == "disclose"
                                     else None)
    reveal, reason, error = False, "", None
    if request.method == "POST":
        if request.POST.get("action") == "reveal" and reveal_form.is_valid():
            reveal, reason = True, reveal_form.cleaned_data["reason"]
        elif request.POST.get("action") == "disclose" and disclosure_form.is_valid():
            try:
                services.record_disclosure(request.user, journal,
                                           disclosure_form.cleaned_data["to_whom"])
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, _("The disclosure is recorded."))
                return redirect("health:journal", journal_id=journal.pk)
    try:
        try:
            shown = services.read_journal(request.user, journal, reveal=reveal, reason=reason)
        except DomainError as exc:
            if exc.code == KEY_UNAVAILABLE:
                raise
            error = exc.message
            shown = services.read_journal(request.user, journal)
    except DomainError as exc:
        return _key_unavailable(request, exc, journal.site)
    return render(request, "health/journal.html", {
        **shown, "site": journal.site, "reveal_form": reveal_form,
        "disclosure_form": disclosure_form, "error": error,
        "disclosures": journal.disclosures.select_related("disclosed_by"),
    }, status=422 if error else 200)


@no_store
@staff_required(Capability.JOURNAL_WRITE)
def journal_extract_view(request, journal_id):
    """A printable extract for the Region, only when the person consented (audited read)."""
    journal = _journal(request, journal_id)
    try:
        shown = services.journal_extract(request.user, journal)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("health:journal", journal_id=journal.pk)
    return render(request, "health/journal_extract.html", {**shown, "site": journal.site})

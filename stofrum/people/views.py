"""Registration, the first-visit welcome with the first-aid agreement, and a person's page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from stofrum.audit.filters import history_for
from stofrum.errors import DomainError
from stofrum.forms_util import or_404
from stofrum.lookups import at_sites_of
from stofrum.people import services
from stofrum.people.forms import AgreementForm, RegisterForm
from stofrum.people.rules import is_adult
from stofrum.people.signals import person_page_context
from stofrum.sites.models import Site
from stofrum.sites.services import current_house_rules, house_rules_label, rule_lines
from stofrum.staff.access import get_site_for, staff_required
from stofrum.staff.roles import Capability


def _person_or_404(request, code):
    return or_404(services.get_person_for, request.user, code)


@staff_required(Capability.PERSONS_REGISTER)
def register_view(request, slug):
    """First visit, step 1: register anonymously (warns about possible duplicates)."""
    site = get_site_for(request.user, slug, Capability.PERSONS_REGISTER)
    form = RegisterForm(request.POST or None, initial={"alias": request.GET.get("alias", "")})
    error, candidates, status = None, [], 400
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.register_person(
                request.user, site, alias=data["alias"], birth_year=data["birth_year"],
                gender=data["gender"], municipality=data["municipality"],
                confirm_new=data["confirm_new"])
        except DomainError as exc:
            error, status = exc.message, exc.status
            candidates = exc.extra.get("candidates", [])
        else:
            return redirect("people:welcome", slug=site.slug, code=person.code)
    return render(request, "people/register.html", {
        "site": site, "form": form, "error": error, "candidates": candidates,
    }, status=status if request.method == "POST" else 200)


@staff_required(Capability.PERSONS_REGISTER)
def welcome_view(request, slug, code):
    """First visit, step 2: house rules shown, the first-aid agreement signed on screen."""
    site = get_site_for(request.user, slug, Capability.PERSONS_REGISTER)
    person = _person_or_404(request, code)
    form = AgreementForm(request.POST or None)
    error, status = None, 400
    adult = is_adult(person, timezone.localdate())
    if not adult:  # registered before the age rule reached registration, or corrected
        error, status = DomainError("underage").message, 422
    if request.method == "POST" and adult and form.is_valid():
        try:
            services.sign_first_aid_agreement(
                request.user, person, site, signature=form.cleaned_data["signature"],
                house_rules_shown=True,
                house_rules_version=house_rules_label(current_house_rules(site)))
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("Welcome, %(alias)s. The agreement is signed.") % {
                "alias": person.alias})
            return redirect(reverse("staff:site", kwargs={"slug": site.slug})
                            + f"?person={person.code}")
    return render(request, "people/welcome.html", {
        "site": site, "person": person, "form": form, "error": error,
        "rules": rule_lines(current_house_rules(site)), "may_sign": adult,
    }, status=status if request.method == "POST" else 200)


@staff_required(Capability.PERSONS_REGISTER)
def person_view(request, code):
    """A person's page: what the staff member's sites hold about them (visits, services,
    referrals, conduct), never another site's records."""
    return render_person_page(request, _person_or_404(request, code))


def render_person_page(request, person, *, refused="", form=None, error=None, lifting=None):
    """The person page; with `error`, refused in place (422): `refused` names the form on
    it that was refused ("violation", "exclusion", "quarantine", "lift" of the quarantine
    `lifting`), shown again with what was typed (`form`)."""
    staff = request.user
    visits = (at_sites_of(person.visits, staff).select_related("site", "method", "booth")
              .prefetch_related("substances").order_by("-checked_in_at")[:50])
    my_sites = list(Site.objects.for_staff(staff))
    care_sites = [s for s in my_sites if staff.can(Capability.CARE_RECORD, s)]
    agreements = at_sites_of(person.agreements, staff).select_related("site", "recorded_by")
    return render(request, "people/person.html", {
        "person": person, "visits": visits, "agreements": agreements,
        # Check-in asks for an agreement signed at any site: say that one exists.
        "agreement_elsewhere": not agreements.exists() and person.agreements.exists(),
        "services": at_sites_of(person.services, staff).select_related("site", "kind")[:50],
        "referrals": at_sites_of(person.referrals, staff)
        .select_related("site", "target")[:50],
        "care_sites": care_sites,
        **person_page_context(staff, person, my_sites),
        "history": history_for(staff, person, also_ids=[person.code]),
        "refused": refused if error else "", "form": form if error else None,
        "error": error, "lifting": lifting,
    }, status=422 if error else 200)


@staff_required(Capability.PERSONS_REGISTER)
def agreement_view(request, code=None):
    """The printable first-aid agreement in Danish and English; with a person, as signed."""
    person = _person_or_404(request, code) if code else None
    agreement = (at_sites_of(person.agreements, request.user).select_related("site").first()
                 if person else None)
    rules = current_house_rules(agreement.site if agreement else None)
    return render(request, "people/agreement.html",
                  {"person": person, "agreement": agreement, "rules": rule_lines(rules)})

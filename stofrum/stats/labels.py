"""Readable names beside the codes: of indicators, and of the codes they count (intake
methods, substances, genders, ...), in the current language. The dashboards, the reports
and the exports all read them here."""

from django.utils.translation import get_language, gettext_lazy

from stofrum.care.models import ReferralTarget, ServiceKind
from stofrum.health.choices import IncidentKind, Outcome
from stofrum.neighbours.choices import ReportKind
from stofrum.people import municipalities
from stofrum.people.choices import Gender
from stofrum.rounds.figures import zone_names
from stofrum.sites.models import IntakeMethod
from stofrum.visits.choices import RefusalCode
from stofrum.visits.models import Substance


def code_names() -> dict:
    """For each kind of code, a function from the code to its name in this language."""
    lang = get_language() or "da"
    tables = {
        "method": {m.code: m.name for m in IntakeMethod.objects.all()},
        "substance": {s.code: s.name for s in Substance.objects.all()},
        "gender": dict(Gender.choices),
        "incident": dict(IncidentKind.choices), "outcome": dict(Outcome.choices),
        "service": {k.code: k.name for k in ServiceKind.objects.all()},
        "target": {t.code: t.name for t in ReferralTarget.objects.all()},
        "refusal": dict(RefusalCode.choices),
        "zone": zone_names(),
        "contact": {"neighbours": gettext_lazy("Neighbours"), "shops": gettext_lazy("Shops"),
                    "police": gettext_lazy("Police")},
        "report_kind": dict(ReportKind.choices),
    }
    names = {kind: table.get for kind, table in tables.items()}
    names["municipality"] = lambda code: municipalities.label(code, lang)
    return names


INDICATOR_LABELS = {
    "visits": gettext_lazy("Visits"),
    "check_ins": gettext_lazy("Check-ins"),
    "unique_persons": gettext_lazy("Unique persons"),
    "visits_per_person": gettext_lazy("Visits per person"),
    "new_persons": gettext_lazy("New persons"),
    "visits_by_method": gettext_lazy("Visits by intake method"),
    "visits_by_substance": gettext_lazy("Visits by substance"),
    "visits_by_gender": gettext_lazy("Visits by gender"),
    "visits_by_age_band": gettext_lazy("Visits by age"),
    "visits_by_municipality": gettext_lazy("Visits by home municipality"),
    "assisted_intakes": gettext_lazy("Assisted intakes"),
    "queue_abandoned": gettext_lazy("Left the queue"),
    "wait_minutes": gettext_lazy("Wait for a booth, minutes"),
    "occupancy": gettext_lazy("Occupancy (share of booth-minutes)"),
    "refused": gettext_lazy("Turned away, by reason"),
    "incidents": gettext_lazy("Incidents"),
    "incidents_by_kind": gettext_lazy("Incidents by kind"),
    "incident_outcomes": gettext_lazy("Outcomes of incidents"),
    "naloxone_uses": gettext_lazy("Naloxone given (incidents)"),
    "naloxone_doses": gettext_lazy("Naloxone doses"),
    "ambulance_calls": gettext_lazy("Ambulance calls"),
    "hospital_transfers": gettext_lazy("Taken to hospital"),
    "drug_alerts": gettext_lazy("Drug alerts"),
    "drug_alert_incidents": gettext_lazy("Overdoses counted in drug alerts"),
    "services_by_kind": gettext_lazy("Services by kind"),
    "referrals": gettext_lazy("Referrals"),
    "referrals_by_target": gettext_lazy("Referrals by target"),
    "referrals_by_status": gettext_lazy("Referrals by status"),
    "quarantines": gettext_lazy("Quarantines decided"),
    "day_exclusions": gettext_lazy("Excluded for the rest of the day"),
    "first_aid_agreements": gettext_lazy("First-aid agreements"),
    "complaints": gettext_lazy("Complaints"),
    "complaints_by_route": gettext_lazy("Complaints by route"),
    "suggestions_by_kind": gettext_lazy("Suggestions and criticism"),
    "rounds": gettext_lazy("Rounds done"),
    "rounds_due": gettext_lazy("Rounds due"),
    "syringes_collected": gettext_lazy("Syringes collected"),
    "syringes_by_zone": gettext_lazy("Syringes collected by zone"),
    "drug_litter_collected": gettext_lazy("Other drug litter collected"),
    "public_use_seen": gettext_lazy("People seen using in public"),
    "neighbourhood_contacts": gettext_lazy("Talks on rounds"),
    "booth_look_ins": gettext_lazy("Booth look-ins"),
    "booths_overdue": gettext_lazy("Booths overdue for a look-in"),
    "booths_escalated": gettext_lazy("Overdue booths escalated"),
    "overdue_to_look_in_minutes": gettext_lazy("Overdue to look-in, minutes"),
    "neighbourhood_reports_total": gettext_lazy("Reports from neighbours"),
    "neighbourhood_reports": gettext_lazy("Reports from neighbours by kind"),
    "report_pickup_minutes": gettext_lazy("Report to pickup, minutes"),
}

_KEY_NAMES = {"visits_by_method": "method", "visits_by_substance": "substance",
              "visits_by_gender": "gender", "visits_by_municipality": "municipality",
              "incidents_by_kind": "incident", "incident_outcomes": "outcome",
              "services_by_kind": "service", "referrals_by_target": "target",
              "refused": "refusal", "syringes_by_zone": "zone",
              "neighbourhood_contacts": "contact", "neighbourhood_reports": "report_kind"}


def names_for(indicator: str, key: str, names: dict) -> str:
    if not key:
        return ""
    name_of = names.get(_KEY_NAMES.get(indicator, ""))
    return str((name_of(key) if name_of else None) or key)



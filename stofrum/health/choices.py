from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentKind(models.TextChoices):
    # What an alarm records until staff know better: chosen or corrected on the incident
    # page during or after the event (statistics count the corrected kind).
    UNKNOWN = "unknown", _("Unknown / not yet clear")
    OVERDOSE_OPIOID = "overdose_opioid", _("Overdose (opioid)")
    OVERDOSE_STIMULANT = "overdose_stimulant", _("Overdose (stimulant)")
    OVERDOSE_OTHER = "overdose_other", _("Overdose (other)")
    SEIZURE = "seizure", _("Seizure")
    BLEEDING = "bleeding", _("Bleeding")
    ALLERGIC_REACTION = "allergic_reaction", _("Acute allergic reaction")
    OTHER = "other", _("Other")


class InterventionKind(models.TextChoices):
    NALOXONE = "naloxone", _("Naloxone")
    OXYGEN = "oxygen", _("Oxygen")
    VENTILATION = "ventilation", _("Ventilation")
    CPR = "cpr", _("Cardiac massage (CPR)")
    RECOVERY_POSITION = "recovery_position", _("Recovery position")
    AMBULANCE_CALLED = "ambulance_called", _("Ambulance called")
    HANDED_TO_AMBULANCE = "handed_to_ambulance", _("Handed to ambulance")
    IMPROVEMENT = "improvement", _("Improvement seen")
    OTHER = "other", _("Other")


class NaloxoneRoute(models.TextChoices):
    INTRAMUSCULAR = "im", _("Intramuscular")
    INTRANASAL = "in", _("Intranasal")
    INTRAVENOUS = "iv", _("Intravenous")


class Outcome(models.TextChoices):
    RECOVERED_ON_SITE = "recovered_on_site", _("Recovered on site")
    HOSPITAL = "hospital", _("Taken to hospital")
    LEFT_AGAINST_ADVICE = "left_against_advice", _("Left against advice")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


class DisclosureConsent(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    NOT_ASKED = "not_asked", _("Not asked")

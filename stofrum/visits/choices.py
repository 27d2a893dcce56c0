from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitState(models.TextChoices):
    QUEUED = "queued", _("In the queue")
    IN_BOOTH = "in_booth", _("In a booth")
    DONE = "done", _("Done")
    LEFT_QUEUE = "left_queue", _("Left the queue")


OPEN_STATES = (VisitState.QUEUED, VisitState.IN_BOOTH)


class BoothState(models.TextChoices):
    FREE = "free", _("Free")
    OCCUPIED = "occupied", _("Occupied")
    CLEANING = "cleaning", _("Being cleaned")


# The one registry of refusal codes: a check-in refused with one of these codes is recorded
# as turned away (visits.services.check_in), the statistics label and count them
# (stats.labels, stats.indicators) and the README lists exactly these (a test checks it).
# A code not here (bad input, not found) is not a refusal and is not counted.
class RefusalCode(models.TextChoices):
    UNDERAGE = "underage", _("Under 18")
    SITE_WOMEN_ONLY = "site_women_only", _("The site is for women only")
    METHOD_NOT_OFFERED = "method_not_offered", _("The site does not offer this intake method")
    SUBSTANCE_NOT_ALLOWED = "substance_not_allowed", _("The substance may not be taken this way")
    QUARANTINED = "quarantined", _("In quarantine")
    EXCLUDED_TODAY = "excluded_today", _("Excluded for the rest of the day")
    NO_FIRST_AID_AGREEMENT = "no_first_aid_agreement", _("No first-aid agreement signed")
    SITE_CLOSED = "site_closed", _("The site is closed")
    INVALID_ASSISTANT = "invalid_assistant", _("The assistant cannot help")
    ASSISTED_INTAKE_UNAVAILABLE = "assisted_intake_unavailable", _(
        "Assisted intake not possible right now")
    ALREADY_CHECKED_IN = "already_checked_in", _("Already checked in")

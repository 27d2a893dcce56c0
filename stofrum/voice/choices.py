from django.db import models
from django.utils.translation import gettext_lazy as _


class SuggestionKind(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion")
    CRITICISM = "criticism", _("Criticism")
    MEETING = "meeting", _("Meeting with the leader")


class ComplaintRoute(models.TextChoices):
    """DOMAIN.md §10: where a complaint goes."""

    LEADER = "leader", _("The room's leader")
    SOCIAL_SERVICES = "social_services", _("Socialforvaltningen (Social Services)")
    CITIZENS_ADVISOR = "citizens_advisor", _("Borgerrådgiveren (Citizens' Advisor)")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("Being handled")
    FORWARDED = "forwarded", _("Forwarded")
    ANSWERED = "answered", _("Answered")


OPEN_COMPLAINT_STATUSES = (ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS)

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    """API.md, "Surrounding environment": what a neighbour reports."""

    SYRINGE = "syringe", _("A syringe or needle")
    LITTER = "litter", _("Other drug litter")
    PUBLIC_USE = "public_use", _("Drug use in public")
    DISTURBANCE = "disturbance", _("A disturbance")
    OTHER = "other", _("Something else")


class ReportOutcome(models.TextChoices):
    COLLECTED = "collected", _("Collected")
    ANSWERED = "answered", _("Answered")
    NOTHING_FOUND = "nothing_found", _("Nothing found")

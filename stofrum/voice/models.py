"""User involvement and complaints (DOMAIN.md §9–10): suggestions and criticism, meetings
with the leader, complaints with their route and deadline, and user-council meetings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stofrum.voice.choices import (
    OPEN_COMPLAINT_STATUSES,
    ComplaintRoute,
    ComplaintStatus,
    SuggestionKind,
)


class Suggestion(models.Model):
    """A suggestion, a criticism or a request for a meeting with the leader; anonymous or
    linked to the person code; the leader's response (or the meeting's outcome)."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=SuggestionKind.choices)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="suggestions")
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    meeting_at = models.DateTimeField(_("meeting time"), null=True, blank=True)
    response = models.TextField(_("response or outcome"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d}"

    @property
    def anonymous(self) -> bool:
        return self.person_id is None


class Complaint(models.Model):
    """A complaint, filed by staff on a person's behalf or by anyone on the public page.
    An anonymous complaint holds no link to a person; `signed_as` is what a person chose
    to give so the room can answer them (a name, nickname or person code), nothing more."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    route = models.CharField(pgettext_lazy("complaint", "route"), max_length=20,
                             choices=ComplaintRoute.choices)
    text = models.TextField(_("complaint"))
    anonymous = models.BooleanField(_("anonymous"), default=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="complaints")
    signed_as = models.CharField(_("name, nickname or person code"), max_length=100,
                                 blank=True)
    via_public_page = models.BooleanField(default=False)
    received_at = models.DateTimeField(db_index=True)
    answer_due_on = models.DateField(_("answer due"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.RECEIVED)
    response = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(person__isnull=True, signed_as=""),
                name="anonymous_complaint_has_no_person"),
        ]

    def __str__(self):
        return f"{self.route} {self.received_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_COMPLAINT_STATUSES

    def is_overdue(self, today=None) -> bool:
        """Open and past its answer date (Copenhagen calendar day)."""
        return self.is_open and self.answer_due_on < (today or timezone.localdate())


class CouncilMeeting(models.Model):
    """A meeting of a site's user council (brugerråd)."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)
    attendance_count = models.PositiveSmallIntegerField(_("users present"), default=0)
    attendees = models.TextField(_("present (aliases, if they wish)"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    actions = models.TextField(_("follow-up actions"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("user-council meeting")
        verbose_name_plural = _("user-council meetings")

    def __str__(self):
        return f"{self.site.slug} {self.held_on}"


class PublicSubmissionWindow(models.Model):
    """Rate limiting of the public complaint form: a count per hashed client address per
    hour. The hash is keyed with the secret key and rows older than an hour are deleted,
    so no address is ever stored or traceable."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"],
                                               name="submission_window_unique")]

    def __str__(self):
        return f"window {self.window_start:%Y-%m-%d %H}"

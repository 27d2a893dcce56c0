from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    """suggested → contacted → appointment → attended / not attended / declined."""

    SUGGESTED = "suggested", _("Suggested")
    CONTACTED = "contacted", _("Contacted")
    APPOINTMENT = "appointment", _("Appointment made")
    ATTENDED = "attended", _("Attended")
    NOT_ATTENDED = "not_attended", _("Did not attend")
    DECLINED = "declined", _("Declined")


CLOSED_STATUSES = frozenset({ReferralStatus.ATTENDED, ReferralStatus.NOT_ATTENDED,
                             ReferralStatus.DECLINED})

# Which status may follow which. A referral may be declined at any open step, and an
# appointment that was missed may be made again.
NEXT_STATUSES = {
    ReferralStatus.SUGGESTED: {ReferralStatus.CONTACTED, ReferralStatus.APPOINTMENT,
                               ReferralStatus.DECLINED},
    ReferralStatus.CONTACTED: {ReferralStatus.APPOINTMENT, ReferralStatus.ATTENDED,
                               ReferralStatus.DECLINED},
    ReferralStatus.APPOINTMENT: {ReferralStatus.ATTENDED, ReferralStatus.NOT_ATTENDED,
                                 ReferralStatus.DECLINED},
    ReferralStatus.ATTENDED: set(),
    ReferralStatus.NOT_ATTENDED: {ReferralStatus.APPOINTMENT},
    ReferralStatus.DECLINED: set(),
}

"""The links a staff member sees for a site (on the site page and the staff home), each
shown only to those who may use it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stofrum.staff.roles import Capability

TOOLS = [
    ("care:referrals", Capability.CARE_RECORD, _("Referrals and follow-ups")),
    ("rounds:record", Capability.CARE_RECORD, _("Record a round")),
    ("conduct:site_quarantines", Capability.CONDUCT_RECORD, _("Quarantines")),
    ("voice:suggestions", Capability.VOICE_RECORD, _("Suggestions and meetings")),
    ("voice:complaint_on_behalf", Capability.VOICE_RECORD, _("Write down a complaint")),
    ("voice:council", Capability.VOICE_RECORD, _("User council")),
    ("sites:house_rules", Capability.RULES_EDIT, _("Edit the house rules")),
    ("live:wall_screens", Capability.WALL_SCREENS, _("Wall screens")),
]


def site_tools(staff, site) -> list[tuple[str, str]]:
    links = []
    for name, capability, label in TOOLS:
        if staff.can(capability, site):
            kwargs = {"scope": site.slug} if name == "sites:house_rules" else {"slug": site.slug}
            links.append((reverse(name, kwargs=kwargs), label))
    links.append((reverse("public:rules", kwargs={"slug": site.slug}), _("House rules poster")))
    return links

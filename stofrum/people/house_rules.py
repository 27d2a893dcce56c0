"""Placeholder house rules shown in the first-visit flow until the conduct issue brings
versioned rules per site (the version shown is recorded with the agreement)."""

from django.utils.translation import gettext_lazy as _

PLACEHOLDER_VERSION = "shared-placeholder-1"

SHARED_RULES = [
    _("No violence, threats or harassment of users, staff or neighbours."),
    _("No buying, selling or passing on drugs inside or around the room."),
    _("Take only your own drugs, in the booth you are given."),
    _("Staff may not help you take drugs; only another user may assist, after staff agree."),
    _("Put used needles and equipment in the sharps container."),
    _("Follow staff's instructions. Breaking the rules can lead to quarantine."),
]

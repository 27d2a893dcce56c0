"""Roles and what each may do. README.md ("Roles") shows this table; keep them in step.

A capability is checked together with site membership: staff act only on the sites they
are members of, except administrators, who see every site.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RECEPTION = "reception", _("Reception / social staff")
    HEALTH = "health", _("Health staff")
    LEADER = "leader", _("Site leader")
    ADMIN = "admin", _("Administrator")
    ANALYST = "analyst", _("Analyst (statistics)")


class Capability(models.TextChoices):
    SITE_BOARD = "site.board", _("See the site's board and people at the door")
    PERSONS_REGISTER = "persons.register", _("Register persons and check them in")
    INCIDENTS_RESPOND = "incidents.respond", _("Raise and respond to alarms")
    JOURNAL_WRITE = "journal.write", _("Read and write health journals (CPR)")
    CARE_RECORD = "care.record", _("Record services and referrals")
    CONDUCT_RECORD = "conduct.record", _("Record violations and exclusions for the day")
    QUARANTINE_DECIDE = "quarantine.decide", _("Decide and lift quarantines")
    RULES_EDIT = "rules.edit", _("Edit the house rules")
    VOICE_RECORD = "voice.record", _("Record suggestions, meeting requests and user councils")
    VOICE_RESPOND = "voice.respond", _("Answer suggestions and complaints")
    STATS_VIEW = "stats.view", _("See statistics (counts only)")
    AUDIT_VIEW = "audit.view", _("Browse the audit trail")
    SITES_MANAGE = "sites.manage", _("Configure sites, booths and opening hours")
    STAFF_MANAGE = "staff.manage", _("Manage staff accounts")
    WALL_SCREENS = "wall.manage", _("Set up and revoke the site's wall screens")
    ALERTS_RAISE = "alerts.raise", _("Raise and end drug alerts for the city")


_DOOR = {Capability.SITE_BOARD, Capability.PERSONS_REGISTER, Capability.INCIDENTS_RESPOND,
         Capability.CARE_RECORD, Capability.CONDUCT_RECORD, Capability.VOICE_RECORD}

CAPABILITIES: dict[str, frozenset[str]] = {
    Role.RECEPTION: frozenset(_DOOR),
    Role.HEALTH: frozenset(_DOOR | {Capability.JOURNAL_WRITE}),
    Role.LEADER: frozenset(
        _DOOR | {Capability.QUARANTINE_DECIDE, Capability.STATS_VIEW, Capability.AUDIT_VIEW,
                 Capability.RULES_EDIT, Capability.VOICE_RESPOND, Capability.WALL_SCREENS,
                 Capability.ALERTS_RAISE}
    ),
    Role.ADMIN: frozenset(
        {
            Capability.SITE_BOARD,
            Capability.STATS_VIEW,
            Capability.AUDIT_VIEW,
            Capability.SITES_MANAGE,
            Capability.STAFF_MANAGE,
            Capability.RULES_EDIT,
            Capability.WALL_SCREENS,
        }
    ),
    Role.ANALYST: frozenset({Capability.STATS_VIEW}),
}

# Roles whose accounts must log in with a second factor (TOTP).
TWO_FACTOR_ROLES = frozenset({Role.HEALTH, Role.LEADER, Role.ADMIN})
# Roles that see every site regardless of membership.
ALL_SITES_ROLES = frozenset({Role.ADMIN})


def capabilities_of(role: str) -> frozenset[str]:
    return CAPABILITIES.get(role, frozenset())

"""Domain errors: a refused action is a value with a stable machine code.

Use cases raise them; the API maps them once to HTTP (stofrum/api.py), the pages once to
an in-place message. The message is translated (Danish first, English second).
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule refused the action (HTTP 422 by default)."""

    status = 422

    def __init__(self, code: str, message=None, *, status: int | None = None, **extra):
        self.code = code
        self.message = message if message is not None else MESSAGES.get(code, code)
        if status is not None:
            self.status = status
        self.extra = extra
        super().__init__(f"{code}: {self.message}")

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self.message), **self.extra}


class Conflict(DomainError):
    """The action conflicts with the current state (HTTP 409)."""

    status = 409


class NotFound(DomainError):
    """Missing or not visible to this staff member; the two are never told apart."""

    status = 404

    def __init__(self, code: str = "not_found", message=None, **extra):
        super().__init__(code, message, **extra)


class Forbidden(DomainError):
    status = 403

    def __init__(self, code: str = "forbidden", message=None, **extra):
        super().__init__(code, message, **extra)


class InvalidInput(DomainError):
    """Malformed input (HTTP 400)."""

    status = 400

    def __init__(self, code: str = "invalid_input", message=None, **extra):
        super().__init__(code, message, **extra)


MESSAGES = {
    "not_found": _("Not found."),
    "forbidden": _("You do not have access to this."),
    "invalid_input": _("The input is not valid."),
    "not_authenticated": _("You must log in."),
    "invalid_credentials": _("Wrong username or password."),
    "otp_required": _("This account needs a code from the authenticator app."),
    "invalid_otp": _("The code from the authenticator app is not valid."),
    "otp_not_enrolled": _("Two-factor login has not been set up for this account yet."),
    "locked_out": _("Too many failed attempts. Try again later."),
    "token_expired": _("The token has expired. Get a new one."),
    "unknown_role": _("Unknown role."),
    "unknown_site": _("Unknown site."),
    "username_taken": _("That username is already in use."),
    "weak_password": _("The password is too weak."),
    "internal_error": _("Something went wrong on our side. It has been logged."),
    "method_not_allowed": _("That method is not allowed here."),
    "too_many_requests": _("Too many requests. Try again shortly."),
    "csrf_failed": _("The security token of the page is missing or out of date. Reload "
                     "the page and try again."),
    "too_large": _("The request is larger than the server accepts."),
}

MESSAGES.update({
    "underage": _("The person is under 18. The rooms are for adults only."),
    "site_women_only": _("This room is for women only."),
    "method_not_offered": _("This room does not offer that intake method."),
    "substance_not_allowed": _("Hash and pot may not be smoked in the smoking rooms."),
    "quarantined": _("The person is in quarantine at this room."),
    "excluded_today": _("The person is excluded from this room for the rest of the day."),
    "no_first_aid_agreement": _("The first-aid agreement has not been signed yet."),
    "site_closed": _("The room is closed now."),
    "invalid_assistant": _("The assistant cannot help: only another registered adult user "
                           "who is here may assist, and your assessment is required."),
    "assisted_intake_unavailable": _("Assisted intake is not possible right now."),
    "already_checked_in": _("The person is already checked in."),
    "not_in_booth": _("The visit is not in a booth."),
    "not_queued": _("The visit is not in the queue."),
    "visit_closed": _("The visit has ended."),
    "possible_duplicate": _("A person with a very similar name, birth year and gender is "
                            "already registered."),
    "invalid_municipality": _("Unknown home municipality."),
    "invalid_birth_year": _("The birth year is not plausible."),
    "unknown_substance": _("Unknown substance."),
    "open_visits": _("Both persons have an open visit; check one of them out first."),
})

MESSAGES.update({
    "incident_closed": _("The incident is closed."),
    "reason_required": _("Give a reason for showing the full CPR number."),
    "no_consent": _("The person has not consented to disclosure to the Region."),
})

# Rounds around a site (stofrum/rounds/services.py).
MESSAGES.update({
    "round_ends_before_start": _("The round cannot end before it started."),
    "round_in_future": _("The round cannot end in the future."),
    "round_too_long": _("A round lasts at most 12 hours: check the start and end."),
    "unknown_zone": _("Pick zones of this site only."),
    "count_out_of_range": _("A count must be a whole number from 0 up to a sane maximum."),
})

MESSAGES.update({
    "text_required": _("Please write something."),
    "text_too_long": _("The text is too long."),
    "cpr_in_free_text": _("The text looks like it holds a CPR number. A CPR number belongs "
                          "only in the CPR field of the health journal, where it is kept "
                          "encrypted: remove it from the text."),
    "unknown_service_kind": _("Unknown kind of service."),
    "unknown_referral_target": _("Unknown referral target."),
    "invalid_status_change": _("The referral cannot move to that status from where it is."),
    "referral_closed": _("The referral is closed."),
    "visit_elsewhere": _("The visit belongs to another site or person."),
    "site_required": _("Choose a site."),
    "invalid_date": _("The date is not valid."),
    "export_whole_months": _("Exports cover whole calendar months that have ended: from the "
                             "first day of a month to the last day of a month before this "
                             "one."),
    "until_in_past": _("The end date must be today or later."),
    "not_quarantined": _("The quarantine is no longer in force."),
    "quarantine_scope": _("Choose the sites the quarantine covers."),
    "unknown_rule": _("Pick one of the site's current house rules, or choose other and "
                      "write the rule."),
    "invalid_route": _("Choose where the complaint should go."),
    "invalid_status": _("Unknown status."),
    "already_answered": _("It has already been answered."),
    "rules_changed": _("Someone else changed the rules at the same moment. Reload and try "
                       "again."),
})

# Corrections at the door (API.md): undo a check-out, correct a visit, move booths.
MESSAGES.update({
    "too_late": _("It is too late to undo or correct this at the door."),
    "not_checked_out": _("The visit was not checked out of a booth."),
    "booth_taken": _("That booth is not free any more."),
    "visit_changed": _("Someone else changed this visit at the same moment. Reload and try "
                       "again."),
    "invalid_booth": _("Choose a free booth of the visit's intake method at this room."),
})

# The CPR vault (stofrum/health/vault.py): the server lacks the key a record needs (503).
MESSAGES.update({
    "cpr_key_unavailable": _("The CPR number cannot be read or stored now: the server does "
                             "not have the key for it. The rest of the record is safe. Tell "
                             "the system administrator."),
})

# Reliability (API.md): a repeated write answered once; a database that does not answer.
MESSAGES.update({
    "idempotency_key_reused": _("This Idempotency-Key was already used for another "
                                "request. Make a new key for each new request."),
    "idempotency_in_progress": _("The same request is still being handled. Try again in a "
                                 "moment."),
    "database_unavailable": _("The database cannot be reached right now. Nothing was "
                              "saved. Try again in a moment."),
})

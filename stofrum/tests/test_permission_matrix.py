"""Who may do what: every page and endpoint, tried by every member of the cast.

After healthchecks' BaseTestCase and NetBox's generated view tests. MATRIX is a table: one
row per request, one column per caller, each cell the outcome that caller must get. A new
view or endpoint gets its row here; `test_every_route_has_a_row` fails until it does.

Callers (the `cast` fixture): anonymous; reception, health, leader and analyst at h17; an
administrator (every site, no memberships); reception at skyen only (another site).

Outcomes:
  200, 201, ...  exactly that status. 401/403/404 from the API also carry the JSON codes
                 `not_authenticated` / `forbidden` / `not_found`.
  403            the role lacks the capability.
  404            the object belongs to a site the caller is not a member of: we answer
                 "not found", never "forbidden", so ids leak nothing.
  LOGIN          a page redirects to the login page (following the redirects ends at
                 /login/ with 200).
  Redirect(to)   a page redirects exactly there (not to a login page).
  401            the API without (valid) credentials.

API rows (under /api/) run twice for each staff member: with a bearer token and with a
verified browser session; anonymous callers send no credentials. Pages and API give the
same answers (API.md, "Access answers"): a role that lacks the route's capability is told
403 `forbidden`; a role that has it, asking for an object at a site it is not a member of,
404 `not_found`, as if the object were missing. `test_matrix_follows_the_access_answers`
holds the table to that rule.

Placeholders in URLs and bodies come from the world (`build_world`): {person}, {duplicate}
(person codes), {in_booth}, {queued}, {checked_out} (visit ids), {helper} (the queued
person's code, who is present and may assist), {booth} (the occupied booth's id),
{incident} (an open incident at h17).
"""

import contextlib
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from ninja.operation import PathView

from conftest import (
    FAST_PASSWORD_HASHERS,
    PASSWORD,
    keep_booths,
    new_cast,
    new_door,
    new_person,
    new_staff,
    seed_test_sites,
)
from stofrum.staff.models import ApiToken

ANONYMOUS = "anonymous"
RECEPTION = "reception"
HEALTH = "health"
LEADER = "leader"
ADMIN = "admin"
ANALYST = "analyst"
OTHER_SITE = "other_reception"  # reception at skyen only
CALLERS = (ANONYMOUS, RECEPTION, HEALTH, LEADER, ADMIN, ANALYST, OTHER_SITE)

LOGIN = "login"


@dataclass(frozen=True)
class Redirect:
    to: str
    prefix: bool = False  # for redirects to something the request itself creates

    def __str__(self):
        return f"redirect to {self.to}{'...' if self.prefix else ''}"

    def matches(self, location: str) -> bool:
        return location.startswith(self.to) if self.prefix else location == self.to


@dataclass(frozen=True)
class Row:
    """One request and the outcome for each caller (columns in CALLERS order)."""

    name: str
    method: str
    url: str
    anonymous: object
    reception: object
    health: object
    leader: object
    admin: object
    analyst: object
    other_reception: object
    data: dict | None = None

    @property
    def is_api(self) -> bool:
        return self.url.startswith("/api/")

    def outcome(self, caller: str):
        return getattr(self, caller)


TO_SITE = Redirect("/staff/sites/h17/")
TO_BOARD = Redirect("/staff/sites/h17/#board")
TO_PERSON = Redirect("/staff/persons/{person}/")
TO_HOME = Redirect("/staff/")
TO_ALERTS = Redirect("/staff/alerts/")
TO_LOCK = Redirect("/login/?next=%2Fstaff%2F")
TO_NEW_INCIDENT = Redirect("/staff/incidents/", prefix=True)
TO_INCIDENT = Redirect("/staff/incidents/{incident}/")
TO_CONDUCT = Redirect("/staff/persons/{person}/#conduct")
TO_QUARANTINED = Redirect("/staff/persons/{quarantined}/#conduct")
TO_NEIGHBOURS = Redirect("/staff/sites/h17/neighbours/")

NEW_PERSON = {"alias": "Ny Person", "birth_year": 1990, "gender": "female",
              "municipality": "101", "site": "h17", "confirm_new": True}
CHECK_IN = {"person": "{person}", "site": "h17", "substances": ["heroin"],
            "method": "injection"}
ASSIST = {"assisted_by": "{helper}", "assistant_assessment": "Rolig og klar."}

# fmt: off
MATRIX = [
    #    name                    method  url
    #        anonymous  reception  health  leader  admin  analyst  other site   (data)
    # --- public -------------------------------------------------------------------------
    Row("public home",           "GET",  "/",
        200,       200,       200,    200,    200,   200,     200),
    Row("healthz",               "GET",  "/healthz",
        200,       200,       200,    200,    200,   200,     200),
    Row("readyz",                "GET",  "/readyz",
        200,       200,       200,    200,    200,   200,     200),
    # --- login ----------------------------------------------------------------------------
    Row("login page",            "GET",  "/login/",
        200,       TO_HOME,   TO_HOME, TO_HOME, TO_HOME, TO_HOME, TO_HOME),
    Row("second factor page",    "GET",  "/login/verify/",
        LOGIN,     TO_HOME,   TO_HOME, TO_HOME, TO_HOME, TO_HOME, TO_HOME),
    Row("enrolment page",        "GET",  "/login/enrol/",
        LOGIN,     TO_HOME,   TO_HOME, TO_HOME, TO_HOME, TO_HOME, TO_HOME),
    Row("log out",               "POST", "/logout/",
        LOGIN,     LOGIN,     LOGIN,  LOGIN,  LOGIN, LOGIN,   LOGIN),
    Row("log out by GET",        "GET",  "/logout/",
        405,       405,       405,    405,    405,   405,     405),
    # --- staff pages ----------------------------------------------------------------------
    Row("staff home",            "GET",  "/staff/",
        LOGIN,     200,       200,    200,    200,   200,     200),
    Row("site page",             "GET",  "/staff/sites/h17/",
        LOGIN,     200,       200,    200,    200,   403,     404),
    Row("site page elsewhere",   "GET",  "/staff/sites/skyen/",
        LOGIN,     404,       404,    404,    200,   403,     200),
    Row("board fragment",        "GET",  "/staff/sites/h17/board",
        LOGIN,     200,       200,    200,    200,   403,     404),
    # The page's stream answers like the API (JSON 401/404): EventSource cannot follow a
    # login redirect.
    Row("site events page",      "GET",  "/staff/sites/h17/events",
        401,       200,       200,    200,    200,   403,     404),
    # One stream per page for all the sites it follows (alarms, its board).
    Row("page event stream",     "GET",  "/staff/events?site=h17",
        401,       200,       200,    200,    200,   403,     404),
    Row("page event stream elsewhere", "GET", "/staff/events?site=h17&site=skyen",
        401,       404,       404,    404,    200,   403,     404),
    Row("lock the screen",       "POST", "/lock/",
        TO_LOCK,   TO_LOCK,   TO_LOCK, TO_LOCK, TO_LOCK, TO_LOCK, TO_LOCK),
    # A browser that showed no staff page has no terminal mark: nothing to show locked.
    Row("locked terminal stream", "GET", "/terminal/events",
        401,       401,       401,    401,    401,   401,     401),
    Row("wall screens",          "GET",  "/staff/sites/h17/wall-screens/",
        LOGIN,     403,       403,    200,    200,   403,     403),
    Row("wall screens elsewhere", "GET", "/staff/sites/skyen/wall-screens/",
        LOGIN,     403,       403,    404,    200,   403,     403),
    Row("set up a wall screen",  "POST", "/staff/sites/h17/wall-screens/",
        LOGIN,     403,       403,    200,    200,   403,     403, {"name": "Væggen"}),
    # Wall screens answer to their device credential only, never to a staff login.
    Row("wall screen",           "GET",  "/wall/",
        401,       401,       401,    401,    401,   401,     401),
    Row("wall screen board",     "GET",  "/wall/board",
        401,       401,       401,    401,    401,   401,     401),
    Row("wall screen stream",    "GET",  "/wall/events",
        401,       401,       401,    401,    401,   401,     401),
    Row("wall screen connect",   "GET",  "/wall/connect/not-a-key/",
        401,       401,       401,    401,    401,   401,     401),
    Row("search fragment",       "GET",  "/staff/sites/h17/search?q=Ada",
        LOGIN,     200,       200,    200,    403,   403,     404),
    Row("check in",              "POST", "/staff/sites/h17/check-in",
        LOGIN,     TO_SITE,   TO_SITE, TO_SITE, 403, 403,     404,
        {"person": "{person}", "substances": "heroin", "method": "injection"}),
    Row("check out",             "POST", "/staff/sites/h17/check-out",
        LOGIN,     TO_BOARD,  TO_BOARD, TO_BOARD, 403, 403,   404,
        {"visit": "{in_booth}"}),
    Row("leave queue",           "POST", "/staff/sites/h17/leave-queue",
        LOGIN,     TO_BOARD,  TO_BOARD, TO_BOARD, 403, 403,   404,
        {"visit": "{queued}"}),
    Row("booth ready",           "POST", "/staff/sites/h17/booth-ready",
        LOGIN,     TO_BOARD,  TO_BOARD, TO_BOARD, 403, 403,   404,
        {"booth": "{booth}"}),
    Row("assisted intake toggle", "POST", "/staff/sites/h17/assisted-intake",
        LOGIN,     TO_BOARD,  TO_BOARD, TO_BOARD, 403, 403,   404,
        {"available": "1"}),
    # Booth watch: a look-in ("Checked") is for the staff on the floor; leaders and
    # administrators set the intervals.
    Row("look in on a booth",    "POST", "/staff/sites/h17/look-in",
        LOGIN,     TO_BOARD,  TO_BOARD, TO_BOARD, 403, 403,   404,
        {"visit": "{in_booth}"}),
    Row("booth check intervals", "GET",  "/staff/sites/h17/check-intervals",
        LOGIN,     403,       403,    200,    200,   403,     403),
    Row("set booth check intervals", "POST", "/staff/sites/h17/check-intervals",
        LOGIN,     403,       403,    Redirect("/staff/sites/h17/check-intervals"),
        Redirect("/staff/sites/h17/check-intervals"), 403, 403,
        {"injection-minutes": "12", "injection-assisted": "6", "smoking-minutes": "15",
         "smoking-assisted": "10"}),
    Row("assistance form",       "GET",  "/staff/sites/h17/visits/{in_booth}/assistance",
        LOGIN,     200,       200,    200,    403,   403,     404),
    Row("undo check-out",        "POST", "/staff/sites/h17/undo-check-out",
        LOGIN,     TO_BOARD,  TO_BOARD, TO_BOARD, 403, 403,   404,
        {"visit": "{checked_out}"}),
    Row("correct visit form",    "GET",  "/staff/sites/h17/visits/{in_booth}/correct",
        LOGIN,     200,       200,    200,    403,   403,     404),
    Row("register person form",  "GET",  "/staff/sites/h17/persons/new",
        LOGIN,     200,       200,    200,    403,   403,     404),
    Row("welcome page",          "GET",  "/staff/sites/h17/persons/{person}/welcome",
        LOGIN,     200,       200,    200,    403,   403,     404),
    # Persons are shared by all sites (a person may use any room).
    Row("person page",           "GET",  "/staff/persons/{person}/",
        LOGIN,     200,       200,    200,    403,   403,     200),
    Row("merge persons",         "POST", "/staff/persons/{person}/merge",
        LOGIN,     TO_PERSON, TO_PERSON, TO_PERSON, 403, 403, TO_PERSON,
        {"duplicate": "{duplicate}"}),
    Row("signed agreement",      "GET",  "/staff/persons/{person}/agreement",
        LOGIN,     200,       200,    200,    403,   403,     200),
    Row("blank agreement",       "GET",  "/staff/agreement/",
        LOGIN,     200,       200,    200,    403,   403,     200),
    # --- alarms and incidents -------------------------------------------------------------
    Row("raise alarm",           "POST", "/staff/sites/h17/alarm",
        LOGIN,     TO_NEW_INCIDENT, TO_NEW_INCIDENT, TO_NEW_INCIDENT, 403, 403, 404,
        {"kind": "overdose_opioid"}),
    Row("incident page",         "GET",  "/staff/incidents/{incident}/",
        LOGIN,     200,       200,    200,    403,   403,     404),
    Row("acknowledge on incident page", "POST", "/staff/incidents/{incident}/",
        LOGIN,     TO_INCIDENT, TO_INCIDENT, TO_INCIDENT, 403, 403, 404,
        {"action": "acknowledge"}),
    # --- the health journal (health staff of the site only) -------------------------------
    Row("write journal page",    "GET",  "/staff/incidents/{incident}/journal",
        LOGIN,     403,       200,    403,    403,   403,     403),
    Row("journal page",          "GET",  "/staff/journal/{journal}/",
        LOGIN,     403,       200,    403,    403,   403,     403),
    Row("journal extract",       "GET",  "/staff/journal/{journal}/extract",
        LOGIN,     403,       200,    403,    403,   403,     403),
    # --- drug alerts (city-wide; a site acknowledges for itself; leaders raise and end) ------
    Row("drug alerts page",      "GET",  "/staff/alerts/",
        LOGIN,     200,       200,    200,    200,   403,     200),
    Row("drug alert banner",     "GET",  "/staff/alerts/banner",
        LOGIN,     200,       200,    200,    200,   403,     200),
    Row("raise a drug alert",    "POST", "/staff/alerts/raise",
        LOGIN,     403,       403,    TO_ALERTS, 403, 403,    403,
        {"substance": "cocaine", "note": "A strong batch"}),
    Row("acknowledge a drug alert", "POST", "/staff/alerts/{alert}/acknowledge",
        LOGIN,     TO_HOME,   TO_HOME, TO_HOME, TO_HOME, 403,   404,
        {"site": "h17", "next": "/staff/"}),
    Row("end a drug alert",      "POST", "/staff/alerts/{alert}/end",
        LOGIN,     403,       403,    TO_ALERTS, 403, 403,    403,
        {"next": "/staff/alerts/"}),
    # --- care: services and referrals (door staff of the site) ------------------------------
    Row("care page",             "GET",  "/staff/sites/h17/care?visit={in_booth}",
        LOGIN,     200,       200,    200,    403,   403,     404),
    Row("record a service",      "POST", "/staff/sites/h17/care",
        LOGIN,     TO_BOARD,  TO_BOARD, TO_BOARD, 403, 403,   404,
        {"action": "service", "kind": "wound_care", "visit": "{in_booth}"}),
    Row("referrals page",        "GET",  "/staff/sites/h17/referrals",
        LOGIN,     200,       200,    200,    403,   403,     404),
    Row("referral page",         "GET",  "/staff/referrals/{referral}/",
        LOGIN,     200,       200,    200,    403,   403,     404),
    # --- rounds around the site (door staff of the site) ----------------------------------
    Row("round form",            "GET",  "/staff/sites/h17/round",
        LOGIN,     200,       200,    200,    403,   403,     404),
    Row("record a round",        "POST", "/staff/sites/h17/round",
        LOGIN,     TO_BOARD,  TO_BOARD, TO_BOARD, 403, 403,   404,
        {"started_at": "2026-11-02T10:00", "ended_at": "2026-11-02T10:30", "syringes": "3"}),
    # --- conduct: violations, exclusions, quarantines ---------------------------------------
    Row("record a violation",    "POST", "/staff/persons/{person}/violations",
        LOGIN,     TO_CONDUCT, TO_CONDUCT, TO_CONDUCT, 403, 403, 404,
        {"site": "h17", "rule": "No dealing", "description": "Sold pills"}),
    Row("exclude for the day",   "POST", "/staff/persons/{person}/exclusion",
        LOGIN,     TO_CONDUCT, TO_CONDUCT, TO_CONDUCT, 403, 403, 404,
        {"site": "h17", "reason": "Sold pills"}),
    Row("decide a quarantine",   "POST", "/staff/persons/{person}/quarantines",
        LOGIN,     403,       403,    TO_CONDUCT, 403, 403,   403,
        {"scope": "all", "until": "{until}", "reason": "Violence"}),
    Row("lift a quarantine",     "POST", "/staff/quarantines/{quarantine}/lift",
        LOGIN,     403,       403,    TO_QUARANTINED, 403, 403, 403,
        {"reason": "Talked it through"}),
    Row("site quarantines",      "GET",  "/staff/sites/h17/quarantines",
        LOGIN,     200,       200,    200,    403,   403,     404),
    # --- house rules ------------------------------------------------------------------------
    Row("edit site house rules", "GET",  "/staff/house-rules/h17/",
        LOGIN,     403,       403,    200,    200,   403,     403),
    Row("edit shared house rules", "GET", "/staff/house-rules/shared/",
        LOGIN,     403,       403,    403,    200,   403,     403),
    Row("house rules poster",    "GET",  "/rules/h17/",
        200,       200,       200,    200,    200,   200,     200),
    # --- voice: suggestions, complaints, user council ---------------------------------------
    Row("suggestions page",      "GET",  "/staff/sites/h17/suggestions",
        LOGIN,     200,       200,    200,    403,   403,     404),
    Row("answer a suggestion",   "POST", "/staff/suggestions/{suggestion}/response",
        LOGIN,     403,       403,    Redirect("/staff/sites/h17/suggestions"), 403, 403, 403,
        {"response": "Done"}),
    Row("complaint on behalf",   "GET",  "/staff/sites/h17/complaints/new",
        LOGIN,     200,       200,    200,    403,   403,     404),
    Row("complaint register",    "GET",  "/staff/complaints/",
        LOGIN,     403,       403,    200,    403,   403,     403),
    Row("complaint page",        "GET",  "/staff/complaints/{complaint}/",
        LOGIN,     403,       403,    200,    403,   403,     403),
    Row("user council",          "GET",  "/staff/sites/h17/council/",
        LOGIN,     200,       200,    200,    403,   403,     404),
    Row("user council meeting",  "GET",  "/staff/council/{council}/",
        LOGIN,     200,       200,    200,    403,   403,     404),
    Row("public complaint form", "GET",  "/complaints/",
        200,       200,       200,    200,    200,   200,     200),
    Row("public complaint thanks", "GET", "/complaints/thanks",
        200,       200,       200,    200,    200,   200,     200),
    # --- neighbours' reports (nærmiljø) -------------------------------------------------------
    Row("public neighbour report form", "GET", "/neighbours/",
        200,       200,       200,    200,    200,   200,     200),
    Row("public neighbour report thanks", "GET", "/neighbours/thanks",
        200,       200,       200,    200,    200,   200,     200),
    Row("a site's neighbour reports", "GET", "/staff/sites/h17/neighbours/",
        LOGIN,     200,       200,    200,    200,   403,     404),
    Row("close a neighbour report", "POST", "/staff/neighbours/{neighbour_report}/close",
        LOGIN,     TO_NEIGHBOURS, TO_NEIGHBOURS, TO_NEIGHBOURS, TO_NEIGHBOURS, 403, 404,
        {"outcome": "collected", "site": "h17"}),
    Row("a neighbour's contact", "POST", "/staff/neighbours/{neighbour_report}/contact",
        LOGIN,     200,       200,    200,    403,   403,     404, {"site": "h17"}),
    # --- statistics (counts only) ----------------------------------------------------------
    Row("statistics: the city",  "GET",  "/staff/stats/",
        LOGIN,     403,       403,    200,    200,   200,     403),
    Row("statistics: a site",    "GET",  "/staff/stats/h17/",
        LOGIN,     403,       403,    200,    200,   200,     403),
    Row("report: the city",      "GET",  "/staff/stats/report/?year=2026&month=1",
        LOGIN,     403,       403,    200,    200,   200,     403),
    Row("report: a site",        "GET",  "/staff/stats/h17/report/?year=2026",
        LOGIN,     403,       403,    200,    200,   200,     403),
    Row("key figures: the city", "GET",  "/staff/stats/key-figures/",
        LOGIN,     403,       403,    200,    200,   200,     403),
    Row("key figures: a site",   "GET",  "/staff/stats/h17/key-figures/?month=2026-01",
        LOGIN,     403,       403,    200,    200,   200,     403),
    # --- audit and admin ------------------------------------------------------------------
    Row("audit trail page",      "GET",  "/staff/audit/",
        LOGIN,     403,       403,    200,    200,   403,     403),
    Row("django admin",          "GET",  "/admin/",
        LOGIN,     403,       403,    403,    200,   403,     403),
    # --- API: public and auth -------------------------------------------------------------
    Row("api sites",             "GET",  "/api/v1/sites",
        200,       200,       200,    200,    200,   200,     200),
    Row("api site",              "GET",  "/api/v1/sites/h17",
        200,       200,       200,    200,    200,   200,     200),
    Row("api openapi",           "GET",  "/api/v1/openapi.json",
        200,       200,       200,    200,    200,   200,     200),
    Row("api token",             "POST", "/api/v1/auth/token",
        200,       200,       200,    200,    200,   200,     200,
        {"username": "reception-h17", "password": PASSWORD}),
    Row("api revoke token",      "DELETE", "/api/v1/auth/token",
        401,       204,       204,    204,    204,   204,     204),
    Row("api me",                "GET",  "/api/v1/auth/me",
        401,       200,       200,    200,    200,   200,     200),
    Row("api audit",             "GET",  "/api/v1/audit",
        401,       403,       403,    200,    200,   403,     403),
    # --- API: the door and the board ------------------------------------------------------
    Row("api site events",       "GET",  "/api/v1/sites/h17/events",
        401,       200,       200,    200,    200,   403,     404),
    Row("api board",             "GET",  "/api/v1/sites/h17/board",
        401,       200,       200,    200,    200,   403,     404),
    Row("api booth ready",       "POST", "/api/v1/sites/h17/booths/{booth}/ready",
        401,       200,       200,    200,    403,   403,     404),
    Row("api assisted intake",   "POST", "/api/v1/sites/h17/assisted-intake",
        401,       200,       200,    200,    403,   403,     404,
        {"available": False}),
    Row("api register person",   "POST", "/api/v1/persons",
        401,       201,       201,    201,    403,   403,     404,
        NEW_PERSON),
    Row("api find persons",      "GET",  "/api/v1/persons?q=Ada",
        401,       200,       200,    200,    403,   403,     200),
    Row("api person",            "GET",  "/api/v1/persons/{person}",
        401,       200,       200,    200,    403,   403,     200),
    Row("api correct person",    "PATCH", "/api/v1/persons/{person}",
        401,       200,       200,    200,    403,   403,     200,
        {"alias": "Ada Lovelace"}),
    Row("api first-aid agreement", "POST", "/api/v1/persons/{person}/first-aid-agreement",
        401,       201,       201,    201,    403,   403,     404,
        {"site": "h17", "house_rules_shown": True}),
    Row("api merge persons",     "POST", "/api/v1/persons/{person}/merge",
        401,       200,       200,    200,    403,   403,     200,
        {"duplicate": "{duplicate}"}),
    Row("api check in",          "POST", "/api/v1/visits",
        401,       201,       201,    201,    403,   403,     404,
        CHECK_IN),
    # Visits carry person codes and substances: not for the analyst (counts only). The
    # member of skyen sees skyen's visits only (an empty list here).
    Row("api list visits",       "GET",  "/api/v1/visits",
        401,       200,       200,    200,    200,   403,     200),
    Row("api add assistance",    "POST", "/api/v1/visits/{in_booth}/assistance",
        401,       200,       200,    200,    403,   403,     404,
        ASSIST),
    Row("api check out",         "POST", "/api/v1/visits/{in_booth}/checkout",
        401,       200,       200,    200,    403,   403,     404,
        {}),
    Row("api look in on a booth", "POST", "/api/v1/visits/{in_booth}/checks",
        401,       201,       201,    201,    403,   403,     404,
        {"note": "Sover ikke, svarer"}),
    Row("api leave queue",       "POST", "/api/v1/visits/{queued}/leave-queue",
        401,       200,       200,    200,    403,   403,     404),
    Row("api correct visit",     "PATCH", "/api/v1/visits/{in_booth}",
        401,       200,       200,    200,    403,   403,     404,
        {"substances": ["heroin", "cocaine"]}),
    Row("api undo check-out",    "POST", "/api/v1/visits/{checked_out}/undo-checkout",
        401,       200,       200,    200,    403,   403,     404),
    # --- API: alarms and incidents --------------------------------------------------------
    # The visit has an open incident in the world: the alarm joins it (200, not 201).
    Row("api raise alarm",       "POST", "/api/v1/incidents",
        401,       200,       200,    200,    403,   403,     404,
        {"site": "h17", "kind": "overdose_opioid", "visit": "{in_booth}"}),
    Row("api incident",          "GET",  "/api/v1/incidents/{incident}",
        401,       200,       200,    200,    403,   403,     404),
    Row("api set incident kind", "PATCH", "/api/v1/incidents/{incident}",
        401,       200,       200,    200,    403,   403,     404,
        {"kind": "overdose_stimulant"}),
    Row("api acknowledge",       "POST", "/api/v1/incidents/{incident}/acknowledge",
        401,       200,       200,    200,    403,   403,     404),
    Row("api intervention",      "POST", "/api/v1/incidents/{incident}/interventions",
        401,       201,       201,    201,    403,   403,     404,
        {"kind": "naloxone", "dose_mg": "0.4", "route": "im"}),
    Row("api close incident",    "POST", "/api/v1/incidents/{incident}/close",
        401,       200,       200,    200,    403,   403,     404,
        {"outcome": "recovered_on_site"}),
    # --- API: the health journal ----------------------------------------------------------
    Row("api write journal",     "POST", "/api/v1/incidents/{incident}/journal",
        401,       403,       201,    403,    403,   403,     403,
        {"fictitious": True, "disclosure_consent": "refused", "assessment": "a",
         "treatment": "t"}),
    Row("api read journal",      "GET",  "/api/v1/journal/{journal}",
        401,       403,       200,    403,    403,   403,     403),
    Row("api disclose journal",  "POST", "/api/v1/journal/{journal}/disclosures",
        401,       403,       201,    403,    403,   403,     403,
        {"to_whom": "Region Hovedstaden"}),
    # --- API: drug alerts ---------------------------------------------------------------------
    Row("api drug alerts",       "GET",  "/api/v1/alerts?active=true",
        401,       200,       200,    200,    200,   403,     200),
    Row("api raise drug alert",  "POST", "/api/v1/alerts",
        401,       403,       403,    201,    403,   403,     403,
        {"substance": "cocaine", "note": "A strong batch"}),
    Row("api drug alert",        "GET",  "/api/v1/alerts/{alert}",
        401,       200,       200,    200,    200,   403,     200),
    Row("api acknowledge drug alert", "POST", "/api/v1/alerts/{alert}/acknowledge",
        401,       200,       200,    200,    200,   403,     404,
        {"site": "h17"}),
    Row("api end drug alert",    "POST", "/api/v1/alerts/{alert}/end",
        401,       403,       403,    200,    403,   403,     403),
    # --- API: rounds around the site --------------------------------------------------------
    Row("api record round",      "POST", "/api/v1/neighbourhood/rounds",
        401,       201,       201,    201,    403,   403,     404,
        {"site": "h17", "started_at": "2026-11-02T10:00:00+01:00",
         "ended_at": "2026-11-02T10:30:00+01:00", "syringes": 3}),
    Row("api list rounds",       "GET",  "/api/v1/neighbourhood/rounds?site=h17",
        401,       200,       200,    200,    403,   403,     404),
    Row("api list zones",        "GET",  "/api/v1/neighbourhood/zones?site=h17",
        401,       200,       200,    200,    403,   403,     404),
    # --- API: care ---------------------------------------------------------------------------
    Row("api record service",    "POST", "/api/v1/services",
        401,       201,       201,    201,    403,   403,     404,
        {"site": "h17", "kind": "wound_care", "visit": "{in_booth}"}),
    Row("api refer",             "POST", "/api/v1/referrals",
        401,       201,       201,    201,    403,   403,     404,
        {"person": "{person}", "target": "gp", "site": "h17"}),
    Row("api list referrals",    "GET",  "/api/v1/referrals?site=h17",
        401,       200,       200,    200,    403,   403,     404),
    Row("api referral",          "GET",  "/api/v1/referrals/{referral}",
        401,       200,       200,    200,    403,   403,     404),
    Row("api update referral",   "PATCH", "/api/v1/referrals/{referral}",
        401,       200,       200,    200,    403,   403,     404,
        {"outcome": "Called the GP"}),
    # --- API: conduct -------------------------------------------------------------------------
    Row("api decide quarantine", "POST", "/api/v1/quarantines",
        401,       403,       403,    201,    403,   403,     403,
        {"person": "{person}", "sites": "all", "until": "{until}", "reason": "Violence"}),
    Row("api exclude for the day", "POST", "/api/v1/quarantines/exclusions",
        401,       201,       201,    201,    403,   403,     404,
        {"person": "{person}", "site": "h17", "reason": "Dealing"}),
    Row("api quarantine",        "GET",  "/api/v1/quarantines/{quarantine}",
        401,       200,       200,    200,    403,   403,     404),
    Row("api lift quarantine",   "POST", "/api/v1/quarantines/{quarantine}/lift",
        401,       403,       403,    200,    403,   403,     403,
        {"reason": "Talked it through"}),
    Row("api person quarantines", "GET", "/api/v1/persons/{person}/quarantines",
        401,       200,       200,    200,    403,   403,     200),
    Row("api record violation",  "POST", "/api/v1/violations",
        401,       201,       201,    201,    403,   403,     404,
        {"person": "{person}", "site": "h17", "rule": "r", "description": "d"}),
    # --- API: voice ---------------------------------------------------------------------------
    # Anyone may complain without logging in; staff file on a person's behalf.
    Row("api file complaint",    "POST", "/api/v1/complaints",
        201,       201,       201,    201,    403,   403,     201,
        {"route": "leader", "text": "Too cold", "anonymous": True}),
    Row("api list complaints",   "GET",  "/api/v1/complaints",
        401,       403,       403,    200,    403,   403,     403),
    Row("api handle complaint",  "PATCH", "/api/v1/complaints/{complaint}",
        401,       403,       403,    200,    403,   403,     403,
        {"status": "in_progress"}),
    Row("api leave suggestion",  "POST", "/api/v1/suggestions",
        401,       201,       201,    201,    403,   403,     404,
        {"site": "h17", "kind": "suggestion", "text": "More towels"}),
    Row("api list suggestions",  "GET",  "/api/v1/suggestions?site=h17",
        401,       200,       200,    200,    403,   403,     404),
    Row("api answer suggestion", "POST", "/api/v1/suggestions/{suggestion}/response",
        401,       403,       403,    200,    403,   403,     403,
        {"response": "Ordered"}),
    Row("api record council meeting", "POST", "/api/v1/council-meetings",
        401,       201,       201,    201,    403,   403,     404,
        {"site": "h17", "held_on": "2026-11-20", "agenda": "Hours"}),
    Row("api list council meetings", "GET", "/api/v1/council-meetings?site=h17",
        401,       200,       200,    200,    403,   403,     404),
    # Anyone may report without logging in; the staff of the site list and close.
    Row("api file neighbour report", "POST", "/api/v1/neighbourhood/reports",
        201,       201,       201,    201,    201,   201,     201,
        {"site": "h17", "kind": "syringe", "place": "Istedgade"}),
    Row("api list neighbour reports", "GET", "/api/v1/neighbourhood/reports?site=h17",
        401,       200,       200,    200,    200,   403,     404),
    Row("api close neighbour report", "POST",
        "/api/v1/neighbourhood/reports/{neighbour_report}/close",
        401,       200,       200,    200,    200,   403,     404, {"outcome": "collected"}),
    Row("api stats summary",     "GET",  "/api/v1/stats/summary?site=h17",
        401,       403,       403,    200,    200,   200,     403),
    Row("api stats series",      "GET",  "/api/v1/stats/series?bucket=week",
        401,       403,       403,    200,    200,   200,     403),
    Row("api stats export",      "GET",  "/api/v1/stats/export.csv",
        401,       403,       403,    200,    200,   200,     403),
    Row("api stats mds",         "GET",  "/api/v1/stats/mds?site=h17",
        401,       403,       403,    200,    200,   200,     403),
    Row("api stats mds csv",     "GET",  "/api/v1/stats/mds.csv",
        401,       403,       403,    200,    200,   200,     403),
    Row("api update council meeting", "PATCH", "/api/v1/council-meetings/{council}",
        401,       200,       200,    200,    403,   403,     404,
        {"minutes": "Talked"}),
]
# fmt: on

# Callers who are members of h17 (or see every site): for them a row about h17 can never be
# "not found" (every object of the world is at h17), so a 404 would hide a missing
# capability that must be told 403. Rows about another site name it.
MEMBERS_OF_H17 = (RECEPTION, HEALTH, LEADER, ADMIN, ANALYST)
PUBLIC_API = {("GET", "/api/v1/sites"), ("GET", "/api/v1/sites/h17"),
              ("GET", "/api/v1/openapi.json"), ("POST", "/api/v1/auth/token"),
              ("POST", "/api/v1/complaints"), ("POST", "/api/v1/neighbourhood/reports")}


def test_matrix_follows_the_access_answers():
    """API.md, "Access answers": 403 for a role lacking the capability, 404 only for an
    object at a site the caller does not belong to, 401 for anonymous API callers except
    on the public routes."""
    wrong = []
    for row in MATRIX:
        elsewhere = "skyen" in row.url
        for caller in MEMBERS_OF_H17:
            if row.outcome(caller) == 404 and not elsewhere:
                wrong.append(f"{row.name} as {caller}: 404 (a missing capability is 403)")
        if row.is_api and (row.method, row.url) not in PUBLIC_API \
                and row.anonymous != 401:
            wrong.append(f"{row.name} anonymously: {row.anonymous} (expected 401)")

    assert not wrong, "\n".join(wrong)


# Routes that need no row: Django's own apps, and django-ninja's generated pages.
UNLISTED_PREFIXES = ("admin/", "i18n/", "static/")
UNLISTED_ROUTES = {
    "api/v1/": "django-ninja's API root (no content of its own)",
    "api/v1/docs": "django-ninja's interactive documentation (Swagger UI)",
}
ANY_METHOD = "*"


# --- the world the rows act on -----------------------------------------------------------


def build_world(cast, door, sites):
    """h17 with one injection booth: Ada (no visit), Bo (a possible duplicate of Ada), Cai
    in the booth with an open incident, Dan in the queue."""
    from stofrum.care.services import refer
    from stofrum.conduct.services import decide_quarantine
    from stofrum.health.services import raise_alarm, write_journal
    from stofrum.visits.services import check_in
    from stofrum.voice.services import file_complaint, leave_suggestion, record_council_meeting

    keep_booths(sites["h17"], "injection", 1)
    ada = new_person(door, sites, alias="Ada", birth_year=1980, gender="female")
    bo = new_person(door, sites, alias="Bo", birth_year=1981)
    cai = new_person(door, sites, alias="Cai", birth_year=1982)
    dan = new_person(door, sites, alias="Dan", birth_year=1983)
    in_booth = check_in(door, cai, sites["h17"], ["heroin"], "injection")
    queued = check_in(door, dan, sites["h17"], ["heroin"], "injection")
    assert in_booth.booth_id is not None and queued.state == "queued"
    incident = raise_alarm(door, sites["h17"], "overdose_opioid", visit=in_booth)
    journal = write_journal(cast["health"], incident, cpr_number="070380-1234",
                            disclosure_consent="given", assessment="a", treatment="t")
    referral = refer(door, sites["h17"], ada, "drug_treatment")
    from stofrum.visits.services import check_out

    fay = new_person(door, sites, alias="Fay", birth_year=1985)
    checked_out = check_out(door, check_in(door, fay, sites["h17"], ["crack"], "smoking"))
    eve = new_person(door, sites, alias="Eve", birth_year=1984)
    until = timezone.localdate() + timedelta(days=7)
    quarantine = decide_quarantine(cast["leader"], eve, [sites["h17"]], until=until, reason="r")
    complaint = file_complaint(None, site=sites["h17"], route="leader", text="Too cold")
    suggestion = leave_suggestion(door, sites["h17"], "suggestion", "More towels")
    council = record_council_meeting(door, sites["h17"], held_on=timezone.localdate(),
                                     agenda="Hours")
    from stofrum.alerts.services import raise_alert

    alert = raise_alert(cast["leader"], "fentanyl", "A warning from the Region")
    from stofrum.neighbours.services import file_report

    neighbour_report = file_report(site="h17", kind="syringe", place="Istedgade",
                                   contact="22334455")
    return {"referral": str(referral.pk), "quarantine": str(quarantine.pk),
            "quarantined": eve.code, "until": until.isoformat(),
            "complaint": str(complaint.pk), "suggestion": str(suggestion.pk),
            "council": str(council.pk), "neighbour_report": str(neighbour_report.pk),
            "person": ada.code, "duplicate": bo.code,
            "in_booth": str(in_booth.pk), "checked_out": str(checked_out.pk),
            "queued": str(queued.pk), "helper": dan.code, "booth": str(in_booth.booth_id),
            "incident": str(incident.pk), "journal": str(journal.pk), "alert": str(alert.pk)}


# --- the shared data of the two big tables -----------------------------------------------
#
# The matrix and SHOWS are about 1,300 requests, each a test. Building the sites, the cast
# and the world for each of them was most of the suite's time; they are built once for
# each table's class (TestMatrix, TestShows), in a transaction rolled back after its tests.
# Every test still runs in a savepoint of its own (pytest-django's `db`, a TestCase atomic
# nested in that transaction), rolled back after it: what one request changes (a check-out,
# a new person) no other test sees. Only the staff objects of the cast are shared in memory,
# and the tests use them only to log in and issue tokens.


@pytest.fixture(scope="module")
def shared_key_ring(tmp_path_factory):
    """The CPR key ring of this module: the shared data holds CPR numbers sealed with it."""
    return tmp_path_factory.mktemp("cpr-key") / "cpr.key"


@pytest.fixture
def _cpr_key_ring(settings, monkeypatch, shared_key_ring):
    # Replaces the conftest's ring of its own for each test: the module's ring, made by
    # `_built_once` (or here, for the tests that use no shared data).
    monkeypatch.delenv("STOFRUM_CPR_KEY", raising=False)
    settings.STOFRUM_CPR_KEY = ""
    settings.STOFRUM_CPR_KEY_FILE = str(shared_key_ring)
    if not shared_key_ring.exists():
        from stofrum.health import vault

        vault.create_ring()


@contextlib.contextmanager
def _built_once(django_db_blocker, key_ring):
    """A transaction for data shared by a class of tests, rolled back when they are done;
    with the test settings the conftest's autouse fixtures give each test."""
    from stofrum.health import vault

    with (django_db_blocker.unblock(), pytest.MonkeyPatch.context() as env,
          override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS, STOFRUM_CPR_KEY="",
                            STOFRUM_CPR_KEY_FILE=str(key_ring)),
          transaction.atomic()):
        env.delenv("STOFRUM_CPR_KEY", raising=False)
        if not key_ring.exists():
            vault.create_ring()
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="class")
def matrix_data(django_db_setup, django_db_blocker, shared_key_ring):
    """(cast, world) for the matrix, built once."""
    with _built_once(django_db_blocker, shared_key_ring):
        sites = seed_test_sites()
        cast = new_cast()
        yield cast, build_world(cast, new_door(), sites)


@pytest.fixture(scope="class")
def shows_data(django_db_setup, django_db_blocker, shared_key_ring):
    """(cast, spread) for SHOWS, built once."""
    with _built_once(django_db_blocker, shared_key_ring):
        sites = seed_test_sites()
        cast = new_cast()
        yield cast, build_spread(cast, new_door(), sites)


def _fill(value, names: dict):
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    return value


# Stand-ins of the right shape, for resolving row URLs without a database.
SAMPLE_NAMES = {"person": "ABC123", "duplicate": "DEF456",
                "in_booth": "00000000-0000-4000-8000-000000000001",
                "queued": "00000000-0000-4000-8000-000000000002", "helper": "GHJ789",
                "checked_out": "00000000-0000-4000-8000-000000000005",
                "booth": "1", "incident": "00000000-0000-4000-8000-000000000003",
                "journal": "00000000-0000-4000-8000-000000000004", "referral": "1",
                "quarantine": "1", "quarantined": "JKL234", "until": "2030-01-01",
                "complaint": "1", "suggestion": "1", "council": "1",
                "alert": "00000000-0000-4000-8000-000000000006", "neighbour_report": "1"}


# --- making the request and judging the answer -------------------------------------------


def _send(client, method: str, url: str, data, *, api: bool, headers=None):
    call = getattr(client, method.lower())
    kwargs = {"headers": headers or {}}
    if data is not None and method != "GET":
        if api:
            kwargs["content_type"] = "application/json"
        return call(url, data, **kwargs)
    return call(url, **kwargs)


def _describe(response) -> str:
    text = str(response.status_code)
    if response.has_header("Location"):
        text += f" -> {response['Location']}"
    elif response.get("Content-Type", "").startswith("application/json"):
        text += f" {response.content[:120]!r}"
    return text


def _is_login_redirect(client, response) -> bool:
    """A redirect that, followed, ends on the login page."""
    for _ in range(4):
        if response.status_code != 302:
            break
        response = client.get(response["Location"])
    return response.status_code == 200 and response.request["PATH_INFO"] == "/login/"


API_ERROR_CODES = {401: "not_authenticated", 403: "forbidden", 404: "not_found"}


def _check(client, response, outcome, where: str):
    got = _describe(response)
    if outcome == LOGIN:
        assert response.status_code == 302, f"{where}: expected login redirect, got {got}"
        assert _is_login_redirect(client, response), (
            f"{where}: expected a redirect to /login/, got {got}")
    elif isinstance(outcome, Redirect):
        assert response.status_code == 302, f"{where}: expected {outcome}, got {got}"
        assert outcome.matches(response["Location"]), f"{where}: expected {outcome}, got {got}"
    else:
        assert response.status_code == outcome, f"{where}: expected {outcome}, got {got}"
        is_json = response.get("Content-Type", "").startswith("application/json")
        if outcome in API_ERROR_CODES and is_json:
            assert response.json()["code"] == API_ERROR_CODES[outcome], f"{where}: {got}"


def _cases():
    for row in MATRIX:
        for caller in CALLERS:
            if caller == ANONYMOUS:
                auths = ["none"]
            else:
                auths = ["bearer", "session"] if row.is_api else ["session"]
            for auth in auths:
                yield pytest.param(row, caller, auth, id=f"{row.name}|{caller}|{auth}")


class TestMatrix:
    """The matrix's requests, on the sites, cast and world built once (`matrix_data`)."""

    @pytest.fixture
    def cast(self, matrix_data, db):
        return matrix_data[0]

    @pytest.fixture
    def world(self, matrix_data, db):
        return matrix_data[1]

    @pytest.mark.parametrize(("row", "caller", "auth"), list(_cases()))
    def test_caller_gets_the_outcome_in_the_matrix(self, client, cast, world, login, row,
                                                   caller, auth):
        names = world
        headers = {}
        if auth == "session":
            login(cast[caller])
        elif auth == "bearer":
            _, raw = ApiToken.issue(cast[caller], timezone.now() + timedelta(hours=1))
            headers["Authorization"] = f"Bearer {raw}"
        url, data = _fill(row.url, names), _fill(row.data, names)
        outcome = row.outcome(caller)
        if isinstance(outcome, Redirect):
            outcome = Redirect(_fill(outcome.to, names), outcome.prefix)

        response = _send(client, row.method, url, data, api=row.is_api, headers=headers)

        _check(client, response, outcome, f"{row.method} {url} as {caller} ({auth})")


@pytest.mark.parametrize("role", ["reception", "leader", "analyst"])
def test_signed_in_staff_without_admin_rights_are_not_sent_round_in_circles(client, cast,
                                                                            login, role):
    login(cast[role])

    # The admin sends them to its login, which sends a signed-in member back to /admin/.
    response = client.get("/admin/", follow=True)

    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/admin/sites/site/{h17}/change/", "/admin/sites/site/add/",
                                  "/admin/sites/intakemethod/", "/admin/staff/staffmember/",
                                  "/admin/staff/staffmember/add/"])
def test_admin_role_may_configure_sites_and_staff_in_the_admin(client, cast, login, sites,
                                                               path):
    login(cast["admin"])

    response = client.get(path.format(h17=sites["h17"].pk))

    assert response.status_code == 200


# --- the second factor -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["health", "leader", "admin"])
@pytest.mark.parametrize("path", ["/staff/", "/staff/sites/h17/", "/staff/audit/"])
def test_two_factor_role_without_the_second_factor_is_sent_to_verify(client, cast, login,
                                                                      role, path):
    login(cast[role], verified=False)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/verify/?next={path}"


@pytest.mark.parametrize("role", ["health", "leader", "admin"])
def test_two_factor_role_without_the_second_factor_is_not_authenticated_in_the_api(
        client, cast, login, role):
    login(cast[role], verified=False)

    response = client.get("/api/v1/auth/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_role_without_a_second_factor_uses_the_api_with_a_plain_session(client, cast, login):
    login(cast["reception"], verified=False)

    response = client.get("/api/v1/auth/me")

    assert response.status_code == 200
    assert response.json()["username"] == "reception-h17"


# --- the matrix covers every route -------------------------------------------------------


def _ninja_methods(callback) -> set[str] | None:
    """The HTTP methods a django-ninja route answers, or None for a plain Django view."""
    for cell in getattr(callback, "__closure__", None) or ():
        contents = cell.cell_contents
        if isinstance(contents, PathView):
            return {m for op in contents.operations for m in op.methods}
    return None


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def _required_routes() -> set[tuple[str, str]]:
    required = set()
    for route, callback in _routes(get_resolver().url_patterns):
        if route.startswith(UNLISTED_PREFIXES) or route in UNLISTED_ROUTES:
            continue
        methods = _ninja_methods(callback)
        for method in methods or {ANY_METHOD}:
            required.add((route, method))
    return required


def _covered_routes() -> set[tuple[str, str]]:
    covered = set()
    for row in MATRIX:
        match = resolve(urlsplit(_fill(row.url, SAMPLE_NAMES)).path)
        method = row.method if _ninja_methods(match.func) is not None else ANY_METHOD
        covered.add((match.route, method))
    return covered


def test_every_route_has_a_row():
    missing = _required_routes() - _covered_routes()

    assert not missing, (
        "routes without a row in MATRIX (add one, or to UNLISTED_ROUTES with a reason): "
        + ", ".join(f"{m} {r}" for r, m in sorted(missing)))


def test_the_route_walk_sees_pages_and_each_api_method():
    required = _required_routes()

    # Guards the walk itself: it must see plain views and each method of a ninja path.
    assert ("staff/", ANY_METHOD) in required
    assert ("api/v1/auth/token", "POST") in required
    assert ("api/v1/auth/token", "DELETE") in required
    assert not any(route.startswith("admin/") for route, _ in required)


def test_every_row_names_a_distinct_request():
    keys = [(row.method, row.url) for row in MATRIX]
    names = [row.name for row in MATRIX]

    assert len(set(keys)) == len(keys)
    assert len(set(names)) == len(names)


# --- what a page shows: only what the caller's sites hold --------------------------------
#
# Status codes are not enough: a page that answers 200 may still show another site's
# records. `spread` gives one person records at h17 and at Reden (visits, a service, a
# referral, a violation, a quarantine, a journal of the same patient); each row of SHOWS
# names a distinctive marker of one record and who must, and who must not, find it in the
# answer. Callers as in the matrix (h17 staff, reception at skyen only); Reden is nobody's
# site in the cast. Administrators see every site but hold no door capability (403 above).

H17_STAFF = (RECEPTION, HEALTH, LEADER)


@dataclass(frozen=True)
class Shows:
    name: str
    url: str
    marker: str
    seen_by: tuple[str, ...]
    hidden_from: tuple[str, ...]


# fmt: off
SHOWS = [
    # The person page: visits (the site's name), services and violations (their notes),
    # referrals (their links), quarantines (their reasons), the first-aid agreement (site).
    Shows("person page: visit at reden", "/staff/persons/{person}/",
          "Reden København Stofindtag", (), (*H17_STAFF, OTHER_SITE)),
    Shows("person page: service at h17", "/staff/persons/{person}/",
          "care-note-h17", H17_STAFF, (OTHER_SITE,)),
    Shows("person page: service at reden", "/staff/persons/{person}/",
          "care-note-reden", (), (*H17_STAFF, OTHER_SITE)),
    Shows("person page: referral at h17", "/staff/persons/{person}/",
          "/staff/referrals/{referral_h17}/", H17_STAFF, (OTHER_SITE,)),
    Shows("person page: referral at reden", "/staff/persons/{person}/",
          "/staff/referrals/{referral_reden}/", (), (*H17_STAFF, OTHER_SITE)),
    Shows("person page: violation at h17", "/staff/persons/{person}/",
          "conduct-note-h17", H17_STAFF, (OTHER_SITE,)),
    Shows("person page: violation at reden", "/staff/persons/{person}/",
          "conduct-note-reden", (), (*H17_STAFF, OTHER_SITE)),
    Shows("person page: quarantine at reden", "/staff/persons/{person}/",
          "quarantine-note-reden", (), (*H17_STAFF, OTHER_SITE)),
    Shows("person page: quarantine everywhere", "/staff/persons/{person}/",
          "quarantine-note-all", (*H17_STAFF, OTHER_SITE), ()),
    Shows("person page: agreement at h17", "/staff/persons/{person}/",
          "/staff/persons/{person}/agreement", H17_STAFF, (OTHER_SITE,)),
    Shows("signed agreement: h17", "/staff/persons/{person}/agreement",
          "{person}</code> · H17", H17_STAFF, (OTHER_SITE,)),
    # The API answers the same.
    Shows("api person: agreement at h17", "/api/v1/persons/{person}",
          '"site": "h17"', H17_STAFF, (OTHER_SITE,)),
    Shows("api person quarantines: at reden", "/api/v1/persons/{person}/quarantines",
          "quarantine-note-reden", (), (*H17_STAFF, OTHER_SITE)),
    Shows("api person quarantines: everywhere", "/api/v1/persons/{person}/quarantines",
          "quarantine-note-all", (*H17_STAFF, OTHER_SITE), ()),
    Shows("api visits of the person: h17", "/api/v1/visits?person={person}",
          "{visit_h17}", H17_STAFF, (OTHER_SITE,)),
    Shows("api visits of the person: reden", "/api/v1/visits?person={person}",
          "{visit_reden}", (), (*H17_STAFF, OTHER_SITE)),
    Shows("api referrals at h17", "/api/v1/referrals?site=h17",
          "care-note-h17", H17_STAFF, ()),
    # A site's own lists hold that site's records only.
    Shows("site referrals: h17's", "/staff/sites/h17/referrals",
          "/staff/referrals/{referral_h17}/", H17_STAFF, ()),
    Shows("site referrals: not reden's", "/staff/sites/h17/referrals",
          "/staff/referrals/{referral_reden}/", (), H17_STAFF),
    Shows("site quarantines: not reden's", "/staff/sites/h17/quarantines",
          "quarantine-note-reden", (), H17_STAFF),
    Shows("site quarantines: everywhere", "/staff/sites/h17/quarantines",
          "quarantine-note-all", H17_STAFF, ()),
    # A journal links the same patient's journals, only those at the reader's sites.
    Shows("journal page: linked journal at reden", "/staff/journal/{journal_h17}/",
          "/staff/journal/{journal_reden}/", (), (HEALTH,)),
    Shows("journal page: linked journal at h17", "/staff/journal/{journal_h17}/",
          "/staff/journal/{journal_h17_later}/", (HEALTH,), ()),
    Shows("api journal: linked journal at reden", "/api/v1/journal/{journal_h17}",
          "{journal_reden}", (), (HEALTH,)),
    Shows("api journal: linked journal at h17", "/api/v1/journal/{journal_h17}",
          "{journal_h17_later}", (HEALTH,), ()),
    # Neighbours' reports: a site's own; the contact details only when revealed, to the
    # door staff of that site, never on a list page or the board.
    Shows("site neighbour reports: h17's", "/staff/sites/h17/neighbours/",
          "nabo-place-h17", H17_STAFF, ()),
    Shows("site neighbour reports: not reden's", "/staff/sites/h17/neighbours/",
          "nabo-place-reden", (), H17_STAFF),
    Shows("site neighbour reports: no contact", "/staff/sites/h17/neighbours/",
          "nabo-contact-h17", (), H17_STAFF),
    Shows("board: no neighbour's contact", "/staff/sites/h17/", "nabo-contact-h17", (),
          H17_STAFF),
    Shows("api neighbour reports: h17's contact revealed",
          "/api/v1/neighbourhood/reports?reveal=contact", "nabo-contact-h17", H17_STAFF,
          (OTHER_SITE,)),
    Shows("api neighbour reports: not reden's",
          "/api/v1/neighbourhood/reports?reveal=contact", "nabo-place-reden", (),
          (*H17_STAFF, OTHER_SITE)),
]
# fmt: on


def build_spread(cast, door, sites):
    """Ada, with records at h17 and at Reden; Reden's health staff member is nobody in the
    cast."""
    from stofrum.care.services import record_service, refer
    from stofrum.conduct.services import ALL_SITES, decide_quarantine, record_violation
    from stofrum.health.services import raise_alarm, write_journal
    from stofrum.visits.services import check_in, check_out

    ada = new_person(door, sites, alias="Ada", birth_year=1980, gender="female")
    reden = sites["reden"]
    method = reden.intake_methods.first().code
    visit_reden = check_out(door, check_in(door, ada, reden, ["heroin"], method))
    visit_h17 = check_out(door, check_in(door, ada, sites["h17"], ["heroin"], "injection"))
    for site in ("h17", "reden"):
        record_service(door, sites[site], "wound_care", person=ada, note=f"care-note-{site}")
        record_violation(door, ada, sites[site], rule="r", description=f"conduct-note-{site}")
    referral_h17 = refer(door, sites["h17"], ada, "gp", note="care-note-h17")
    referral_reden = refer(door, reden, ada, "psychiatry", note="care-note-reden")
    leader_reden = new_staff("leader", ["reden"], username="leader-reden")
    until = timezone.localdate() + timedelta(days=7)
    decide_quarantine(leader_reden, ada, [reden], until=until, reason="quarantine-note-reden")
    decide_quarantine(leader_reden, ada, ALL_SITES, until=until, reason="quarantine-note-all")
    health_reden = new_staff("health", ["reden"], username="health-reden")
    journals = {}
    for name, site, staff in (("journal_reden", reden, health_reden),
                              ("journal_h17", sites["h17"], cast["health"]),
                              ("journal_h17_later", sites["h17"], cast["health"])):
        incident = raise_alarm(staff, site, "overdose_opioid", person=ada)
        journals[name] = str(write_journal(
            staff, incident, cpr_number="070380-1234", disclosure_consent="given",
            assessment="a", treatment="t").pk)
    from stofrum.neighbours.services import file_report

    for site in ("h17", "reden"):
        file_report(site=site, kind="litter", place=f"nabo-place-{site}",
                    contact=f"nabo-contact-{site}")
    return {"person": ada.code, "visit_h17": str(visit_h17.pk),
            "visit_reden": str(visit_reden.pk), "referral_h17": str(referral_h17.pk),
            "referral_reden": str(referral_reden.pk), **journals}


def _shows_cases():
    for row in SHOWS:
        for caller in row.seen_by + row.hidden_from:
            auths = ["bearer", "session"] if row.url.startswith("/api/") else ["session"]
            for auth in auths:
                yield pytest.param(row, caller, auth, id=f"{row.name}|{caller}|{auth}")


class TestShows:
    """SHOWS's requests, on the sites, cast and spread built once (`shows_data`)."""

    @pytest.fixture
    def cast(self, shows_data, db):
        return shows_data[0]

    @pytest.fixture
    def spread(self, shows_data, db):
        return shows_data[1]

    @pytest.mark.parametrize(("row", "caller", "auth"), list(_shows_cases()))
    def test_caller_sees_only_what_their_sites_hold(self, client, cast, spread, login, row,
                                                    caller, auth):
        headers = {}
        if auth == "session":
            login(cast[caller])
        else:
            _, raw = ApiToken.issue(cast[caller], timezone.now() + timedelta(hours=1))
            headers["Authorization"] = f"Bearer {raw}"
        url, marker = _fill(row.url, spread), _fill(row.marker, spread)

        response = client.get(url, headers=headers)

        assert response.status_code == 200, f"{url} as {caller}: {_describe(response)}"
        shown = response.content.decode()
        if caller in row.seen_by:
            assert marker in shown, f"{url} as {caller} ({auth}) must show {marker!r}"
        else:
            assert marker not in shown, f"{url} as {caller} ({auth}) shows {marker!r}"


def test_shows_rows_are_distinct():
    names = [row.name for row in SHOWS]

    assert len(set(names)) == len(names)


def test_check_in_form_is_not_prefilled_from_a_visit_at_another_site(client, cast, login,
                                                                     make_person, door,
                                                                     sites):
    """The door pre-ticks what the person took last time, here; not what they took at a
    site the staff member does not belong to."""
    import re

    from stofrum.visits.services import check_in, check_out

    ada = make_person(alias="Ada", birth_year=1980, gender="female")
    reden = sites["reden"]
    check_out(door, check_in(door, ada, reden, ["cocaine"], reden.intake_methods.first().code))
    login(cast["reception"])

    page = client.get(f"/staff/sites/h17/?person={ada.code}").content.decode()

    ticked = re.findall(r'<input type="checkbox"[^>]*value="([a-z_]+)"[^>]*checked', page)
    assert "cocaine" not in ticked

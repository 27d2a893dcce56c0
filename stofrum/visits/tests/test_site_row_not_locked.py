"""Locking a visit or an incident does not lock its site's row (PostgreSQL).

`select_for_update()` with `select_related("site")` locks the joined site row FOR UPDATE
too. Every transaction that writes a row referring to the site (a visit, an audit event)
holds a KEY SHARE lock on it until its commit, where the audit chain's lock is already
held: a use case waiting there for the site row while holding a booth or visit lock, and
then for the chain's lock, deadlocked on a busy day (bench/day.py: 500s at check-in,
check-out, leave-queue and close). Here another transaction holds the site row's KEY SHARE
lock, as such a writer does, and the use case must not wait for it.
"""

import pytest
from django.db import OperationalError, connection

from conftest import lock_held_elsewhere
from stofrum.health import services as health
from stofrum.visits import services as visits

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _with_site_row_key_shared(site, use_case):
    """Run `use_case` while another transaction holds KEY SHARE on the site's row; give up
    waiting for any lock after two seconds."""
    with lock_held_elsewhere("SELECT 1 FROM sites_site WHERE id = %s FOR KEY SHARE",
                             [site.pk]):
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        try:
            return use_case()
        except OperationalError as exc:  # lock timeout: it waited for the site's row
            pytest.fail(f"the use case waited for the site's row: {exc}")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")


def test_leaving_the_queue_does_not_lock_the_site(door, sites, make_person, set_booths):
    set_booths("h17", "injection", 1)
    site = sites["h17"]
    visits.check_in(door, make_person(alias="I boksen"), site, ["heroin"], "injection")
    waiting = visits.check_in(door, make_person(alias="I køen"), site, ["heroin"],
                              "injection")
    assert waiting.state == "queued"
    left = _with_site_row_key_shared(site, lambda: visits.leave_queue(door, waiting))
    assert left.state == "left_queue"


def test_adding_an_assistant_does_not_lock_the_site(door, sites, make_person):
    site = sites["h17"]
    helper = make_person(alias="Hjælper")
    visits.check_in(door, helper, site, ["heroin"], "injection")
    visit = visits.check_in(door, make_person(alias="Får hjælp"), site, ["heroin"],
                            "injection")
    assisted = _with_site_row_key_shared(site, lambda: visits.add_assistance(
        door, visit, helper, "Kan ikke selv; hjælperen er rolig."))
    assert assisted.assisted_by_id == helper.pk


def test_closing_an_incident_does_not_lock_the_site(door, sites, make_person, make_staff):
    site = sites["h17"]
    nurse = make_staff("health", ["h17"], username="nurse")
    visit = visits.check_in(door, make_person(alias="Alarm"), site, ["heroin"], "injection")
    incident = health.raise_alarm(nurse, site, visit=visit)
    closed = _with_site_row_key_shared(site, lambda: health.close_incident(
        nurse, incident, "recovered_on_site"))
    assert closed.closed_at is not None

"""An alarm raised while the door holds the site's booths does not hold the audit chain's
lock while it waits (PostgreSQL).

Check-in and check-out lock the booths of a site FOR UPDATE and then append to the audit
chain. An alarm's incident refers to its booth; that foreign key, checked at commit, waits
for the booth's lock. Had the alarm taken the chain's lock first, the door would wait for
it in turn: a deadlock, and the alarm answered 500 (bench/day.py, a busy day).
"""

import threading
import time

import pytest
from django.db import connection, transaction

from conftest import lock_held_elsewhere, someone_waits_for_a_lock
from stofrum.audit import chain
from stofrum.health import services as health
from stofrum.health.models import Incident
from stofrum.visits.services import check_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_an_alarm_waiting_for_a_booth_does_not_hold_the_chain(door, sites, make_person,
                                                              make_staff):
    site = sites["h17"]
    nurse = make_staff("health", ["h17"], username="nurse")
    visit = check_in(door, make_person(alias="I boks"), site, ["heroin"], "injection")
    answers = []

    def alarm():
        try:
            answers.append(health.raise_alarm(nurse, site, visit=visit))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            answers.append(exc)
        finally:
            connection.close()

    raiser = threading.Thread(target=alarm)
    try:
        # the door holding the booths
        with lock_held_elsewhere("SELECT id FROM sites_booth WHERE id = %s FOR UPDATE",
                                 [visit.booth_id], hold_s=20):
            raiser.start()
            deadline = time.monotonic() + 10
            while not someone_waits_for_a_lock():
                assert time.monotonic() < deadline, "the alarm never waited for the booth"
                time.sleep(0.05)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [chain.CHAIN_LOCK])
                chain_free = cursor.fetchone()[0]
    finally:
        if raiser.is_alive():
            raiser.join()
    assert chain_free, "the alarm held the audit chain's lock while it waited for the booth"
    assert isinstance(answers[0], Incident), answers

"""What the door keeps per process of the rooms (stofrum/visits/door_config.py) is never
stale: a change of opening hours, intake methods or substances, written by any process
(here straight to the tables, as the admin or another app process would), is seen by the
next check-in; a rolled-back one never is; and a check-in after none reads none of them."""

from datetime import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from stofrum.errors import DomainError
from stofrum.sites.models import IntakeMethod, OpeningHours, Site
from stofrum.visits.models import Substance
from stofrum.visits.services import check_in


def checks_in(door, person, slug="h17", method="injection", substances=("heroin",)):
    return check_in(door, person, Site.objects.get(slug=slug), list(substances), method)


def refusal(door, person, **kw) -> str:
    with pytest.raises(DomainError) as info:
        checks_in(door, person, **kw)
    return info.value.code


def reads_of(captured, table) -> int:
    return sum(f'FROM "{table}"' in q["sql"] for q in captured.captured_queries)


@pytest.fixture
def kept(door, make_person):
    """A process that has checked someone in: it keeps the rooms' hours, methods and
    substances."""
    checks_in(door, make_person(alias="First"))


def test_a_check_in_after_no_change_reads_none_of_them(kept, door, make_person):
    with CaptureQueriesContext(connection) as captured:
        checks_in(door, make_person(alias="Second"))
    assert [reads_of(captured, t) for t in
            ("sites_openinghours", "sites_intakemethod", "visits_substance")] == [0, 0, 0]


def test_changed_opening_hours_are_seen_at_once(kept, door, make_person, sites):
    OpeningHours.objects.filter(site=sites["h17"]).update(opens=time(3), closes=time(3, 1))
    assert refusal(door, make_person(alias="Second")) == "site_closed"
    OpeningHours.objects.filter(site=sites["h17"]).delete()
    assert refusal(door, make_person(alias="Third")) == "site_closed"


def test_a_method_taken_off_a_site_is_seen_at_once(kept, door, make_person, sites):
    person = make_person(alias="Second")
    assert checks_in(door, person, method="smoking", substances=["cocaine"]).pk
    sites["h17"].intake_methods.remove(IntakeMethod.objects.get(code="smoking"))
    assert refusal(door, make_person(alias="Third"), method="smoking",
                   substances=["cocaine"]) == "method_not_offered"


def test_a_substance_taken_out_of_use_is_seen_at_once(kept, door, make_person):
    Substance.objects.filter(code="heroin").update(is_active=False)
    assert refusal(door, make_person(alias="Second")) == "unknown_substance"


def test_a_rolled_back_change_is_never_seen(kept, door, make_person, sites):
    with pytest.raises(RuntimeError), transaction.atomic():
        OpeningHours.objects.filter(site=sites["h17"]).delete()
        assert refusal(door, make_person(alias="Inside")) == "site_closed"
        raise RuntimeError("rolled back")
    assert checks_in(door, make_person(alias="After")).pk
    # and a later change is seen, though the rolled-back one was kept meanwhile
    OpeningHours.objects.filter(site=sites["h17"]).delete()
    assert refusal(door, make_person(alias="Later")) == "site_closed"


def test_a_site_object_kept_across_check_ins_sees_the_change(kept, door, make_person, sites):
    site = Site.objects.get(slug="h17")
    assert check_in(door, make_person(alias="Second"), site, ["heroin"], "injection").pk
    OpeningHours.objects.filter(site=site).delete()
    with pytest.raises(DomainError) as info:
        check_in(door, make_person(alias="Third"), site, ["heroin"], "injection")
    assert info.value.code == "site_closed"

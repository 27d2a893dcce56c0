"""Every refusal of the door, with its stable code, and that a refusal writes no visit but
is counted as turned away."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stofrum.conduct.models import Quarantine
from stofrum.errors import DomainError
from stofrum.sites.models import Site
from stofrum.visits.models import RefusedCheckIn, Visit
from stofrum.visits.services import check_in


def refused(code, staff, person, site, substances=("heroin",), method="injection", **kw):
    with pytest.raises(DomainError) as info:
        check_in(staff, person, site, list(substances), method, **kw)
    assert info.value.code == code
    assert not Visit.objects.filter(person=person).exists()
    assert RefusedCheckIn.objects.filter(code=code, site=site, person_code=person.code).exists()
    return info.value


def test_an_adult_with_an_agreement_gets_a_booth(door, sites, make_person):
    person = make_person()
    visit = check_in(door, person, sites["h17"], ["heroin"], "injection")
    assert visit.state == "in_booth"
    assert visit.booth.method.code == "injection"
    assert [s.code for s in visit.substances.all()] == ["heroin"]


def test_underage_is_refused(door, sites, make_person):
    this_year = timezone.localdate().year
    refused("underage", door, make_person(birth_year=this_year - 17), sites["h17"])


def test_adult_from_the_first_of_january_of_the_eighteenth_year(door, sites, make_person):
    this_year = timezone.localdate().year
    visit = check_in(door, make_person(birth_year=this_year - 18), sites["h17"], ["heroin"],
                     "injection")
    assert visit.state == "in_booth"


def test_women_only_site_refuses_men_and_admits_women(door, sites, make_person):
    refused("site_women_only", door, make_person(gender="male"), sites["reden"])
    refused("site_women_only", door, make_person(alias="X", gender="unknown"), sites["reden"])
    visit = check_in(door, make_person(alias="Anna", gender="female"), sites["reden"],
                     ["heroin"], "smoking")
    assert visit.state == "in_booth"


def test_method_not_offered(door, sites, make_person):
    refused("method_not_offered", door, make_person(), sites["sundholm"], method="smoking")


def test_cannabis_may_not_be_smoked(door, sites, make_person):
    error = refused("substance_not_allowed", door, make_person(), sites["h17"],
                    substances=("cannabis", "cocaine"), method="smoking")
    assert error.extra["substance"] == "cannabis"


def test_cannabis_may_be_injected_as_far_as_the_rules_go(door, sites, make_person):
    visit = check_in(door, make_person(), sites["h17"], ["cannabis"], "injection")
    assert visit.state == "in_booth"


def test_quarantine_refuses_with_the_end_date(door, sites, make_person, make_staff):
    person = make_person()
    leader = make_staff("leader", ["h17"])
    today = timezone.localdate()
    q = Quarantine.objects.create(person=person, starts_on=today, reason="vold",
                                  ends_on=today + timedelta(days=7), decided_by=leader)
    q.sites.set([sites["h17"]])
    error = refused("quarantined", door, person, sites["h17"])
    assert error.extra["until"] == (today + timedelta(days=7)).isoformat()
    # Another site is not covered:
    assert check_in(door, person, sites["skyen"], ["heroin"], "injection").state == "in_booth"


def test_quarantine_at_all_sites_and_its_last_day(door, sites, make_person, make_staff):
    person = make_person()
    leader = make_staff("leader", ["h17"])
    today = timezone.localdate()
    Quarantine.objects.create(person=person, all_sites=True, starts_on=today - timedelta(3),
                              ends_on=today, reason="trusler", decided_by=leader)
    refused("quarantined", door, person, sites["skyen"])


def test_lifted_or_ended_quarantine_does_not_refuse(door, sites, make_person, make_staff):
    person = make_person()
    leader = make_staff("leader", ["h17"])
    today = timezone.localdate()
    Quarantine.objects.create(person=person, all_sites=True, starts_on=today - timedelta(9),
                              ends_on=today - timedelta(1), reason="r", decided_by=leader)
    Quarantine.objects.create(person=person, all_sites=True, starts_on=today,
                              ends_on=today + timedelta(9), reason="r", decided_by=leader,
                              lifted_at=timezone.now(), lifted_by=leader, lift_reason="ok")
    assert check_in(door, person, sites["h17"], ["heroin"], "injection").state == "in_booth"


def test_no_first_aid_agreement(door, sites, make_person):
    refused("no_first_aid_agreement", door, make_person(agreement=False), sites["h17"])


def test_closed_site(door, sites, make_person):
    Site.objects.filter(slug="h17").update(status="closed")
    refused("site_closed", door, make_person(), Site.objects.get(slug="h17"))


def test_already_checked_in_is_a_conflict(door, sites, make_person):
    person = make_person()
    check_in(door, person, sites["h17"], ["heroin"], "injection")
    with pytest.raises(DomainError) as info:
        check_in(door, person, sites["skyen"], ["heroin"], "injection")
    assert info.value.code == "already_checked_in" and info.value.status == 409
    assert Visit.objects.filter(person=person).count() == 1


@pytest.mark.parametrize("substances", [[], ["unobtainium"]])
def test_bad_substances_write_nothing(door, sites, make_person, substances):
    person = make_person()
    with pytest.raises(DomainError) as info:
        check_in(door, person, sites["h17"], substances, "injection")
    assert info.value.status == 400
    assert not Visit.objects.exists() and not RefusedCheckIn.objects.exists()


def test_staff_of_another_site_cannot_check_in_there(sites, make_person, make_staff):
    stranger = make_staff("reception", ["skyen"], username="skyen-only")
    with pytest.raises(DomainError) as info:
        check_in(stranger, make_person(), sites["h17"], ["heroin"], "injection")
    assert info.value.code == "not_found"

"""The database keeps the promises of house-rule versions and the public complaint limit
under concurrent requests (PostgreSQL)."""

import pytest

from conftest import race
from stofrum.errors import DomainError
from stofrum.sites.models import HouseRules
from stofrum.sites.services import change_house_rules
from stofrum.voice.models import Complaint
from stofrum.voice.services import file_complaint

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_rule_changes_never_share_a_version_number(make_staff, sites):
    leader = make_staff("leader", ["h17"])
    results = race([
        (lambda i=i: change_house_rules(leader, sites["h17"], rules_da=f"Regel {i}",
                                        rules_en=f"Rule {i}"))
        for i in range(8)])
    published = [r for r in results if isinstance(r, HouseRules)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert published, results
    assert {r.code for r in refused} <= {"rules_changed"}
    versions = list(HouseRules.objects.filter(site=sites["h17"])
                    .order_by("version").values_list("version", flat=True))
    assert versions == list(range(1, len(published) + 2))  # v1 is the seed


def test_concurrent_public_complaints_from_one_address_stop_at_the_limit(sites, settings):
    settings.STOFRUM_COMPLAINT_RATE_LIMIT = 5
    results = race([
        (lambda: file_complaint(None, site=None, route="leader", text="Kold",
                                client_address="203.0.113.9"))
        for _ in range(20)])
    assert Complaint.objects.count() == 5
    assert sum(isinstance(r, Complaint) for r in results) == 5
    assert {r.code for r in results if isinstance(r, DomainError)} == {"too_many_requests"}


def test_statistics_stay_right_while_check_ins_and_reads_race(door, make_person, sites,
                                                              set_booths):
    """Check-ins and statistics reads at the same moment: every visit is counted in the
    end (a rebuild never swallows the mark of a visit it could not see yet)."""
    from django.utils import timezone

    from stofrum.stats import indicators
    from stofrum.stats.summaries import refresh_stale
    from stofrum.visits.services import check_in

    set_booths("h17", "injection", 3)
    people = [make_person(alias=f"Tælling {i}") for i in range(24)]
    calls = [(lambda p=p: check_in(door, p, sites["h17"], ["heroin"], "injection"))
             for p in people]
    calls += [refresh_stale for _ in range(8)]
    race(calls)
    today = timezone.localdate()
    assert indicators.summary([sites["h17"]], today, today)["check_ins"] == 24

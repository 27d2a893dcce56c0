"""Drug alerts and their overdoses in the statistics (docs/indicators.md), per site and
for the city, from hand-made series."""

from datetime import date

import pytest

from stofrum.alerts.services import evaluate
from stofrum.alerts.tests.conftest import at
from stofrum.stats import indicators

pytestmark = pytest.mark.django_db


def test_alerts_and_their_overdoses_per_site_and_for_the_city(make_case, fentanyl, sites,
                                                              cast):
    from stofrum.alerts.models import AlertSource, DrugAlert

    make_case("h17", at(10, 22))
    make_case("skyen", at(10, 23, 30))
    make_case("h17", at(11, 0, 30))
    evaluate(fentanyl, now=at(11, 0, 31))
    make_case("h17", at(11, 9))  # extends it
    evaluate(fentanyl, now=at(11, 9, 1))
    make_case("reden", at(20, 9))  # alone, later: no alert
    evaluate(fentanyl, now=at(20, 9, 1))
    DrugAlert.objects.create(substance=fentanyl, source=AlertSource.MANUAL,
                             started_at=at(15, 12), ends_at=at(16, 12), ended_at=at(15, 20))

    def figures(slugs, first=date(2026, 11, 1), last=date(2026, 11, 30)):
        s = indicators.summary([sites[x] for x in slugs], first, last)
        return s["drug_alerts"], s["drug_alert_incidents"]

    assert figures(["h17"]) == (2, 3)  # the cluster (3 of its 4 here) and the manual one
    assert figures(["skyen"]) == (2, 1)
    assert figures(["reden"]) == (1, 0)  # warned by hand; its overdose came later
    assert figures(list(sites)) == (2, 4)
    # By the day the alert started (11 November, after midnight), not its first case.
    assert figures(list(sites), date(2026, 11, 1), date(2026, 11, 10)) == (0, 0)
    assert figures(list(sites), date(2026, 11, 11), date(2026, 11, 11)) == (1, 4)


def test_the_statistics_api_gives_them(make_case, fentanyl, api_as, cast):
    for site, hour in (("h17", 9), ("skyen", 10), ("h17", 11)):
        make_case(site, at(10, hour))
    evaluate(fentanyl, now=at(10, 11, 1))
    body = api_as(cast["analyst"]).get("/stats/summary", site="h17", **{
        "from": "2026-11-01", "to": "2026-11-30"}).json()
    assert (body["drug_alerts"], body["drug_alert_incidents"]) == (1, 2)

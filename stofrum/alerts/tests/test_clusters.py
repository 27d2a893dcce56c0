"""The rule of drug alerts on hand-made overdose series (K = 3 within T = 24 hours): both
sides of K and of T, across midnight and across sites, and the end by itself."""

from datetime import timedelta

import pytest

from stofrum.alerts.models import AlertSource, DrugAlert
from stofrum.alerts.services import evaluate
from stofrum.alerts.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_two_overdoses_are_not_enough_the_third_raises_the_alert(make_case, fentanyl):
    make_case("h17", at(10, 9))
    make_case("skyen", at(10, 12))
    assert evaluate(fentanyl, now=at(10, 12, 1)) is None
    assert not DrugAlert.objects.exists()

    make_case("reden", at(10, 15))
    alert = evaluate(fentanyl, now=at(10, 15, 1))
    assert alert is not None and alert.source == AlertSource.CLUSTER
    assert alert.incident_count == 3
    assert alert.case_sites == ["h17", "reden", "skyen"]
    assert alert.first_case_at == at(10, 9) and alert.last_case_at == at(10, 15)
    assert alert.ends_at == at(11, 15)
    assert list(DrugAlert.objects.active(at(10, 16))) == [alert]


def test_three_overdoses_just_within_the_window_raise_it(make_case, fentanyl):
    make_case("h17", at(10, 8, 1))
    make_case("skyen", at(10, 20))
    make_case("h17", at(11, 8))  # 23 h 59 min after the first
    assert evaluate(fentanyl, now=at(11, 8, 5)).incident_count == 3


def test_three_overdoses_exactly_the_window_apart_do_not(make_case, fentanyl):
    make_case("h17", at(10, 8))
    make_case("skyen", at(10, 20))
    make_case("h17", at(11, 8))  # 24 h after the first: outside
    assert evaluate(fentanyl, now=at(11, 8, 5)) is None
    assert not DrugAlert.objects.exists()


def test_a_cluster_across_midnight_at_three_sites(make_case, fentanyl):
    make_case("h17", at(10, 23, 10))
    make_case("skyen", at(10, 23, 50))
    make_case("sundholm", at(11, 0, 20))  # the next Copenhagen day
    alert = evaluate(fentanyl, now=at(11, 0, 21))
    assert alert.incident_count == 3
    assert alert.case_sites == ["h17", "skyen", "sundholm"]


def test_only_overdoses_with_the_same_substance_count(make_case, fentanyl):
    from stofrum.visits.models import Substance

    make_case("h17", at(10, 9))
    make_case("h17", at(10, 10), substances=("cocaine",), kind="overdose_stimulant")
    make_case("skyen", at(10, 11), kind="seizure")  # not an overdose
    make_case("skyen", at(10, 12), with_visit=False)  # no visit: no substance
    assert evaluate(fentanyl, now=at(10, 13)) is None
    # A visit with two substances counts for both.
    make_case("reden", at(10, 14), substances=("fentanyl", "cocaine"), kind="overdose_other")
    make_case("reden", at(10, 15), substances=("cocaine",), kind="overdose_stimulant")
    assert evaluate(fentanyl, now=at(10, 16)) is None
    cocaine = evaluate(Substance.objects.get(code="cocaine"), now=at(10, 16))
    assert cocaine.incident_count == 3


def test_it_ends_by_itself_when_the_window_passes_without_a_new_case(make_case, fentanyl):
    for site, hour in (("h17", 9), ("skyen", 10), ("h17", 11)):
        make_case(site, at(10, hour))
    alert = evaluate(fentanyl, now=at(10, 11, 1))
    assert DrugAlert.objects.active(at(11, 10, 59)).filter(pk=alert.pk).exists()
    assert not DrugAlert.objects.active(at(11, 11)).exists()

    # A case after the end starts nothing by itself; the old alert is marked ended.
    make_case("reden", at(11, 12))
    assert evaluate(fentanyl, now=at(11, 12, 1)) is None
    alert.refresh_from_db()
    assert alert.ended_at == at(11, 11) and alert.ended_by is None


def test_a_new_case_before_the_end_extends_it(make_case, fentanyl):
    for site, hour in (("h17", 9), ("skyen", 10), ("h17", 11)):
        make_case(site, at(10, hour))
    alert = evaluate(fentanyl, now=at(10, 11, 1))
    make_case("mobile", at(11, 10))  # 23 h after the last case
    again = evaluate(fentanyl, now=at(11, 10, 1))
    assert again.pk == alert.pk
    assert again.incident_count == 4 and again.ends_at == at(12, 10)
    assert "mobile" in again.case_sites
    assert DrugAlert.objects.active(at(12, 9)).exists()


def test_after_the_end_three_new_cases_raise_a_new_alert(make_case, fentanyl):
    for hour in (9, 10, 11):
        make_case("h17", at(10, hour))
    first = evaluate(fentanyl, now=at(10, 11, 1))
    for hour in (12, 13, 14):
        make_case("skyen", at(12, hour))
    second = evaluate(fentanyl, now=at(12, 14, 1))
    assert second.pk != first.pk and second.incident_count == 3
    assert second.case_sites == ["skyen"]
    first.refresh_from_db()
    assert first.ended_at == first.ends_at == at(11, 11)


def test_a_late_classification_counts_at_the_onset(make_case, fentanyl):
    """Kinds are often set at closing, or corrected later: the case counts at its onset."""
    for site, hour in (("h17", 9), ("skyen", 10), ("h17", 11)):
        make_case(site, at(10, hour))
    alert = evaluate(fentanyl, now=at(10, 20))  # the third kind was set at 20:00
    assert alert.last_case_at == at(10, 11) and alert.ends_at == at(11, 11)
    assert evaluate(fentanyl, now=at(11, 12)) is None  # too late: it would have ended


def test_a_case_before_the_alert_s_first_window_is_not_counted(make_case, fentanyl):
    make_case("h17", at(9, 1))  # more than the window before the cluster
    for site, hour in (("h17", 9), ("skyen", 10), ("h17", 11)):
        make_case(site, at(10, hour))
    assert evaluate(fentanyl, now=at(10, 11, 1)).incident_count == 3


def test_the_window_follows_the_settings(make_case, fentanyl, settings):
    settings.STOFRUM_DRUG_ALERT_CASES = 2
    settings.STOFRUM_DRUG_ALERT_HOURS = 2
    make_case("h17", at(10, 9))
    make_case("skyen", at(10, 11, 30))
    assert evaluate(fentanyl, now=at(10, 11, 31)) is None
    make_case("skyen", at(10, 12))
    alert = evaluate(fentanyl, now=at(10, 12, 1))
    assert alert.incident_count == 2 and alert.ends_at == at(10, 14)
    assert alert.ends_at - alert.last_case_at == timedelta(hours=2)

"""Each indicator on a small hand-made data set whose answers were worked out by hand,
around the change to summer time (Sunday 29 March 2026, 02:00 → 03:00 in Copenhagen)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from stofrum.care.models import Referral, ReferralTarget, Service, ServiceKind
from stofrum.conduct.models import Quarantine
from stofrum.health.models import Incident, Intervention
from stofrum.people.models import Person
from stofrum.sites.models import Booth, IntakeMethod, Site
from stofrum.stats import indicators
from stofrum.stats.summaries import rebuild
from stofrum.visits.models import RefusedCheckIn, Substance, Visit

SAT, SUN = date(2026, 3, 28), date(2026, 3, 29)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def world(sites, door, make_person):
    h17, skyen = sites["h17"], sites["skyen"]
    a = make_person(alias="Anker", birth_year=1980, gender="male")
    b = make_person(alias="Bente", birth_year=2000, gender="female")
    c = make_person(alias="Carl", birth_year=1950, gender="male", municipality="147")
    injection = IntakeMethod.objects.get(code="injection")
    smoking = IntakeMethod.objects.get(code="smoking")
    subst = {s.code: s for s in Substance.objects.all()}
    booth = {site.slug: Booth.objects.filter(site=site, method=injection).first()
             for site in (h17, skyen)}

    def visit(person, site, at, *, method=injection, substances=("heroin",), wait=0,
              minutes=20, state="done", assisted_by=None):
        v = Visit.objects.create(
            person=person, site=site, method=method, state=state, checked_in_at=at,
            booth=None if state == "left_queue" else booth[site.slug],
            booth_at=None if state == "left_queue" else at + timedelta(minutes=wait),
            ended_at=at + timedelta(minutes=wait + minutes), checked_in_by=door,
            assisted_by=assisted_by, assistant_assessment="ok" if assisted_by else "")
        v.substances.set(subst[s] for s in substances)
        return v

    # 23:30 Saturday (CET) and 01:30 Sunday (CET, before the change).
    visit(a, h17, utc(2026, 3, 28, 22, 30))
    visit(a, h17, utc(2026, 3, 29, 0, 30), substances=("heroin", "cocaine"), wait=10,
          minutes=30)
    # 03:30 Sunday (CEST, after the change), smoking, assisted by Anker.
    visit(b, h17, utc(2026, 3, 29, 1, 30), method=smoking, substances=("crack",), minutes=15,
          assisted_by=a)
    visit(c, skyen, utc(2026, 3, 29, 10, 0), wait=20)
    visit(c, h17, utc(2026, 3, 29, 12, 0), state="left_queue", minutes=0)
    # Outside the range: Friday 23:30 CET, and Monday 00:30 CEST (still Sunday in UTC).
    visit(a, h17, utc(2026, 3, 27, 22, 30))
    visit(b, h17, utc(2026, 3, 29, 22, 30))
    # Sunday 23:30 CEST: inside.
    visit(b, h17, utc(2026, 3, 29, 21, 30))

    opioid = Incident.objects.create(site=h17, kind="overdose_opioid", raised_by=door,
                                     started_at=utc(2026, 3, 29, 2, 0), outcome="hospital",
                                     closed_at=utc(2026, 3, 29, 2, 40), closed_by=door)
    for kind in ("naloxone", "naloxone", "ambulance_called"):
        Intervention.objects.create(incident=opioid, kind=kind, recorded_by=door,
                                    at=utc(2026, 3, 29, 2, 5))
    Incident.objects.create(site=skyen, kind="seizure", raised_by=door,
                            started_at=utc(2026, 3, 28, 12, 0), outcome="recovered_on_site",
                            closed_at=utc(2026, 3, 28, 12, 30), closed_by=door)
    wound = ServiceKind.objects.get(code="wound_care")
    for at in (utc(2026, 3, 28, 12), utc(2026, 3, 29, 12), utc(2026, 3, 30, 12)):
        Service.objects.create(site=h17, kind=wound, given_at=at, recorded_by=door)
    Referral.objects.create(site=h17, person=a, target=ReferralTarget.objects.get(code="gp"),
                            created_at=utc(2026, 3, 29, 9), updated_at=utc(2026, 3, 29, 9),
                            created_by=door)
    RefusedCheckIn.objects.create(site=h17, code="underage", at=utc(2026, 3, 28, 15),
                                  staff=door)
    q = Quarantine.objects.create(person=c, all_sites=True, starts_on=SUN, ends_on=SUN,
                                  reason="r", decided_by=door)
    Quarantine.objects.filter(pk=q.pk).update(decided_at=utc(2026, 3, 29, 8))
    Person.objects.filter(pk__in=[a.pk, b.pk, c.pk]).update(created_at=utc(2026, 1, 1))
    Person.objects.filter(pk=b.pk).update(created_at=utc(2026, 3, 28, 10))
    rebuild([h17.pk, skyen.pk], date(2026, 3, 20), date(2026, 4, 5))
    return {"h17": h17, "skyen": skyen}


def test_visit_indicators_at_one_site(world):
    s = indicators.summary([world["h17"]], SAT, SUN)
    assert s["visits"] == 4
    assert s["check_ins"] == 5
    assert s["queue_abandoned"] == 1
    assert s["unique_persons"] == 2
    assert s["visits_per_person"] == 2.0
    assert s["new_persons"] == 1  # Bente, registered at h17 on Saturday
    assert s["visits_by_method"] == {"injection": 3, "smoking": 1}
    assert s["visits_by_substance"] == {"heroin": 3, "cocaine": 1, "crack": 1}
    assert s["visits_by_gender"] == {"male": 2, "female": 2}
    assert s["visits_by_age_band"] == {"25-34": 2, "45-54": 2}
    assert s["visits_by_municipality"] == {"101": 4}
    assert s["assisted_intakes"] == 1
    assert s["wait_minutes"] == {"median": 0, "p90": 10}
    assert s["refused"] == {"underage": 1}


def test_health_care_and_conduct_indicators(world):
    s = indicators.summary([world["h17"]], SAT, SUN)
    assert s["incidents"] == 1
    assert s["incidents_by_kind"] == {"overdose_opioid": 1}
    assert s["incident_outcomes"] == {"hospital": 1}
    assert s["naloxone_uses"] == 1 and s["naloxone_doses"] == 2
    assert s["ambulance_calls"] == 1 and s["hospital_transfers"] == 1
    assert s["services_by_kind"] == {"wound_care": 2}
    assert s["referrals"] == 1 and s["referrals_by_target"] == {"gp": 1}
    assert s["referrals_by_status"] == {"suggested": 1}
    assert s["quarantines"] == 1


def test_city_wide_adds_the_sites_up(world):
    s = indicators.summary([world["h17"], world["skyen"]], SAT, SUN)
    assert s["visits"] == 5
    assert s["unique_persons"] == 3
    assert s["incidents_by_kind"] == {"overdose_opioid": 1, "seizure": 1}
    assert s["visits_by_municipality"] == {"101": 4, "147": 1}
    assert s["wait_minutes"] == {"median": 0, "p90": 20}


def test_one_day_across_the_change_to_summer_time(world):
    sunday = indicators.summary([world["h17"]], SUN, SUN)
    assert sunday["visits"] == 3  # 01:30 CET, 03:30 CEST and 23:30 CEST
    saturday = indicators.summary([world["h17"]], SAT, SAT)
    assert saturday["visits"] == 1


def test_occupancy_is_booth_minutes_over_open_booth_minutes(world):
    s = indicators.summary([world["h17"]], SAT, SUN)
    booths = Booth.objects.filter(site=world["h17"], is_active=True).count()
    assert s["occupancy"] == round((20 + 30 + 15 + 20) / (booths * 2 * 1440), 4)


def test_series_by_day_week_and_month(world):
    assert indicators.series([world["h17"]], SAT, SUN, "day") == [(SAT, 1), (SUN, 3)]
    assert indicators.series([world["h17"]], date(2026, 3, 23), date(2026, 4, 5), "week") \
        == [(date(2026, 3, 23), 5), (date(2026, 3, 30), 1)]
    assert indicators.series([world["h17"]], date(2026, 3, 1), date(2026, 3, 31),
                             "month") == [(date(2026, 3, 1), 6)]
    assert indicators.series([world["h17"], world["skyen"]], SAT, SUN, "day",
                             "incidents") == [(SAT, 1), (SUN, 1)]


def test_heatmap_cells(world):
    cells = indicators.heatmap([world["h17"]], SAT, SUN)["rows"]
    saturday_23 = cells[5]["hours"][23]  # ISO weekday 6
    booths = Booth.objects.filter(site=world["h17"], is_active=True).count()
    assert saturday_23["check_ins"] == 1
    assert saturday_23["occupancy"] == round(20 / (booths * 60), 3)
    assert cells[6]["hours"][3]["check_ins"] == 1  # Sunday 03:30 CEST


def test_suppression_of_small_cells():
    from stofrum.stats import disclosure

    table = disclosure.column("t", {"a": 0, "b": 1, "c": 4, "d": 5, "e": 17})
    assert disclosure.protect([table], 5) == {"a", "b", "c"}
    assert disclosure.protect([table], 10) == {"a", "b", "c", "d"}


def test_agreements_complaints_suggestions_and_exclusions(world, door):
    from stofrum.people.models import FirstAidAgreement
    from stofrum.voice.models import Complaint, Suggestion

    h17, skyen = world["h17"], world["skyen"]
    person = Person.objects.get(alias="Bente")
    agreement = FirstAidAgreement.objects.create(person=person, site=h17, recorded_by=door)
    FirstAidAgreement.objects.filter(pk=agreement.pk).update(signed_at=utc(2026, 3, 28, 10))
    for site, at in ((h17, utc(2026, 3, 29, 10)), (None, utc(2026, 3, 29, 11)),
                     (h17, utc(2026, 3, 30, 10))):
        Complaint.objects.create(site=site, route="leader", text="t", received_at=at,
                                 answer_due_on=date(2026, 4, 30))
    Suggestion.objects.create(site=h17, kind="criticism", text="t", recorded_by=door,
                              created_at=utc(2026, 3, 28, 9))
    exclusion = Quarantine.objects.create(kind="day_exclusion", person=person, starts_on=SAT,
                                          ends_on=SAT, reason="r", decided_by=door,
                                          starts_at=utc(2026, 3, 28, 13),
                                          ends_at=utc(2026, 3, 28, 22))
    exclusion.sites.set([skyen])
    Quarantine.objects.filter(pk=exclusion.pk).update(decided_at=utc(2026, 3, 28, 13))

    at_h17 = indicators.summary([h17], SAT, SUN)
    assert at_h17["first_aid_agreements"] == 1
    assert at_h17["complaints"] == 1 and at_h17["complaints_by_route"] == {"leader": 1}
    assert at_h17["suggestions_by_kind"] == {"criticism": 1}
    assert at_h17["day_exclusions"] == 0
    city = indicators.summary(list(Site.objects.all()), SAT, SUN)
    assert city["complaints"] == 2  # the one about no particular room counts for the city
    assert city["day_exclusions"] == 1

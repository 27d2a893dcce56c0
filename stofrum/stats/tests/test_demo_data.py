"""The synthetic data: deterministic for a seed, and faithful to the rooms' rules."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from stofrum.people.models import Person
from stofrum.sites.models import Site
from stofrum.stats import indicators
from stofrum.visits.models import Visit

END = date(2026, 6, 1)


class _Undo(Exception):
    pass


def _load_and_fingerprint(seed):
    fingerprint = None
    try:
        with transaction.atomic():
            call_command("demo_data", persons=80, days=6, visits_per_day=150, seed=seed,
                         end=END, stdout=open("/dev/null", "w"))  # noqa: SIM115
            fingerprint = (
                sorted(Person.objects.values_list("code", "alias", "birth_year", "gender")),
                sorted(Visit.objects.values_list("id", "checked_in_at", "state")),
                indicators.summary(list(Site.objects.all()), date(2026, 5, 27), END),
            )
            raise _Undo
    except _Undo:
        pass
    return fingerprint


def test_the_same_seed_gives_the_same_data(sites):
    first, again = _load_and_fingerprint(5), _load_and_fingerprint(5)
    assert first == again
    assert first[1] != _load_and_fingerprint(6)[1]


def test_the_data_follows_the_rooms_rules(sites):
    call_command("demo_data", persons=150, days=10, visits_per_day=400, seed=2, end=END,
                 stdout=open("/dev/null", "w"))  # noqa: SIM115
    visits = Visit.objects.all()
    assert visits.count() > 2000
    assert not visits.filter(site__slug="reden").exclude(person__gender="female").exists()
    assert not visits.filter(site__slug__in=["sundholm", "mobile"],
                             method__code="smoking").exists()
    assert not visits.filter(method__code="smoking", substances__code="cannabis").exists()
    for year, oldest_allowed in visits.values_list("checked_in_at__year",
                                                   "person__birth_year").distinct():
        assert year - oldest_allowed >= 18
    assert not visits.filter(checked_in_at__lt=models_created_at()).exists()
    s = indicators.summary(list(Site.objects.all()), date(2026, 5, 23), END)
    assert s["visits"] + s["queue_abandoned"] == visits.count()
    assert s["incidents"] > 0 and s["services_by_kind"] and s["assisted_intakes"] > 0
    # Afternoons and evenings are busier than the small hours.
    by_hour = indicators.heatmap(list(Site.objects.all()), date(2026, 5, 23), END)["rows"]
    assert sum(r["hours"][16]["check_ins"] for r in by_hour) > \
        3 * sum(r["hours"][4]["check_ins"] for r in by_hour)


def models_created_at():
    """Visits never start before their person was registered (checked per visit)."""
    from django.db.models import OuterRef, Subquery

    return Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("created_at")[:1])


@pytest.mark.parametrize("args", [{"persons": 0}, {"days": 0}])
def test_bad_arguments_are_refused(sites, args):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo_data", **{"persons": 5, "days": 1, **args})


def test_if_empty_does_not_load_twice(sites):
    out = io.StringIO()
    call_command("demo_data", persons=20, days=2, visits_per_day=50, end=END, stdout=out)
    count = Visit.objects.count()
    call_command("demo_data", persons=20, days=2, visits_per_day=50, end=END, if_empty=True,
                 stdout=out)
    assert Visit.objects.count() == count
    assert Visit.objects.values("person").annotate(n=Count("id")).exists()


def test_loaded_in_the_afternoon_the_board_has_life(sites, monkeypatch):
    from datetime import UTC, datetime

    import stofrum.stats.demo as demo
    from stofrum.visits.board import board_for

    class Afternoon(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 6, 1, 13, 0, tzinfo=UTC)  # 15:00 in Copenhagen

    monkeypatch.setattr(demo, "datetime", Afternoon)
    call_command("demo_data", persons=150, days=3, visits_per_day=900, seed=4, end=END,
                 stdout=io.StringIO())
    open_visits = Visit.objects.filter(state__in=["queued", "in_booth"])
    assert open_visits.filter(state="in_booth").exists()
    assert open_visits.values("person").distinct().count() == open_visits.count()
    for site in Site.objects.all():
        board = board_for(site)
        if board.queue:  # nobody waits while a booth of their method is free
            waiting = {v.method_id for v in board.queue}
            assert not [t for t in board.tiles if t.state == "free"
                        and t.booth.method_id in waiting]


def test_rebuild_statistics_restores_summaries_from_the_visits(sites):
    from stofrum.stats.models import VisitDay

    call_command("demo_data", persons=40, days=3, visits_per_day=120, seed=8, end=END,
                 stdout=io.StringIO())
    before = indicators.summary(list(Site.objects.all()), date(2026, 5, 30), END)
    VisitDay.objects.all().delete()  # e.g. a restore that left the summaries behind
    assert indicators.summary(list(Site.objects.all()), date(2026, 5, 30), END)["visits"] == 0
    call_command("rebuild_statistics", stdout=io.StringIO())
    assert indicators.summary(list(Site.objects.all()), date(2026, 5, 30), END) == before


def test_rebuild_statistics_keeps_the_booth_minutes_of_the_last_visit_past_midnight(sites):
    # The newest visit checked in before midnight and got its booth after it: its
    # booth-minutes belong to the next day, which the rebuild must cover (a restore runs
    # rebuild_statistics without a range).
    from datetime import datetime, time, timedelta

    from stofrum.stats.models import HourDay
    from stofrum.stats.summaries import copenhagen

    call_command("demo_data", persons=20, days=2, visits_per_day=40, seed=8, end=END,
                 stdout=io.StringIO())
    midnight = datetime.combine(END + timedelta(days=1), time(0), tzinfo=copenhagen())
    last = Visit.objects.filter(state="done").order_by("-checked_in_at").first()
    Visit.objects.filter(pk=last.pk).update(
        checked_in_at=midnight - timedelta(minutes=10), booth_at=midnight + timedelta(minutes=5),
        ended_at=midnight + timedelta(minutes=35))
    call_command("rebuild_statistics", stdout=io.StringIO())
    assert HourDay.objects.get(site=last.site_id, day=END + timedelta(days=1),
                               hour=0).booth_minutes == 30


def test_one_days_refresh_keeps_the_booth_minutes_of_a_visit_from_the_day_before(sites):
    # The live path rebuilds one stale day at a time: the day after midnight must count the
    # booth-minutes of a visit checked in before midnight, however the days are rebuilt.
    from datetime import datetime, time, timedelta

    from stofrum.stats.models import HourDay
    from stofrum.stats.summaries import copenhagen, mark_stale, rebuild, refresh_stale

    call_command("demo_data", persons=20, days=2, visits_per_day=40, seed=8, end=END,
                 stdout=io.StringIO())
    next_day = END + timedelta(days=1)
    midnight = datetime.combine(next_day, time(0), tzinfo=copenhagen())
    last = Visit.objects.filter(state="done").order_by("-checked_in_at").first()
    Visit.objects.filter(pk=last.pk).update(
        checked_in_at=midnight - timedelta(minutes=10), booth_at=midnight + timedelta(minutes=5),
        ended_at=midnight + timedelta(minutes=35))

    def booth_minutes():
        row = HourDay.objects.filter(site=last.site_id, day=next_day, hour=0).first()
        return row and row.booth_minutes

    mark_stale(last.site_id, midnight - timedelta(minutes=10), midnight + timedelta(minutes=5))
    refresh_stale()
    assert booth_minutes() == 30
    rebuild([last.site_id], END, END)
    assert booth_minutes() == 30
    rebuild([last.site_id], next_day, next_day)
    assert booth_minutes() == 30


def test_rebuild_statistics_refuses_a_backwards_range(sites):
    from django.core.management.base import CommandError

    call_command("demo_data", persons=10, days=1, visits_per_day=30, seed=8, end=END,
                 stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("rebuild_statistics", day_from=END, day_to=date(2026, 1, 1))

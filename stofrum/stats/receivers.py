"""Statistics keep up with the apps below them: these receivers mark the days a change
touches stale (stofrum/stats/summaries.py), connected at start-up (StatsConfig.ready)."""

from stofrum.stats.summaries import mark_stale, mark_visits_stale, stale_statements

# What a person's visits are counted by (age band, gender, municipality).
COUNTED_PERSON_FIELDS = ("birth_year", "gender", "municipality")


def visit_days_changed(sender, site_id, moments, statements=None, **kwargs) -> None:
    if statements is None:
        mark_stale(site_id, *moments)
    else:
        statements.extend(stale_statements(site_id, *moments))


def person_changed(sender, person, before, **kwargs) -> None:
    if any(getattr(person, f) != before[f] for f in COUNTED_PERSON_FIELDS):
        mark_visits_stale(person.visits.all())


def connect() -> None:
    from stofrum.people import signals as people
    from stofrum.visits.signals import days_changed

    days_changed.connect(visit_days_changed, dispatch_uid="stats.visit_days_changed")
    people.person_changed.connect(person_changed, dispatch_uid="stats.person_changed")

"""Statistics keep up with the apps below them: these receivers mark the days a change
touches stale (stofrum/stats/summaries.py), connected at start-up (StatsConfig.ready)."""

from stofrum.stats.summaries import mark_stale


def visit_days_changed(sender, site_id, moments, **kwargs) -> None:
    mark_stale(site_id, *moments)


def connect() -> None:
    from stofrum.visits.signals import days_changed

    days_changed.connect(visit_days_changed, dispatch_uid="stats.visit_days_changed")

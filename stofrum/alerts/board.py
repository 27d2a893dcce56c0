"""The alerts in force on every site's board (stofrum/visits/board.py), with whether this
site has acknowledged each: added through visits' board signals (connected in
AlertsConfig.ready)."""

from stofrum.alerts.services import active_alerts, alert_payload, with_site_names


def alerts_for_site(site, now=None) -> list:
    """The alerts in force, each with `acknowledged_here` (the time, or None) for `site`."""
    alerts = with_site_names(list(active_alerts(now)))
    for alert in alerts:
        alert.acknowledged_here = next(
            (a.at for a in alert.acknowledgements.all() if a.site_id == site.pk), None)
    return alerts


def add_to_board(sender, board, now, **kwargs) -> None:
    board.drug_alerts = alerts_for_site(board.site, now)


def board_answer(sender, board, **kwargs) -> dict:
    return {"drug_alerts": [alert_payload(a) for a in getattr(board, "drug_alerts", [])]}


def connect() -> None:
    from stofrum.visits.signals import board_answered, board_built

    board_built.connect(add_to_board, dispatch_uid="alerts.add_to_board")
    board_answered.connect(board_answer, dispatch_uid="alerts.board_answer")

"""What a site's board (stofrum/visits/board.py) shows from health: the open incidents,
also on the occupant's booth tile, and the journals still to write. Visits sits below
health, so health adds these through visits' signals (connected in HealthConfig.ready)."""

from stofrum.health.models import Incident
from stofrum.health.services import alarm_payload, journals_pending, journals_pending_count

BOARD_PENDING_JOURNALS = 5  # the board lists the oldest few and counts the rest


def open_incidents_at(site_pks) -> list:
    """The open incidents at these sites, oldest first, ready for `alarm_payload`."""
    return list(
        Incident.objects.open().filter(site_id__in=list(site_pks))
        .select_related("person", "booth", "site").prefetch_related("responders__staff")
        .order_by("started_at")
    )


def add_to_board(sender, board, now, **kwargs) -> None:
    board.incidents = open_incidents_at([board.site.pk])
    alarms = {i.visit_id: i for i in board.incidents if i.visit_id}
    for tile in board.tiles:
        if tile.visit is not None:
            tile.incident = alarms.get(tile.visit.pk)
    pending = journals_pending(board.site, now, limit=BOARD_PENDING_JOURNALS)
    board.journals_pending = pending
    board.journals_pending_count = (len(pending) if len(pending) < BOARD_PENDING_JOURNALS
                                    else journals_pending_count(board.site))


def board_answer(sender, board, **kwargs) -> dict:
    return {"open_incidents": [alarm_payload(i) for i in board.incidents]}


def connect() -> None:
    from stofrum.visits.signals import board_answered, board_built

    board_built.connect(add_to_board, dispatch_uid="health.add_to_board")
    board_answered.connect(board_answer, dispatch_uid="health.board_answer")

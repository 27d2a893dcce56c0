"""What a site's board (stofrum/visits/board.py) shows of the neighbours' reports: how many
are open, with a link to the site's list (never the reports' contents or contact details:
the board may be a wall screen). Added through visits' signals (NeighboursConfig.ready)."""

from stofrum.neighbours.services import open_count


def add_to_board(sender, board, now, **kwargs) -> None:
    board.neighbour_reports_open = open_count(board.site)


def board_answer(sender, board, **kwargs) -> dict:
    return {"neighbourhood_reports_open": getattr(board, "neighbour_reports_open", 0)}


def connect() -> None:
    from stofrum.visits.signals import board_answered, board_built

    board_built.connect(add_to_board, dispatch_uid="neighbours.add_to_board")
    board_answered.connect(board_answer, dispatch_uid="neighbours.board_answer")

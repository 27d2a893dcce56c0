"""What a site's board shows about rounds: when the last one ended and whether one is due
(stofrum/rounds/templates/rounds/_board_line.html). Connected to visits' board signals in
RoundsConfig.ready, like health's incidents (stofrum/health/board.py)."""

from stofrum.rounds.services import round_state


def add_to_board(sender, board, now, **kwargs) -> None:
    board.rounds = round_state(board.site, now)


def board_answer(sender, board, **kwargs) -> dict:
    state = getattr(board, "rounds", None)
    if state is None:
        return {}
    return {"last_round_ended_at": (state.last_ended_at.isoformat()
                                    if state.last_ended_at else None),
            "round_due": state.due}


def connect() -> None:
    from stofrum.visits.signals import board_answered, board_built

    board_built.connect(add_to_board, dispatch_uid="rounds.add_to_board")
    board_answered.connect(board_answer, dispatch_uid="rounds.board_answer")

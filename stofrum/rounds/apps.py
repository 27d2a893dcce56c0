from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "stofrum.rounds"
    label = "rounds"
    verbose_name = "Rounds (surrounding environment)"

    def ready(self):
        from stofrum.rounds import board

        board.connect()

from django.apps import AppConfig


class NeighboursConfig(AppConfig):
    name = "stofrum.neighbours"
    label = "neighbours"
    verbose_name = "Neighbours"

    def ready(self):
        from stofrum.neighbours import board

        board.connect()

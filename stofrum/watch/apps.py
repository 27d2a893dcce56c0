from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "stofrum.watch"
    label = "watch"
    verbose_name = "Booth watch"

    def ready(self):
        from stofrum.watch import board

        board.connect()

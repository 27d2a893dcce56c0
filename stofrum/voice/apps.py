from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "stofrum.voice"
    label = "voice"
    verbose_name = "Voice"

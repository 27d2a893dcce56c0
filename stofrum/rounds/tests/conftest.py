import pytest


@pytest.fixture
def english(client, settings):
    """Pages in English (they are Danish unless the language switcher's cookie says so)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DanishFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Danish unless the person chose English with the switcher (a cookie).

    The browser's Accept-Language is ignored for pages on purpose: terminals in the rooms
    are shared and often set up in English, and staff expect the same screen every time.
    API clients state their language explicitly, so the API honours Accept-Language.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if language not in dict(settings.LANGUAGES):
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

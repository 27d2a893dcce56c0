"""How the JSON API knows who is calling: a bearer token, or the browser's session."""

from ninja.security import APIKeyCookie, HttpBearer

from stofrum.staff.access import is_fully_authenticated, require_capability
from stofrum.staff.models import ApiToken


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        api_token = ApiToken.objects.lookup(token)
        if api_token is None:
            return None
        request.user = api_token.staff
        request.api_token = api_token
        return api_token.staff


class VerifiedSessionAuth(APIKeyCookie):
    """The page session, only once past the second factor where the role needs one.
    CSRF is checked for unsafe methods (APIKeyCookie does so by default)."""

    def __init__(self):
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__()

    def authenticate(self, request, key):
        if is_fully_authenticated(request.user):
            return request.user
        return None


staff_auth = [BearerTokenAuth(), VerifiedSessionAuth()]


def require(request, capability: str):
    """Refuse with 403 `forbidden` unless the caller's role has `capability` (a route's
    capability; whether at an object's site is answered 404 by the access functions)."""
    require_capability(request.auth, capability)

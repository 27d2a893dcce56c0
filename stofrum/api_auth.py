"""How the JSON API knows who is calling: a bearer token, or the browser's session.

CSRF belongs to calls made with the browser's session cookie only (API.md, "Access
answers"): a bearer-token call never needs a token, nor does an anonymous call (no session
cookie, or one that belongs to nobody), which then reaches the public fallback of a public
route or answers 401 `not_authenticated`. A call whose session cookie belongs to a logged-in
staff member needs the token on every unsafe method, or it answers 403 `csrf_failed`.
"""

from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

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
    CSRF is checked for unsafe methods, but only when the cookie belongs to a logged-in
    staff member: without one, the call is anonymous and there is nothing to forge."""

    def __init__(self):
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=False)  # checked below, once we know whose cookie it is

    def _get_key(self, request):
        key = request.COOKIES.get(self.param_name)
        user = getattr(request, "user", None)
        if not key or user is None or not user.is_authenticated:
            return None
        # A session half-way through login (password, no second factor yet) is checked
        # too: a forged request must not be told apart from a refused one by its answer.
        if check_csrf(request):
            from stofrum.errors import Forbidden

            raise Forbidden("csrf_failed")
        return key

    def authenticate(self, request, key):
        if key and is_fully_authenticated(request.user):
            return request.user
        return None


staff_auth = [BearerTokenAuth(), VerifiedSessionAuth()]


def require(request, capability: str):
    """Refuse with 403 `forbidden` unless the caller's role has `capability` (a route's
    capability; whether at an object's site is answered 404 by the access functions)."""
    require_capability(request.auth, capability)

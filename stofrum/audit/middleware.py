import logging
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from stofrum.audit.context import RequestContext, bound, new_request_id
from stofrum.client_address import client_address

access_log = logging.getLogger("stofrum.access")


def log_access(request, response, started: float) -> None:
    # The path only: query strings can carry what staff typed (an alias in a search), and
    # request bodies are never logged. The server's own access log is switched off.
    access_log.info("%s %s %s %.0fms rid=%s", request.method, request.path,
                    response.status_code, (time.perf_counter() - started) * 1000,
                    request.request_id)


class RequestContextMiddleware:
    """Gives every request an id and binds it, with the client address, for audit events."""

    async_capable = True
    sync_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def _context(self, request) -> RequestContext:
        request.request_id = new_request_id()
        return RequestContext(request_id=request.request_id, client_address=client_address(request))

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        started = time.perf_counter()
        with bound(self._context(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        log_access(request, response, started)
        return response

    async def __acall__(self, request):
        started = time.perf_counter()
        with bound(self._context(request)):
            response = await self.get_response(request)
        response["X-Request-ID"] = request.request_id
        log_access(request, response, started)
        return response

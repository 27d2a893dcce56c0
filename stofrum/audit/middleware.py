from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from stofrum.audit.context import RequestContext, bound, new_request_id


def client_address(request) -> str | None:
    # Behind a proxy, the proxy is trusted to set REMOTE_ADDR (uvicorn --proxy-headers).
    return request.META.get("REMOTE_ADDR") or None


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
        with bound(self._context(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response

    async def __acall__(self, request):
        with bound(self._context(request)):
            response = await self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response

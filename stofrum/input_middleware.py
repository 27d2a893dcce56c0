"""Input no request may carry, refused once at the door of the application."""

from django.utils.deprecation import MiddlewareMixin

from stofrum.text import has_nul


class RefuseNulMiddleware(MiddlewareMixin):
    """A NUL character in the path, the query string or a posted form answers 400
    `invalid_input` (the page's "bad request", or JSON under /api/). No honest input holds
    one, and PostgreSQL refuses it in any text, which would otherwise surface as a 500
    wherever the value reaches a query. JSON bodies are checked by the API's parser."""

    def process_request(self, request):
        if (has_nul(request.path) or has_nul(list(request.GET.lists()))
                or (request.method == "POST" and has_nul(list(request.POST.lists())))):
            from stofrum.views import bad_request

            return bad_request(request)
        return None

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode

from stofrum.audit.filters import filter_events
from stofrum.errors import DomainError
from stofrum.staff.access import staff_required
from stofrum.staff.roles import Capability

FILTERS = ("actor", "action", "object", "site", "since", "until")


@staff_required(Capability.AUDIT_VIEW)
def audit_list_view(request):
    values = {name: request.GET.get(name, "").strip() for name in FILTERS}
    error = None
    try:
        events = filter_events(request.user, **values)
    except DomainError as exc:
        error = exc.message
        events = filter_events(request.user)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in values.items() if v})
    return render(request, "audit/list.html", {
        "page": page, "values": values, "error": error, "query": query,
        "sites": request.user.visible_sites(),
    }, status=400 if error else 200)

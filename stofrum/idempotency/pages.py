"""One key per form submission on the pages (issue 13): a form that writes carries a random
key made when it was rendered (`{% form_key %}`, templatetags/idempotency.py), and its view,
decorated with `@once_per_form` (under the login and method decorators), answers a repeat
of the same submission — a double tap, the page's script sending the form again after a
network error — with the first answer (the same redirect) and writes nothing more.

A key belongs to one submission of one form: the same form sent with another button or
other fields (the next naloxone dose from a page not yet reloaded) is another submission,
so the key is taken together with what was sent. The answer is stored in the transaction of
the use case, as for the API (`api.py`).
"""

import functools
import hashlib

from django.contrib import messages
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _

from stofrum.errors import DomainError
from stofrum.idempotency import services

FIELD = "idempotency_key"
_NOT_PART_OF_THE_SUBMISSION = (FIELD, "csrfmiddlewaretoken")


def once_per_form(view):
    """Answer a repeated form submission with its first answer (see the module)."""

    @functools.wraps(view)
    def once(request, *args, **kwargs):
        key = request.POST.get(FIELD) if request.method == "POST" else None
        if key is None:
            return view(request, *args, **kwargs)
        sent = {name: values for name, values in request.POST.lists()
                if name not in _NOT_PART_OF_THE_SUBMISSION}
        fingerprint = services.fingerprint(request.method, request.path, sent)
        with transaction.atomic():
            try:
                submission = hashlib.sha256(
                    f"{services.clean_key(key)}\0{fingerprint}".encode()).hexdigest()
                first = services.claim(request.user, submission, fingerprint)
            except DomainError as exc:
                return render(request, "400.html", status=exc.status)
            if not first.is_new:
                messages.info(request, _("That was sent twice; it was recorded once."))
                return first.replay()
            response = view(request, *args, **kwargs)
            if response.status_code >= 500 or response.streaming:
                transaction.set_rollback(True)
            else:
                services.remember(first, response)
            return response

    return once

"""`{% form_key %}`: the hidden field that makes a form's submission answered once
(stofrum/idempotency/pages.py): a new random key each time the form is rendered."""

import uuid

from django import template
from django.utils.html import format_html

from stofrum.idempotency.pages import FIELD

register = template.Library()


@register.simple_tag
def form_key():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4())

"""`{% kept form "name" stored %}`: what a refused form had typed in a field, else the value
stored before. A page refused in place (422) passes `"form": request.POST if error else
None` so that nothing typed is lost; with no form it shows what is stored. `as` names the
value for a select or radios (`{% kept form "status" complaint.status as status %}`);
`many=True` gives the list a field of checkboxes sent. Never for a password, a one-time
code or a CPR field: those are not echoed back into a page."""

from django import template

register = template.Library()


@register.simple_tag
def kept(form, name, stored="", many=False):
    if not form:
        return stored
    if many:
        return form.getlist(name)
    return form.get(name, "")

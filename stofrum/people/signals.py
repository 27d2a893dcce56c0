"""What people tells the apps above it, and asks of them. People imports nothing from them
(the layers of ARCHITECTURE.md, checked by `make lint`): they connect their receivers at
start-up, in their AppConfig.ready."""

from django.dispatch import Signal

# A person's alias, birth year, gender or municipality was corrected: statistics rebuild
# the days they count the person's visits on (stofrum/stats/receivers.py). Sent inside the
# changing transaction. Arguments: person (as saved), before (the corrected fields' old
# values).
person_changed = Signal()

# The person page (stofrum/people/views.py) asks what the apps above people show there:
# each receiver returns a dict for the page's context (conduct: the quarantines and
# violations, and what this staff member may record). Arguments: staff, person, sites
# (the sites the staff member sees).
person_page = Signal()


def person_page_context(staff, person, sites) -> dict:
    """The person page's context from the apps above people (see `person_page`)."""
    context = {}
    for _receiver, part in person_page.send(sender=None, staff=staff, person=person,
                                            sites=sites):
        context.update(part)
    return context

"""Use cases that gather several apps (the top layer of ARCHITECTURE.md)."""

from django.db import transaction

from stofrum.audit.services import record
from stofrum.care.models import Referral, Service
from stofrum.conduct.models import Quarantine, Violation
from stofrum.errors import Conflict, InvalidInput, NotFound
from stofrum.people.models import FirstAidAgreement, Person
from stofrum.staff.roles import Capability
from stofrum.stats.summaries import mark_visits_stale
from stofrum.visits.choices import OPEN_STATES
from stofrum.visits.models import Visit
from stofrum.voice.models import Complaint, Suggestion


@transaction.atomic
def merge_persons(staff, keep: Person, duplicate: Person) -> Person:
    """Merge `duplicate` into `keep`: visits, agreements, quarantines, violations,
    services, referrals, suggestions and complaints move over, the duplicate stays as a
    pointer (its code still finds `keep`). Refuses `invalid_input`
    (same person / already merged), `open_visits` (409) when both have an open visit.
    Emits `people.person.merged`."""
    if not staff.can(Capability.PERSONS_REGISTER):
        raise NotFound()
    keep, duplicate = (Person.objects.select_for_update().get(pk=p.pk) for p in (keep, duplicate))
    if keep.pk == duplicate.pk or keep.merged_into_id or duplicate.merged_into_id:
        raise InvalidInput("invalid_input", field="person")
    open_visits = Visit.objects.filter(person__in=[keep, duplicate], state__in=OPEN_STATES)
    if open_visits.values("person").distinct().count() > 1:
        raise Conflict("open_visits")
    mark_visits_stale(Visit.objects.filter(person=duplicate))
    moved = Visit.objects.filter(person=duplicate).update(person=keep)
    Visit.objects.filter(assisted_by=duplicate).update(assisted_by=keep)
    for model in (FirstAidAgreement, Quarantine, Violation, Service, Referral, Suggestion,
                  Complaint):
        model.objects.filter(person=duplicate).update(person=keep)
    Person.objects.filter(merged_into=duplicate).update(merged_into=keep)
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into"])
    record(staff, "people.person.merged", keep, summary=f"{duplicate.code} -> {keep.code}",
           changes={"merged": duplicate.code, "visits_moved": moved})
    return keep

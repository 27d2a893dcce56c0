"""One registry of refusal codes (visits/choices.py `RefusalCode`): the check-in records
exactly these as turned away, the statistics label them, the README lists them, and the
demo data draws from them."""

import re
from pathlib import Path

import pytest

from stofrum.errors import MESSAGES, DomainError
from stofrum.stats.labels import code_names
from stofrum.visits.choices import RefusalCode
from stofrum.visits.models import RefusedCheckIn, Visit
from stofrum.visits.services import check_in

README = Path(__file__).resolve().parents[3] / "README.md"


def test_assisted_intake_unavailable_is_a_refusal_and_counted_as_turned_away(
        door, sites, make_person):
    from django.utils import timezone

    from stofrum.stats.indicators import summary

    site = sites["h17"]
    site.assisted_intake_available = False
    site.save(update_fields=["assisted_intake_available"])
    helper, person = make_person(alias="Hjælper"), make_person(alias="Brugeren")
    check_in(door, helper, site, ["heroin"], "injection")
    with pytest.raises(DomainError) as info:
        check_in(door, person, site, ["heroin"], "injection", assisted_by=helper,
                 assistant_assessment="ok")
    assert info.value.code == "assisted_intake_unavailable"
    assert not Visit.objects.filter(person=person).exists()
    assert RefusedCheckIn.objects.filter(code="assisted_intake_unavailable", site=site,
                                         person_code=person.code).exists()
    today = timezone.localdate()
    assert summary([site], today, today)["refused"] == {"assisted_intake_unavailable": 1}


def test_the_readme_lists_exactly_the_registry():
    text = README.read_text(encoding="utf-8")
    bullet = re.search(r"- \*\*Rules\*\* —(.*?)Every refusal is", text, re.S).group(1)
    listed = re.findall(r"`([a-z_]+)`", bullet)
    assert listed == list(RefusalCode.values)


def test_every_refusal_has_a_message_and_a_statistics_label(db):
    label = code_names()["refusal"]
    for code in RefusalCode.values:
        assert code in MESSAGES, code
        assert label(code), code


def test_the_demo_data_refuses_only_registered_codes():
    from stofrum.stats.demo import REFUSALS

    assert {code for code, _weight in REFUSALS} <= set(RefusalCode.values)

"""House rules: shared and per site, bilingual, versioned, shown in the first-visit flow
with the version recorded, printable as a poster."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from stofrum.errors import DomainError
from stofrum.people.models import FirstAidAgreement
from stofrum.sites.models import HouseRules
from stofrum.sites.services import change_house_rules, current_house_rules, house_rules_label


def test_seed_gives_shared_rules_and_each_sites_own(sites):
    rules = current_house_rules(sites["reden"])
    assert [r.label for r in rules] == ["shared:v1", "reden:v1"]
    assert any("kvinder" in line for line in rules[1].lines("da"))
    assert any("women" in line for line in rules[1].lines("en"))


def test_a_change_is_a_new_version_and_the_old_one_stays(make_staff, sites):
    leader = make_staff("leader", ["h17"])
    new = change_house_rules(leader, sites["h17"], rules_da="Ingen hunde.",
                             rules_en="No dogs.", change_note="dogs")
    assert new.version == 2 and new.changed_by == leader
    assert HouseRules.objects.filter(site=sites["h17"]).count() == 2
    assert house_rules_label(current_house_rules(sites["h17"])) == "shared:v1+h17:v2"


@pytest.mark.parametrize("role, slug", [("leader", "skyen"), ("reception", "h17"),
                                        ("leader", None)])
def test_who_may_change_the_rules(make_staff, sites, role, slug):
    staff = make_staff(role, ["h17"])
    with pytest.raises(DomainError) as info:
        change_house_rules(staff, sites[slug] if slug else None, rules_da="a", rules_en="b")
    assert info.value.status == 404


def test_administrators_change_the_shared_rules(make_staff, sites):
    rules = change_house_rules(make_staff("admin", []), None, rules_da="a", rules_en="b")
    assert rules.label == "shared:v2"


def test_empty_rules_are_refused(make_staff, sites):
    with pytest.raises(DomainError) as info:
        change_house_rules(make_staff("leader", ["h17"]), sites["h17"], rules_da=" ",
                           rules_en="b")
    assert info.value.code == "text_required"


def test_the_database_refuses_two_versions_with_the_same_number(sites):
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseRules.objects.create(site=sites["h17"], version=1, rules_da="x", rules_en="y",
                                  changed_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseRules.objects.create(site=None, version=1, rules_da="x", rules_en="y",
                                  changed_at=timezone.now())


def test_welcome_flow_shows_the_site_rules_and_records_the_version(client, login, door,
                                                                   make_person, sites):
    person = make_person(agreement=False)
    login(door)
    html = client.get(f"/staff/sites/h17/persons/{person.code}/welcome").content.decode()
    assert "Hash og pot må ikke ryges i rygerummet." in html
    client.post(f"/staff/sites/h17/persons/{person.code}/welcome", {
        "signature": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAA",
        "house_rules_shown": "on", "signed": "on"})
    agreement = FirstAidAgreement.objects.get(person=person)
    assert agreement.house_rules_version == "shared:v1+h17:v1"


def test_poster_is_public_and_bilingual(client, sites):
    html = client.get("/rules/reden/").content.decode()
    assert "Ordensregler" in html and "House rules" in html
    assert "Rummet er kun for kvinder." in html and "The room is for women only." in html


def test_rules_page_publishes_a_new_version(client, login, make_staff, sites):
    login(make_staff("leader", ["h17"]))
    assert client.get("/staff/house-rules/h17/").status_code == 200
    r = client.post("/staff/house-rules/h17/", {"rules_da": "Ny regel", "rules_en": "New rule"})
    assert r.status_code == 302
    assert "Ny regel" in client.get("/rules/h17/").content.decode()
    r = client.post("/staff/house-rules/h17/", {"rules_da": "", "rules_en": "x"})
    assert r.status_code == 422
    assert client.get("/staff/house-rules/skyen/").status_code == 404
    # The shared rules are the administrators' alone: a capability, not a site, so 403.
    assert client.get("/staff/house-rules/shared/").status_code == 403


def test_saving_rules_with_unequal_line_counts_warns_but_publishes(client, login,
                                                                   make_staff, sites):
    """Issue 16, item 10f: a non-blocking warning after save, naming the line counts."""
    leader = make_staff("leader", ["h17"])
    login(leader)
    r = client.post("/staff/house-rules/h17/", {
        "rules_da": "Ingen hunde\nIngen salg\nVis hensyn", "rules_en": "No dogs\nNo dealing",
        "change_note": "x"}, follow=True)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'class="message warning"' in html and "3" in html and "2" in html
    assert HouseRules.objects.current_for(sites["h17"]).rules_da.startswith("Ingen hunde")
    r = client.post("/staff/house-rules/h17/", {
        "rules_da": "Ingen hunde\nIngen salg", "rules_en": "No dogs\nNo dealing"}, follow=True)
    assert 'class="message warning"' not in r.content.decode()


def test_the_poster_pairs_rules_by_line_and_leaves_a_missing_one_blank(client, make_staff,
                                                                       sites):
    import re

    HouseRules.objects.all().delete()
    change_house_rules(make_staff("leader", ["h17"]), sites["h17"],
                       rules_da="Ingen hunde\nIngen salg\nVis hensyn",
                       rules_en="No dogs\nNo dealing")
    html = client.get("/rules/h17/").content.decode()
    lists = re.findall(r'<ol class="rules[^"]*" lang="(da|en)">(.*?)</ol>', html, re.S)
    items = {lang: re.findall(r"<li[^>]*>(.*?)</li>", body, re.S) for lang, body in lists}
    assert items["da"] == ["Ingen hunde", "Ingen salg", "Vis hensyn"]
    assert items["en"] == ["No dogs", "No dealing", "&nbsp;"]

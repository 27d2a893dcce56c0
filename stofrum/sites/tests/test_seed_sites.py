import pytest
from django.core.management import call_command
from django.db.models import ProtectedError

from stofrum.audit.models import AuditEvent
from stofrum.sites.models import Booth, IntakeMethod, OpeningHours, Site
from stofrum.sites.services import seed_sites


def _state():
    return (
        sorted(Site.objects.values_list("slug", "name", "status", "women_only")),
        Booth.objects.count(),
        OpeningHours.objects.count(),
        IntakeMethod.objects.count(),
    )


def test_seed_loads_the_five_copenhagen_sites(db):
    call_command("seed_sites")
    assert set(Site.objects.values_list("slug", flat=True)) == {
        "h17", "skyen", "reden", "sundholm", "mobile"}
    h17 = Site.objects.get(slug="h17")
    assert h17.address == "Halmtorvet 17, 1700 København V"
    assert h17.booth_counts() == {"injection": 20, "smoking": 8}
    reden = Site.objects.get(slug="reden")
    assert reden.women_only
    assert Site.objects.get(slug="sundholm").booth_counts() == {"injection": 8}
    mobile = Site.objects.get(slug="mobile")
    # Planned, with no opening date claimed: December 2025 has passed (issue 16, item 10h).
    assert mobile.status == "planned" and mobile.opening_date is None
    assert [m.code for m in mobile.intake_methods.all()] == ["injection"]


def test_seed_twice_changes_nothing(db):
    seed_sites()
    first = _state()
    events = AuditEvent.objects.count()
    call_command("seed_sites")
    assert _state() == first
    assert AuditEvent.objects.count() == events


def test_seed_keeps_what_administrators_changed(db):
    seed_sites()
    h17 = Site.objects.get(slug="h17")
    h17.name = "H17 Halmtorvet"
    h17.save()
    Booth.objects.filter(site=h17, label="I20").update(is_active=False)
    seed_sites()
    h17.refresh_from_db()
    assert h17.name == "H17 Halmtorvet"
    assert h17.booth_counts()["injection"] == 19


def test_a_site_with_history_cannot_be_deleted(db):
    seed_sites()
    with pytest.raises(ProtectedError):
        Site.objects.filter(slug="mobile").delete()

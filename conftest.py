"""Shared test cast, after healthchecks' BaseTestCase: staff of this site (h17) in every
role, staff of another site (skyen), and anonymous visitors."""

import pytest
from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY

from stofrum.sites.models import Site
from stofrum.sites.services import seed_sites
from stofrum.staff.services import confirmed_device, create_staff

PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(config, items):
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def sites(db):
    seed_sites()
    return {s.slug: s for s in Site.objects.all()}


@pytest.fixture
def make_staff(sites):
    def make(role: str, site_slugs=("h17",), username: str | None = None):
        username = username or f"{role}-{'-'.join(site_slugs) or 'none'}"
        staff, _ = create_staff(None, username, role, list(site_slugs), PASSWORD)
        return staff

    return make


@pytest.fixture
def cast(make_staff):
    """One staff member per role at h17, plus reception at skyen only."""
    members = {role: make_staff(role, ["h17"]) for role in
               ("reception", "health", "leader", "analyst")}
    members["admin"] = make_staff("admin", [])
    members["other_reception"] = make_staff("reception", ["skyen"], username="reception-skyen")
    return members


def login_client(client, staff, *, verified: bool = True):
    """Log `staff` in on a test client, past the second factor when `verified`."""
    client.force_login(staff)
    device = confirmed_device(staff)
    if verified and device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def login(client):
    def do(staff, verified: bool = True):
        return login_client(client, staff, verified=verified)

    return do

"""Shared test cast, after healthchecks' BaseTestCase: staff of this site (h17) in every
role, staff of another site (skyen), and anonymous visitors."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django_otp import DEVICE_ID_SESSION_KEY

from stofrum.sites.models import Site
from stofrum.sites.services import seed_sites
from stofrum.staff.services import confirmed_device, create_staff

PASSWORD = "correct horse battery staple"
# PBKDF2's deliberate slowness would dominate the suite's run time.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# What gives a test a database on the run's engine: pytest-django's database fixtures and
# marker, and the servers that tests/http starts on the run's engine.
ENGINE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences",
                   "django_db_serialized_rollback", "live_server", "http_server", "role_tokens"}


def pytest_collection_modifyitems(config, items):
    """`postgres` tests are skipped on SQLite. `engine_free` tests (pure functions, property
    tests, settings, deploy files, the import layers) would only run the same code twice:
    `make test` runs the SQLite and PostgreSQL suites side by side, so the PostgreSQL run
    (the longer one) deselects them; they run in the SQLite run. A test marked engine_free
    that asks for a database is an error on both engines, so the mark never hides a test of
    an engine."""
    for item in items:
        if item.get_closest_marker("engine_free") and (
                item.get_closest_marker("django_db")
                or ENGINE_FIXTURES & set(getattr(item, "fixturenames", ()))):
            raise pytest.UsageError(f"{item.nodeid} is marked engine_free but uses a database")
    if connection.vendor == "postgresql":
        kept = [item for item in items if not item.get_closest_marker("engine_free")]
        if len(kept) < len(items):
            config.hook.pytest_deselected(
                items=[item for item in items if item.get_closest_marker("engine_free")])
            items[:] = kept
    else:
        skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


def _flush_passes_sqlite_append_only_triggers():
    """The test database's flush between transactional tests is a DELETE on SQLite, which the
    append-only triggers (audit trail, health journal) refuse; PostgreSQL flushes with
    TRUNCATE, which they let through. Only that flush, and only in tests, lifts every
    trigger for its own duration and puts each back exactly as the migrations left it."""
    if connection.vendor != "sqlite":
        return
    DatabaseOperations = type(connection.ops)  # noqa: N806
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        try:
            original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                for _name, sql in triggers:
                    cursor.execute(sql)

    DatabaseOperations.execute_sql_flush = execute_sql_flush


_flush_passes_sqlite_append_only_triggers()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _plain_http_test_client(settings):
    # Django's test client speaks plain HTTP; outside the demo (STOFRUM_DEMO) the app
    # would redirect it to HTTPS. The redirect itself is tested in stofrum/tests/test_https.py.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _cpr_key_ring(settings, tmp_path, monkeypatch):
    # Each test its own CPR key ring, so that rotation tests touch nothing real.
    monkeypatch.delenv("STOFRUM_CPR_KEY", raising=False)
    settings.STOFRUM_CPR_KEY = ""
    settings.STOFRUM_CPR_KEY_FILE = str(tmp_path / "cpr.key")
    # made explicitly, as `manage.py create_cpr_key` does: the vault never makes one
    from stofrum.health import vault

    vault.create_ring()


def seed_test_sites() -> dict:
    """The five seeded sites, each open around the clock so that a test's outcome does not
    depend on the hour it runs (tests of opening hours set their own); by slug."""
    from datetime import time

    from stofrum.sites.models import OpeningHours
    from stofrum.visits.seed import seed_substances

    seed_sites()
    seed_substances()
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(site=site, weekday=day, opens=time(0), closes=time(0))
        for site in Site.objects.all() for day in range(7))
    return {s.slug: s for s in Site.objects.all()}


def new_staff(role: str, site_slugs=("h17",), username: str | None = None):
    """A staff member of `role` at `site_slugs`: the one seeded for the session when it is
    exactly that (seeded_for_the_session), else a new one."""
    from stofrum.staff.models import StaffMember

    username = username or f"{role}-{'-'.join(site_slugs) or 'none'}"
    seeded = StaffMember.objects.filter(username=username, role=role).first()
    if seeded is not None and sorted(s.slug for s in seeded.sites.all()) == sorted(site_slugs):
        return seeded
    staff, _ = create_staff(None, username, role, list(site_slugs), PASSWORD)
    return staff


def new_cast() -> dict:
    """One staff member per role at h17, plus reception at skyen only (the sites seeded)."""
    members = {role: new_staff(role, ["h17"]) for role in
               ("reception", "health", "leader", "analyst")}
    members["admin"] = new_staff("admin", [])
    members["other_reception"] = new_staff("reception", ["skyen"], username="reception-skyen")
    return members


def new_door():
    """A reception member of h17, skyen, reden and sundholm, who registers and checks people
    in."""
    return new_staff("reception", ["h17", "skyen", "reden", "sundholm"], username="door")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as the migrations leave it, plus what nearly every test starts
    from, committed once for the session instead of written again in each test's
    transaction (129 ms a test on PostgreSQL): the five sites open around the clock, the
    cast (new_cast) and the door (new_door). Tests that ask for `sites`, `cast` or `door`
    get these rows; tests that ask for none of them see them too. A transactional test
    empties the database after it (pytest-django runs those after the others), and the
    fixtures then write what they give again, as before."""
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=FAST_PASSWORD_HASHERS), transaction.atomic():
        seed_test_sites()
        new_cast()
        new_door()
    yield


@pytest.fixture
def sites(db):
    """The five seeded sites, each open around the clock (seed_test_sites)."""
    seeded = {s.slug: s for s in Site.objects.all()}
    return seeded if len(seeded) == 5 else seed_test_sites()


@pytest.fixture
def make_staff(sites):
    return new_staff


@pytest.fixture
def cast(make_staff):
    """One staff member per role at h17, plus reception at skyen only."""
    return new_cast()


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


@pytest.fixture
def door(make_staff):
    """A reception member of h17 and skyen, who registers and checks people in."""
    return new_door()


def new_person(door, sites, alias="Tester", birth_year=1985, gender="male", municipality="101",
               agreement=True, site="h17"):
    """A registered person, registered by `door`; with a signed first-aid agreement unless
    `agreement=False`."""
    from django.utils import timezone

    from stofrum.people.models import Person
    from stofrum.people.rules import is_adult_born
    from stofrum.people.services import register_person, sign_first_aid_agreement

    # Registration refuses a minor; a minor on record (registered before that rule, or
    # a corrected birth year) is made by writing the birth year afterwards.
    minor = not is_adult_born(birth_year, timezone.localdate())
    person = register_person(door, sites[site], alias=alias,
                             birth_year=1985 if minor else birth_year,
                             gender=gender, municipality=municipality, confirm_new=True)
    if agreement:
        sign_first_aid_agreement(door, person, sites[site], house_rules_shown=True)
    if minor:
        Person.objects.filter(pk=person.pk).update(birth_year=birth_year)
        person.refresh_from_db()
    return person


@pytest.fixture
def make_person(sites, door):
    """A registered person; with a signed first-aid agreement unless `agreement=False`."""

    def make(*args, **kwargs):
        return new_person(door, sites, *args, **kwargs)

    return make


def keep_booths(site, method: str, n: int) -> list:
    """Leave `n` active booths for `method` at `site` (the rest deactivated)."""
    from stofrum.sites.models import Booth

    booths = Booth.objects.filter(site=site, method__code=method)
    keep = list(booths.order_by("sort_order").values_list("pk", flat=True)[:n])
    booths.exclude(pk__in=keep).update(is_active=False)
    return keep


@pytest.fixture
def set_booths(sites):
    """Leave `n` active booths for `method` at a site (the rest deactivated)."""

    def set_(site_slug: str, method: str, n: int):
        return keep_booths(sites[site_slug], method, n)

    return set_


@pytest.fixture
def api_as(client):
    """A small JSON client for /api/v1 acting as `staff` (a bearer token), or as nobody."""
    from datetime import timedelta

    from django.utils import timezone

    from stofrum.staff.models import ApiToken

    def make(staff=None):
        headers = {}
        if staff is not None:
            _, raw = ApiToken.issue(staff, timezone.now() + timedelta(hours=1))
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

        class Api:
            def get(self, path, **params):
                return client.get(f"/api/v1{path}", params, **headers)

            def post(self, path, body=None, **extra):
                return client.post(f"/api/v1{path}", body or {},
                                   content_type="application/json", **headers, **extra)

            def patch(self, path, body):
                return client.patch(f"/api/v1{path}", body, content_type="application/json",
                                    **headers)

        return Api()

    return make


def race(calls):
    """Run the callables at the same moment, each on its own database connection (the race
    tests, PostgreSQL); a refused call's DomainError is returned in its place."""
    from stofrum.errors import DomainError

    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait()
            return call()
        except DomainError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def someone_waits_for_a_lock() -> bool:
    """Whether a session of this PostgreSQL database is waiting for a lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0] > 0


@contextlib.contextmanager
def lock_held_elsewhere(sql: str, params, hold_s: float = 10):
    """Within the block another transaction, on its own database connection, holds the lock
    `sql` takes (PostgreSQL: a row locked FOR UPDATE or FOR KEY SHARE), for at most `hold_s`
    seconds; released when the block ends."""
    held, release = threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
                held.set()
                release.wait(hold_s)
        finally:
            connection.close()

    other = threading.Thread(target=holder)
    other.start()
    try:
        assert held.wait(10)
        yield
    finally:
        release.set()
        other.join()

"""System checks for the CPR key: Stofrum never makes a key by itself, so it refuses to serve
without a usable one (stofrum/asgi.py runs the `startup` checks) and `manage.py check
--deploy` names the problem. A key that is there but malformed fails every check run."""

from django.core import checks

from stofrum.health import vault

HINT = ("Restore the key ring from its backup to STOFRUM_CPR_KEY_FILE (or set "
        "STOFRUM_CPR_KEY); for a new installation only, run `python manage.py "
        "create_cpr_key`. See README, \"The CPR key\".")


def _error(problem: str) -> checks.Error:
    return checks.Error(f"The CPR key is not usable: {problem}.", hint=HINT,
                        id="stofrum.health.E001")


def cpr_key_present(app_configs=None, **kwargs):
    """A missing, unreadable or malformed key (deployment and start of the served app)."""
    problem = vault.key_problem()
    return [_error(problem)] if problem else []


def cpr_key_wellformed(app_configs=None, **kwargs):
    """A key that is given but malformed or unreadable fails every `manage.py check`; a
    missing key file is left to the deployment check (migrations run before the key is
    made on a new installation)."""
    if not vault.ring_exists():
        return []
    problem = vault.key_problem()
    return [checks.Error(f"The CPR key is not usable: {problem}.", hint=HINT,
                         id="stofrum.health.E002")] if problem else []


def cpr_hash_key_matches(app_configs=None, databases=None, **kwargs):
    """The ring's hash key is the one the stored rows were linked with: one stored CPR number
    that this ring can read must hash to its stored hash. A different hash key (e.g. a key
    moved from the key file into STOFRUM_CPR_KEY) would silently give returning patients new
    journal links. Needs the database (`check --deploy --database default`)."""
    if not databases or vault.key_problem():
        return []
    from django.db import DatabaseError

    from stofrum.health.models import PatientIdentifier

    try:
        sample = (PatientIdentifier.objects.filter(key_id__in=vault.key_ids())
                  .order_by("-pk").first())
    except DatabaseError:  # not migrated yet, or unreachable: other checks say so
        return []
    if sample is None:
        return []
    try:
        digits = vault.decrypt_cpr(bytes(sample.ciphertext))
    except vault.VaultError:
        return []
    if vault.cpr_hash(digits) == sample.cpr_hash:
        return []
    return [checks.Error("The CPR key ring's hash key is not the one the stored journals "
                         "were linked with: new journals would not find a patient's "
                         "earlier ones.", hint=HINT, id="stofrum.health.E003")]


def register() -> None:
    checks.register(cpr_key_present, "stofrum_startup", deploy=True)
    checks.register(cpr_key_wellformed, "stofrum_startup")
    # not at the app's start (uvicorn loads the app inside its event loop, where a query is
    # refused): `manage.py check --deploy --database default`
    checks.register(cpr_hash_key_matches, "database", deploy=True)

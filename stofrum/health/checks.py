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


def register() -> None:
    checks.register(cpr_key_present, "stofrum_startup", deploy=True)
    checks.register(cpr_key_wellformed, "stofrum_startup")

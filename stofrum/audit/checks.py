"""System checks for the audit chain's key (chain.py): a key that is given but unusable stops
the served app (every audited write would fail), and `check --deploy` warns while the key
file sits in the var directory, beside the SQLite database and in its backups."""

from pathlib import Path

from django.conf import settings
from django.core import checks

from stofrum.audit.chain import MIN_KEY_LENGTH

HINT = ("Set STOFRUM_AUDIT_KEY (at least 32 characters) or STOFRUM_AUDIT_KEY_FILE; never "
        "replace the key of a trail already written (README, \"The audit trail\").")


def audit_key_usable(app_configs=None, **kwargs):
    """The key given (environment or existing file) is long enough and readable; a missing
    file is made at the first audit event."""
    if settings.STOFRUM_AUDIT_KEY:
        text = settings.STOFRUM_AUDIT_KEY
    else:
        path = Path(settings.STOFRUM_AUDIT_KEY_FILE)
        if not path.exists():
            return []
        try:
            text = path.read_text().strip()
        except OSError as exc:
            return [checks.Error(f"The audit chain key file cannot be read: {exc.strerror}.",
                                 hint=HINT, id="stofrum.audit.E001")]
    if len(text) < MIN_KEY_LENGTH:
        return [checks.Error(f"The audit chain key is shorter than {MIN_KEY_LENGTH} "
                             "characters.", hint=HINT, id="stofrum.audit.E001")]
    return []


def audit_key_apart(app_configs=None, **kwargs):
    """In production the key file lives outside the var directory (e.g. /etc/stofrum)."""
    if settings.STOFRUM_AUDIT_KEY:
        return []
    key_file = Path(settings.STOFRUM_AUDIT_KEY_FILE).resolve()
    var_dir = Path(settings.VAR_DIR).resolve()
    if key_file.is_relative_to(var_dir):
        return [checks.Warning(
            "The audit chain key file is in the var directory, where the database's backups "
            "may take it along.", hint="Move it to /etc/stofrum/audit.key (mode 0600) and "
            "set STOFRUM_AUDIT_KEY_FILE; keep its own backup.", id="stofrum.audit.W001")]
    return []


def register() -> None:
    checks.register(audit_key_usable, "stofrum_startup", deploy=True)
    checks.register(audit_key_apart, deploy=True)

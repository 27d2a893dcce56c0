"""The one settings module. Everything that differs between machines comes from the
environment (see README.md, "Configuration")."""

import ipaddress
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from stofrum.env import ConfigError, envbool, envclock, envint, envlist, envstr
from stofrum.log_format import server_access_handlers

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("STOFRUM_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into var/ (mode 0600)."""
    key = envstr("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# The demo (`make run`, and the tests that serve plain HTTP on 127.0.0.1). Outside it the
# app is served over HTTPS only: secure cookies, HSTS, plain HTTP redirected.
DEMO = envbool("STOFRUM_DEMO", False)
# The TLS-terminating proxies (addresses or networks) in front of the app
# (deploy/nginx.conf.template). Only their X-Forwarded-For and X-Forwarded-Proto count
# (stofrum/client_address.py); with none, the app is reached directly.
TRUSTED_PROXIES = envlist("STOFRUM_TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ConfigError(
            f"STOFRUM_TRUSTED_PROXIES must list addresses or networks, got {_proxy!r}") from _exc
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = not DEMO
# A load balancer's health probe may speak plain HTTP to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 0 if DEMO else 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Says the site may be preloaded; only a request to the browsers' list puts it there.
SECURE_HSTS_PRELOAD = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "stofrum.audit",
    "stofrum.idempotency",
    "stofrum.sites",
    "stofrum.staff",
    "stofrum.public",
    "stofrum.people",
    "stofrum.visits",
    "stofrum.conduct",
    "stofrum.health",
    "stofrum.watch",
    "stofrum.care",
    "stofrum.voice",
    "stofrum.alerts",
    "stofrum.rounds",
    "stofrum.neighbours",
    "stofrum.stats",
    "stofrum.live",
    "stofrum.desk",
    # Last, so that health's `runserver` (which refuses to serve without the CPR key, like
    # stofrum/asgi.py) takes the place of staticfiles' own.
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # first: forwarded headers count only from a trusted proxy (SecurityMiddleware reads one)
    "stofrum.client_address.forwarded_headers_middleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "stofrum.audit.middleware.RequestContextMiddleware",
    "stofrum.api_middleware.ApiMethodNotAllowedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "stofrum.locale_middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "stofrum.input_middleware.RefuseNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "stofrum.staff.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stofrum.urls"
ASGI_APPLICATION = "stofrum.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "stofrum" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stofrum.desk.context_processors.staff_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'stofrum.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions + WAL + a busy timeout: two requests never fail with
    # "database is locked", they wait for each other instead.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
# A pool of open connections in each app process (psycopg_pool, through Django), so that a
# request takes an open one instead of opening its own (a PostgreSQL process started and
# 2.5-3.5 ms on this project's machine, for every request). STOFRUM_DB_POOL is the most a
# process holds (0: one connection per request); each is checked before it is handed
# out, and a request waits at most STOFRUM_DB_POOL_WAIT_SECONDS for one (then 503
# `database_unavailable`, as when the database is away).
DB_POOL = envint("STOFRUM_DB_POOL", 0, minimum=0)
DB_POOL_WAIT_SECONDS = envint("STOFRUM_DB_POOL_WAIT_SECONDS", 5, minimum=1)
if DB_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {
        "pool": {"min_size": 1, "max_size": DB_POOL, "timeout": DB_POOL_WAIT_SECONDS}}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "staff.StaffMember"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "public:home"

# Shared terminals: a session ends after this many idle minutes.
STOFRUM_IDLE_MINUTES = envint("STOFRUM_IDLE_MINUTES", 15, minimum=1)
# A shorter idle time in seconds for a busy door (0: use the minutes above).
STOFRUM_IDLE_SECONDS = envint("STOFRUM_IDLE_SECONDS", 0, minimum=0)
# How long a browser keeps showing its sites' alarms on the lock screen after the last
# staff page it showed (stofrum/live/terminal.py).
STOFRUM_TERMINAL_HOURS = envint("STOFRUM_TERMINAL_HOURS", 12, minimum=1)
# A staff session ends this many hours after its login, however active.
STOFRUM_SESSION_HOURS = envint("STOFRUM_SESSION_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = STOFRUM_SESSION_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = envbool("STOFRUM_SECURE_COOKIES", not DEMO)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Login lock-out (django-axes): per username and address, so one person's typos on a
# shared terminal do not lock out a whole room.
AXES_FAILURE_LIMIT = envint("STOFRUM_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("STOFRUM_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "stofrum.staff.views.locked_out"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp", "token"]
# The address a lock-out counts: forwarded headers only from a trusted proxy.
AXES_CLIENT_IP_CALLABLE = "stofrum.client_address.client_address"

OTP_TOTP_ISSUER = "Stofrum"
STOFRUM_API_TOKEN_HOURS = envint("STOFRUM_API_TOKEN_HOURS", 12, minimum=1)

# The board colours a booth amber, then red, after this many minutes (a German booth
# checklist uses 30 minutes; DOMAIN.md §12).
STOFRUM_BOOTH_AMBER_MINUTES = envint("STOFRUM_BOOTH_AMBER_MINUTES", 20, minimum=1)
STOFRUM_BOOTH_RED_MINUTES = envint("STOFRUM_BOOTH_RED_MINUTES", 30, minimum=1)
# Booth watch: each process serving event streams looks for overdue booths this often
# (0: only `manage.py watch_booths`, from its systemd timer). stofrum/watch/sweeper.py
STOFRUM_WATCH_SWEEP_SECONDS = envint("STOFRUM_WATCH_SWEEP_SECONDS", 10, minimum=0)
# A room's day ends at its closing time; a room open across this time of day (around the
# clock) starts a new day here. "Excluded for the rest of the day" ends then (conduct).
STOFRUM_DAY_BOUNDARY = envclock("STOFRUM_DAY_BOUNDARY", "06:00")

# A check-out can be undone at the door for this many minutes (a mistaken tap); after
# that the answer is `too_late`.
STOFRUM_UNDO_MINUTES = envint("STOFRUM_UNDO_MINUTES", 5, minimum=1)

# A referral without a follow-up date is followed up this many days after it was made.
STOFRUM_REFERRAL_FOLLOW_UP_DAYS = envint("STOFRUM_REFERRAL_FOLLOW_UP_DAYS", 7, minimum=1)
# Statistics that leave the municipality (exports) suppress counts below this.
STOFRUM_SUPPRESS_BELOW = envint("STOFRUM_SUPPRESS_BELOW", 5, minimum=1)
# A complaint should be answered within this many days (leaders see the overdue ones).
STOFRUM_COMPLAINT_ANSWER_DAYS = envint("STOFRUM_COMPLAINT_ANSWER_DAYS", 28, minimum=1)
# The public complaint form: at most this many complaints per client address per hour.
# The address is only held hashed (keyed), for that hour (voice.PublicSubmissionWindow);
# apply_retention sweeps windows that are over.
STOFRUM_COMPLAINT_RATE_LIMIT = envint("STOFRUM_COMPLAINT_RATE_LIMIT", 5, minimum=1)
# Reports from neighbours (stofrum/neighbours): at most this many per client address per
# hour, counted as the complaints are (their own count); a neighbour's contact details are
# deleted by apply_retention this many days after the report was closed.
STOFRUM_NEIGHBOUR_REPORT_RATE_LIMIT = envint("STOFRUM_NEIGHBOUR_REPORT_RATE_LIMIT", 5,
                                             minimum=1)
STOFRUM_NEIGHBOUR_CONTACT_DAYS = envint("STOFRUM_NEIGHBOUR_CONTACT_DAYS", 30, minimum=1)

# The incident screen reminds staff when this long has passed since the last naloxone
# dose without improvement recorded (2–3 minutes is the usual re-dose interval).
STOFRUM_NALOXONE_REDOSE_SECONDS = envint("STOFRUM_NALOXONE_REDOSE_SECONDS", 150, minimum=30)

# Health records are kept at least 10 years after the last entry (Danish rules on patient
# records, journalføringsbekendtgørelsen); each record carries its keep-until date.
STOFRUM_JOURNAL_RETENTION_YEARS = envint("STOFRUM_JOURNAL_RETENTION_YEARS", 10, minimum=10)
# `manage.py apply_retention` (daily): a person with no activity (visit, service, violation,
# quarantine, ...) for this many years is anonymised; client addresses in the audit trail
# and the login lock-out tables are removed after this many days.
STOFRUM_INACTIVE_YEARS = envint("STOFRUM_INACTIVE_YEARS", 5, minimum=1)
STOFRUM_ADDRESS_DAYS = envint("STOFRUM_ADDRESS_DAYS", 90, minimum=1)
# A journal not written this many hours after the incident's onset is shown as overdue
# (health staff's home page and the board).
STOFRUM_JOURNAL_DUE_HOURS = envint("STOFRUM_JOURNAL_DUE_HOURS", 24, minimum=1)
# Drug alerts (stofrum/alerts): this many overdoses with the same substance within this many
# hours, across the city's rooms, raise an alert; it ends when as many hours pass without a
# new case (README "Drug alerts").
STOFRUM_DRUG_ALERT_CASES = envint("STOFRUM_DRUG_ALERT_CASES", 3, minimum=2)
STOFRUM_DRUG_ALERT_HOURS = envint("STOFRUM_DRUG_ALERT_HOURS", 24, minimum=1)

# The CPR vault's key never lives in the database: STOFRUM_CPR_KEY (base64, 32 bytes) or a
# key ring file made by `manage.py create_cpr_key` (mode 0600; never made on first use; in
# production outside var/, e.g. /etc/stofrum/cpr.key: README "The CPR key").
STOFRUM_CPR_KEY = envstr("STOFRUM_CPR_KEY")
STOFRUM_CPR_KEY_FILE = envstr("STOFRUM_CPR_KEY_FILE", str(VAR_DIR / "cpr.key"))

# The audit trail's hash chain key never lives in the database either (a database superuser
# could otherwise recompute the chain): STOFRUM_AUDIT_KEY (at least 32 characters), else the
# file STOFRUM_AUDIT_KEY_FILE, made once (mode 0600) when missing; in production outside
# var/, e.g. /etc/stofrum/audit.key (README "The audit trail").
STOFRUM_AUDIT_KEY = envstr("STOFRUM_AUDIT_KEY")
STOFRUM_AUDIT_KEY_FILE = envstr("STOFRUM_AUDIT_KEY_FILE", str(VAR_DIR / "audit.key"))

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "stofrum" / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "stofrum" / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security headers -----------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- API ------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
# Every list pages in the database (stofrum/paging.py), also a bare `@paginate`.
NINJA_PAGINATION_CLASS = "stofrum.paging.DatabasePaging"

# --- Logging: nothing sensitive, ever (no request bodies, no query strings) ----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Control characters in a message are escaped: one record, one line (stofrum/log_format.py).
    "formatters": {"plain": {"class": "stofrum.log_format.EscapingFormatter",
                             "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A server's own access line (uvicorn's, runserver's) loses its query string: it can
    # carry a searched alias or a reason. The app's access log (stofrum.access) has paths only.
    "filters": {"no_query": {"()": "stofrum.log_format.DropQueryStrings"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("STOFRUM_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # uvicorn's --no-access-log (production: the app's own access log replaces it)
        # stays in force.
        "uvicorn.access": {"handlers": server_access_handlers("uvicorn.access"),
                           "filters": ["no_query"], "propagate": False},
        "django.server": {"handlers": ["console"], "filters": ["no_query"], "level": "INFO",
                          "propagate": False},
    },
}

# The covering index for statistics (visits.Visit) includes non-key columns; SQLite, the
# embedded default, ignores them (the index still works), PostgreSQL uses them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

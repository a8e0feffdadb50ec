"""Anju settings: every knob comes from the environment through the typed readers below."""

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"environment variable {name} is required")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("ANJU_DEBUG", False)
DATA_DIR = Path(env_str("ANJU_DATA_DIR", "var")).resolve()


def _private_folder(path: Path) -> None:
    # The data folder holds the database, the keys and the people's uploads: only Anju's user
    # may read what Anju creates (`anju check --deploy`, anju.W003). An existing folder is left
    # as its owner set it.
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=0o700, exist_ok=True)
        path.chmod(0o700)  # whatever the umask


_private_folder(DATA_DIR)


def _key(env_name: str, file_name: str, make) -> str:
    # A key from the environment in production; otherwise one generated once per data folder,
    # so a fresh install never runs on a key that is published in the repository.
    if key := os.environ.get(env_name):
        return key
    path = DATA_DIR / file_name
    if not path.exists():
        _private_folder(DATA_DIR)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _field_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


SECRET_KEY = _key("ANJU_SECRET_KEY", "secret.key", lambda: secrets.token_urlsafe(50))
# ID, phone and account numbers at rest (anju.crypto): AES-256-GCM keys, the first encrypts
# and all decrypt (rotation); a separate key for the keyed hash that exact lookups use.
FIELD_KEYS = [k.strip() for k in _key("ANJU_FIELD_KEYS", "field.keys", _field_key).split(",")
              if k.strip()]
LOOKUP_KEY = _key("ANJU_LOOKUP_KEY", "lookup.key", lambda: secrets.token_urlsafe(32))
KEYS_FROM_ENVIRONMENT = all(
    os.environ.get(n) for n in ("ANJU_SECRET_KEY", "ANJU_FIELD_KEYS", "ANJU_LOOKUP_KEY"))
ALLOWED_HOSTS = env_list("ANJU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("ANJU_CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs from its own static files, so the CSP needs no CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "anju.divisions",
    "anju.policy",
    "anju.accounts",
    "anju.audit",
    "anju.registry",
    "anju.appraisal",
    "anju.quality",
    "anju.rectification",
    "anju.assistance",
    "anju.field",
    "anju.evidence",
    "anju.exchange",
    "anju.reports",
    "anju.roster",
    "anju.supervision",
    "anju.reminders",
    "anju.public",
    "anju.operations",
]

MIDDLEWARE = [
    "anju.operations.middleware.RequestLogMiddleware",  # first: times the whole request
    # second: which reads of the request may use the replica (ADR 0043)
    "anju.operations.middleware.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "anju.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anju.accounts.middleware.SessionTimeoutMiddleware",
    "anju.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "anju.web.pages.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into 429
]

ROOT_URLCONF = "anju.urls"
WSGI_APPLICATION = "anju.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "anju.accounts.context.navigation",
            ],
        },
    },
]

_sqlite_path = DATA_DIR / "anju.sqlite3"


def database(url: str, **extra) -> dict:
    """One DATABASES entry from a URL. A PostgreSQL URL may name several hosts
    (postgres://u@h1:5432,h2:5432/anju?target_session_attrs=read-write): dj-database-url parses
    one host, so the list is set aside and handed to libpq, which takes comma lists."""
    hosts = None
    scheme, sep, rest = url.partition("://")
    if sep and scheme.startswith("postgres"):
        auth, at, location = rest.rpartition("@")
        netloc, slash, tail = location.partition("/")
        if "," in netloc:
            hosts = [h.rpartition(":") if ":" in h else (h, "", "") for h in netloc.split(",")]
            url = f"{scheme}://{auth}{at}{hosts[0][0] or 'localhost'}{slash}{tail}"
    config = dj_database_url.parse(url, conn_max_age=60, **extra)
    if hosts:
        config["HOST"] = ",".join(h for h, _, _ in hosts)
        config["PORT"] = ",".join(p or "5432" for _, _, p in hosts)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # After a failover the pooled connection is dead: test it before each request reuses it.
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database(env_str("DATABASE_URL", f"sqlite:///{_sqlite_path}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while a worker writes; IMMEDIATE avoids upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
# A province (ADR 0043): pages and jobs that declared a tolerated staleness read the replica
# while it is at most REPLICA_MAX_LAG seconds behind; everything else reads the primary.
REPLICA_URL = env_str("ANJU_REPLICA_URL", "")
REPLICA_MAX_LAG = env_int("ANJU_REPLICA_MAX_LAG", 30)
REPLICA_READS = bool(REPLICA_URL)
DATABASE_ROUTERS = []
if REPLICA_URL:
    DATABASES["replica"] = database(REPLICA_URL)
    # A replica that does not answer costs one short wait, then reads go to the primary.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # Read-only; the test database of a suite run with a replica is the primary's.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["anju.operations.routing.ReplicaRouter"]
# Behind pgbouncer in transaction mode each transaction may get another server connection:
# no server-side cursors (they live in a session; exports read in keyset chunks instead,
# anju.kit.keyset) and no prepared statements. Anju sets no other session state.
DB_POOLER = env_str("ANJU_DB_POOLER", "")
if DB_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured(f"ANJU_DB_POOLER must be pgbouncer or empty, not {DB_POOLER!r}")
if DB_POOLER:
    for _alias in DATABASES.values():
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True
        _alias.setdefault("OPTIONS", {})["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# 等保 level 3: length ≥ 8, three of four character classes, not the username, not common.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 8}},
    {"NAME": "anju.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "anju.accounts.passwords.UsernameNotContainedValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "anju.accounts.passwords.CommonBaseWordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked account before the password
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
API_TOKEN_HOURS = env_int("ANJU_API_TOKEN_HOURS", 12)

# Lockout (django-axes): 5 failures in a row lock the account for 30 minutes; an address
# with many failures over any accounts is refused as well (accounts/lockout.py).
AXES_FAILURE_LIMIT = env_int("ANJU_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ANJU_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
LOGIN_FAILURES_PER_ADDRESS = env_int("ANJU_LOGIN_FAILURES_PER_ADDRESS", 30)
# axes.W006 asks for ip_address among the lockout parameters; the per-address limit is ours
# (a township office shares one address, so it gets a higher limit than one account).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_HANDLER = "anju.accounts.lockout.LoginAttempts"
AXES_LOCKOUT_CALLABLE = "anju.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "anju.security.client_ip"
AXES_RESET_ON_SUCCESS = True
# The lock lifts 30 minutes after the fifth failure, not 30 minutes after the last try.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # logins are in anju.audit
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Proxies in front of Anju whose X-Forwarded-For is trusted (0: use the socket's address).
TRUSTED_PROXY_COUNT = env_int("ANJU_TRUSTED_PROXY_COUNT", 0)

# Second factor (django-otp TOTP): required for the administrators and full-view roles
# (accounts/rules.py), offered to everyone. `anju demo` turns the requirement off, loudly.
REQUIRE_TOTP = env_bool("ANJU_REQUIRE_TOTP", True)
OTP_TOTP_ISSUER = "安居 Anju"
OTP_TOTP_THROTTLE_FACTOR = 1

# Sessions end after 30 idle minutes and 12 hours at most (accounts/middleware.py).
SESSION_IDLE_MINUTES = env_int("ANJU_SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = env_int("ANJU_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600

AUDIT_RETENTION_DAYS = max(env_int("ANJU_AUDIT_RETENTION_DAYS", 180), 180)

LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["anju.formats"]
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("ANJU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the project's own CSS/JS and vendored htmx
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it before collectstatic
MEDIA_ROOT = Path(env_str("ANJU_MEDIA_ROOT", str(DATA_DIR / "media")))
_private_folder(MEDIA_ROOT)
# the folders Django makes for uploads (photos/2026/12/...) are as private as the data folder
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "anju.kit.storage.UploadStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MAX_UPLOAD_MB = env_int("ANJU_MAX_UPLOAD_MB", 20)
# An upload is refused (507 storage_full) when it would leave less than this free on the disk.
UPLOAD_MIN_FREE_MB = env_int("ANJU_UPLOAD_MIN_FREE_MB", 200)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
# The field app shrinks photos on the phone before they are sent: longest side, JPEG quality %.
FIELD_PHOTO_MAX_PX = env_int("ANJU_FIELD_PHOTO_MAX_PX", 1600)
FIELD_PHOTO_QUALITY = env_int("ANJU_FIELD_PHOTO_QUALITY", 80)

# Behind TLS (production): secure cookies, HSTS, redirect to https. `check --deploy` is clean
# only with ANJU_HTTPS=true; a TLS-terminating proxy must set X-Forwarded-Proto.
HTTPS = env_bool("ANJU_HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("ANJU_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # the load balancer's probe may come over http
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Anything larger than an attachment (plus its form) is refused before it is read.
MAX_REQUEST_BYTES = (MAX_UPLOAD_MB + 1) * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

NINJA_PAGINATION_PER_PAGE = 50

# The address villagers reach Anju at, printed in the QR codes of warning signs and notices
# (ADR 0046), e.g. "https://anju.example.gov.cn"; empty: the address the clerk printed from.
PUBLIC_URL = env_str("ANJU_PUBLIC_URL", "")
# Days a public request's row (hashes only) is kept for the rate limits and for abuse
# reviews; the nightly public_prune deletes older ones, never within the limits' longest window.
PUBLIC_REQUEST_DAYS = env_int("ANJU_PUBLIC_REQUEST_DAYS", 30)

# Background work (django-tasks, ADR 0013): jobs wait in the database and `anju db_worker`
# runs them; ANJU_TASK_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs them inline.
TASKS = {"default": {"BACKEND": env_str("ANJU_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Data exchange (anju.exchange, ADR 0021): an export of more rows than this has one sheet per
# child division; an import file may hold at most this many rows; a running job whose
# heartbeat is older than this many minutes was left by a stopped worker (`anju jobs_resume`).
EXPORT_SPLIT_ROWS = env_int("ANJU_EXPORT_SPLIT_ROWS", 100_000)
# National layouts (national-exchange.md): a province's corrected layout files, read beside the
# shipped ones; a national export of more rows than this runs as a background job.
LAYOUT_DIR = env_str("ANJU_LAYOUT_DIR", "")
NATIONAL_EXPORT_JOB_ROWS = env_int("ANJU_NATIONAL_EXPORT_JOB_ROWS", 20_000)
IMPORT_MAX_ROWS = env_int("ANJU_IMPORT_MAX_ROWS", 200_000)
# A file of at least IMPORT_PARALLEL_ROWS rows is checked by this many worker processes.
IMPORT_PROCESSES = env_int("ANJU_IMPORT_PROCESSES", min(os.cpu_count() or 1, 4))
IMPORT_PARALLEL_ROWS = env_int("ANJU_IMPORT_PARALLEL_ROWS", 5_000)
JOB_STALE_MINUTES = env_int("ANJU_JOB_STALE_MINUTES", 10)

# Reminders (ADR 0047): the gateway of each recipient kind, "official=<file|inbox|wecom|
# dingtalk>,household=<file|sms>" (file: <data folder>/reminders/outbox.jsonl), and theirs.
REMINDER_GATEWAYS = env_list("ANJU_REMINDER_GATEWAYS", "")
REMINDER_MAX_ATTEMPTS = env_int("ANJU_REMINDER_MAX_ATTEMPTS", 5)
REMINDER_RETRY_MINUTES = env_int("ANJU_REMINDER_RETRY_MINUTES", 5)
SMS_URL = env_str("ANJU_SMS_URL", "")
SMS_TOKEN = env_str("ANJU_SMS_TOKEN", "")
WECOM_WEBHOOK = env_str("ANJU_WECOM_WEBHOOK", "")
DINGTALK_WEBHOOK = env_str("ANJU_DINGTALK_WEBHOOK", "")
DINGTALK_SECRET = env_str("ANJU_DINGTALK_SECRET", "")

# The map of houses (anju.reports): a tile URL such as 天地图's with its key, e.g.
# "https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=KEY"; empty by default,
# and the map then shows the houses on a plain background (the demo works offline).
MAP_TILE_URL = env_str("ANJU_MAP_TILE_URL", "")
MAP_TILE_SUBDOMAINS = env_str("ANJU_MAP_TILE_SUBDOMAINS", "01234567")
MAP_TILE_ATTRIBUTION = env_str("ANJU_MAP_TILE_ATTRIBUTION", "")

# Operations (anju.operations): /readyz is not ready when no task worker has beaten for this
# long, a scheduled job is this late, or the uploads' disk has less free space than this.
WORKER_BEAT_STALE_SECONDS = env_int("ANJU_WORKER_BEAT_STALE_SECONDS", 60)
SCHEDULE_GRACE_MINUTES = env_int("ANJU_SCHEDULE_GRACE_MINUTES", 60)
MIN_FREE_DISK_MB = env_int("ANJU_MIN_FREE_DISK_MB", 1024)

# One JSON line per request (anju.request) and per scheduled job (anju.schedule), on stderr;
# ANJU_REQUEST_LOG=false keeps the request lines out (tests, benchmarks inside the handler).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "anju.operations.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"},
                 "json": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("ANJU_LOG_LEVEL", "WARNING")},
    "loggers": {
        "anju.request": {"handlers": ["json"], "propagate": False,
                         "level": "INFO" if env_bool("ANJU_REQUEST_LOG", True) else "WARNING"},
        "anju.schedule": {"handlers": ["json"], "propagate": False, "level": "INFO"},
    },
}

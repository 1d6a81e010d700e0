"""Settings shared by every environment. Secrets and the database come from the environment."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF

from .database import database_settings
from .env import env_bool, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "")
# The data store's whole-collection routes (DELETE and POST /data-sets/<name>, docs/records.md) take
# this token; unset, they refuse every call.
STAGECRAFT_COLLECTION_ENDPOINT_TOKEN = env_str("STAGECRAFT_COLLECTION_ENDPOINT_TOKEN", "")
# Days the records' write log (one row per write request, docs/records.md) is kept before the daily
# scheduled task prunes it: a little more than the 30 days the data set's page charts.
STAGECRAFT_WRITE_LOG_DAYS = env_int("STAGECRAFT_WRITE_LOG_DAYS", 35)
# Scrapers of /metrics/openmetrics present this token (staff sessions need none); unset, only staff.
STOCKANDFLOW_OPENMETRICS_TOKEN = env_str("STOCKANDFLOW_OPENMETRICS_TOKEN", "")
# The health reports (/metrics/) show the last 90 days unless asked otherwise (?days=N).
STOCKANDFLOW_REPORT_DAYS = 90
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    # django.contrib.admin, with a "Metrics" section in its navigation (stagecraft/admin_site.py).
    "stagecraft.admin_site.StagecraftAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "reversion",
    "reversion_compare",
    # Only for its static files: the Swagger UI build behind /api/docs (stagecraft/templates/api_docs.html).
    "drf_spectacular_sidecar",
    "stagecraft.apps.datasets",
    "stagecraft.apps.records",
    "stagecraft.apps.apiclients",
    # Before stockandflow: its templates (stockandflow/*.html) override the package's.
    "stagecraft.apps.metrics",
    "stockandflow",
    "stagecraft.apps.alerts",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Marks the requests that may read from a read replica (none unless DATABASE_REPLICA_URL is set).
    "stagecraft.replica_reads.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Above CommonMiddleware, to take the Content-Length it adds off 304s (RFC 9110 §8.6).
    "stagecraft.middleware.NotModifiedMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # URLs naming text the database can't store (a NUL character): 400 before any view runs.
    "stagecraft.middleware.UnstorableUrlMiddleware",
    # Writes that still conflict after their retries: 503 with Retry-After.
    "stagecraft.middleware.BusyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: refuses logins while a user name and address are locked out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stagecraft.urls"
WSGI_APPLICATION = "stagecraft.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "stagecraft" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The embedded default is a SQLite file next to manage.py; production and CI set DATABASE_URL
# (postgres://user@host:5432/name, served by psycopg 3). Past one server (docs/deployment.md):
# DATABASE_REPLICA_URL lists read replicas (comma-separated), DATABASE_POOLED=true when the app
# connects through PgBouncer in transaction pooling mode.
DATABASES = database_settings(
    env_str("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    env_list("DATABASE_REPLICA_URL"),
    conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    pooled=env_bool("DATABASE_POOLED", False),
)
# The replicas' aliases; empty, everything runs on the one database. Which request reads where:
# stagecraft/replica_reads.py (the rule) and stagecraft/db_router.py (the router).
STAGECRAFT_READ_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["stagecraft.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Project-wide static files that no single app owns: vendored browser libraries (Chart.js 4.6.1 in
# stagecraft/static/vendor/chartjs/, see its README.md).
STATICFILES_DIRS = [BASE_DIR / "stagecraft" / "static"]
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Request bodies above this many bytes are refused before they are read (API answers 413).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Alerts (docs/alerts.md). Links in messages start with STAGECRAFT_BASE_URL. E-mail goes through
# Django's SMTP backend with these settings (development prints it instead: development.py).
STAGECRAFT_BASE_URL = env_str("STAGECRAFT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "stagecraft@localhost")
# Seconds: at most one announcement per data set in this long (flapping); how long a mute link
# works; how long a message is retried before it is given up; how long a webhook may take to answer.
ALERTS_FLAP_INTERVAL = env_int("ALERTS_FLAP_INTERVAL", 3600)
ALERTS_MUTE_LINK_MAX_AGE = env_int("ALERTS_MUTE_LINK_MAX_AGE", 30 * 24 * 3600)
ALERTS_GIVE_UP_AFTER = env_int("ALERTS_GIVE_UP_AFTER", 3 * 24 * 3600)
ALERTS_WEBHOOK_TIMEOUT = env_int("ALERTS_WEBHOOK_TIMEOUT", 10)

# Days the records of a deleted or emptied data set stay in the trash, restorable, before the
# scheduler purges them (docs/records.md, "The trash").
RECORDS_TRASH_RETENTION_DAYS = env_int("RECORDS_TRASH_RETENTION_DAYS", 30)
# Megabytes of PostgreSQL work_mem an aggregate read may use (SET LOCAL, for its transaction only),
# so that grouping hashes in memory instead of sorting on disk (docs/records.md, "Aggregate reads").
RECORDS_QUERY_WORK_MEM_MB = env_int("RECORDS_QUERY_WORK_MEM_MB", 64)

# The number of hash partitions of the records table on PostgreSQL, read once: when migration
# records.0009 partitions it (docs/deployment.md, "The partitioned record store").
RECORDS_PARTITIONS = env_int("RECORDS_PARTITIONS", 16)

# -- Security (docs/security.md) ---------------------------------------------------------------

# Proxies whose X-Forwarded-For is believed, as addresses or networks; empty, the connection's own
# address is the client's (stagecraft/libs/client_address.py).
STAGECRAFT_TRUSTED_PROXIES = env_networks("STAGECRAFT_TRUSTED_PROXIES")
# API calls refused for a bad bearer token: a warning is logged when one address reaches this many
# within the window, and again at every further multiple (stagecraft/libs/refusals.py).
STAGECRAFT_REFUSED_TOKEN_WARNING_COUNT = env_int("STAGECRAFT_REFUSED_TOKEN_WARNING_COUNT", 10)
STAGECRAFT_REFUSED_TOKEN_WINDOW_SECONDS = env_int("STAGECRAFT_REFUSED_TOKEN_WINDOW_SECONDS", 600)

# Login throttling (django-axes): this many failed logins for one user name from one address lock
# that pair out for the cooling-off period; a successful login resets the count.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "stagecraft.libs.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "stagecraft.lockout.lockout_response"
# Axes masks the user name and address in its log lines by default; they are what an admin needs
# to read there (the password is always masked). Not verbose: its lines then hold the user name and
# address only, not the User-Agent the client sent.
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_VERBOSE = False

# Content Security Policy (django-csp): scripts and styles only from our own static files, plus two
# inline styles of django-reversion-compare's templates allowed by their hash (and no other):
# style="visibility:hidden" on every history page, and the <style> of its raw-diff fallback page
# (stagecraft/tests/test_security_headers.py checks the hashes against the installed templates).
CSP_REVERSION_COMPARE_STYLE_ATTRIBUTE = "'sha256-I/4Jcdrg5KNFrU0X4p2nNmjeGh9aI+9ac0cUllI5SwY='"
CSP_REVERSION_COMPARE_RAW_DIFF_STYLE = "'sha256-69z6rLodeRbEFqaLdhN8Q+hZKPADYBy7vtqP27XTP1s='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, CSP_REVERSION_COMPARE_RAW_DIFF_STYLE],
        "style-src-attr": ["'unsafe-hashes'", CSP_REVERSION_COMPARE_STYLE_ATTRIBUTE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Django's defaults, spelt out: what every response says to browsers besides the policy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Each line once: "django" gets our handler in place of Django's default ones and does not also
# propagate to the root logger (which printed "Watching for file changes" and every 4xx twice).
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "stagecraft": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Every failed and successful admin login, and each lockout.
        "axes": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

"""Settings shared by every environment. Secrets and the database come from the environment."""

from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_list, env_str

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
    "stagecraft.apps.datasets",
    "stagecraft.apps.records",
    "stagecraft.apps.apiclients",
    # Before stockandflow: its templates (stockandflow/*.html) override the package's.
    "stagecraft.apps.metrics",
    "stockandflow",
    "stagecraft.apps.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
# (postgres://user@host:5432/name, served by psycopg 3).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
# The project's own browser assets (vendored libraries such as Chart.js, stagecraft/static/vendor/),
# served from our static files: never from a CDN.
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"stagecraft": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

"""Local development: SQLite by default, debug on, a fixed insecure key unless one is given."""

from .base import *  # noqa: F403
from .env import env_str

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "development-only-insecure-key-do-not-use-in-production")

# Unknown routes answer the API's JSON 404 even with DEBUG on (stagecraft/errors.py).
MIDDLEWARE = [*MIDDLEWARE, "stagecraft.errors.DebugJsonNotFoundMiddleware"]  # noqa: F405

# Alert e-mails are printed in the development server's log instead of being sent (docs/alerts.md).
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The development server logs every request with its status ("django.server"), so Django's own
# "Not Found: /x" warning would say each 4xx a second time: only 5xx (with the traceback) here.
LOGGING["loggers"]["django.request"] = {"handlers": ["console"], "level": "ERROR", "propagate": False}  # noqa: F405

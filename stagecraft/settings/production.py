"""Production: every secret must come from the environment; HTTPS assumed behind a proxy."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SECURE_CONTENT_TYPE_NOSNIFF = True

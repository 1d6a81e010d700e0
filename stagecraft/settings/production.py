"""Production: every secret comes from the environment; HTTPS only (docs/security.md).

`manage.py check --deploy --fail-level WARNING` passes with only SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL set (stagecraft/tests/test_deploy_checks.py runs it).
"""

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The health checks answer over plain HTTP too, so a load balancer can probe the app directly.
# They hold no secret (data set names and freshness) and set no cookie.
SECURE_REDIRECT_EXEMPT = [r"^_status$", r"^_status/data-sets$"]
# One year by default. Trying a new domain, start lower (SECURE_HSTS_SECONDS=300, then 86400): a
# browser that has seen the header refuses plain HTTP on the domain for that long.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

# Only behind a proxy that terminates TLS and sets X-Forwarded-Proto on every request (replacing
# any the client sent): otherwise a client could claim HTTPS by sending the header itself.
if env_bool("STAGECRAFT_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

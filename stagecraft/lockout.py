"""The page a locked-out login gets (django-axes calls `lockout_response`, settings.AXES_LOCKOUT_CALLABLE).

After settings.AXES_FAILURE_LIMIT failed logins for one user name from one address, that pair is
refused for settings.AXES_COOLOFF_TIME; docs/security.md says how an admin unlocks it sooner.
"""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    response = TemplateResponse(request, "admin/lockout.html", context, status=429)
    # Rendered now: axes may return it from a signal handler, outside Django's usual rendering.
    return response.render()

"""System checks for the settings of the OpenMetrics endpoint (run by manage.py check)."""

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.checks import CheckMessage, Error

MIN_TOKEN_LENGTH = 32


@checks.register()
def check_openmetrics_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    public = getattr(settings, "STOCKANDFLOW_OPENMETRICS_PUBLIC", False)
    if not isinstance(public, bool):
        messages.append(
            Error(
                f"STOCKANDFLOW_OPENMETRICS_PUBLIC must be True or False, not {public!r}.",
                hint="Set it to True only to let anyone read the OpenMetrics endpoint.",
                id="stockandflow.E001",
            )
        )
    token = getattr(settings, "STOCKANDFLOW_OPENMETRICS_TOKEN", "")
    if not isinstance(token, str):
        messages.append(
            Error(
                "STOCKANDFLOW_OPENMETRICS_TOKEN must be a string.",
                hint="Leave it empty to let only staff read the OpenMetrics endpoint.",
                id="stockandflow.E002",
            )
        )
    elif token and len(token) < MIN_TOKEN_LENGTH:
        messages.append(
            checks.Warning(
                f"STOCKANDFLOW_OPENMETRICS_TOKEN is {len(token)} characters long: it can be guessed.",
                hint=f"Use at least {MIN_TOKEN_LENGTH} random characters, e.g. from "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'.",
                id="stockandflow.W001",
            )
        )
    return messages

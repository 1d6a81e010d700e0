"""A pytest plugin (registered in the root conftest.py): no secret the tests make is ever logged.

While the suite runs it remembers every secret made, wherever it is made:
  - API client tokens (ApiClient.set_new_token: create_client, the admin, replace_token);
  - data-set bearer tokens (every DataSet saved: factories, the API, imports, set_token, demo data);
  - passwords (every password hashed by django.contrib.auth: create_user, create_superuser,
    set_password, the admin's password forms);
  - session keys (every session created: logins, force_login);
  - secret settings (SECRET_KEY, STAGECRAFT_COLLECTION_ENDPOINT_TOKEN), whenever a test sets them;
and every log record emitted, on any logger, at the levels the settings let through (the levels
production logs at). A test during which a record holding one of those secrets was logged fails at
teardown, naming the logger and the kind of secret; records logged between tests fail the next one.

A test's logs are searched for the secrets made during that test (its fixtures included) and those
made outside any test (module and session fixtures): test passwords such as "password" are ordinary
words, which another test may log without leaking anything. Secrets shorter than MIN_LENGTH are not
looked for at all.
"""

import logging
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

MIN_LENGTH = 6
SECRET_SETTINGS = ("SECRET_KEY", "STAGECRAFT_COLLECTION_ENDPOINT_TOKEN")


@dataclass
class Leak:
    logger: str
    level: str
    kind: str
    message: str

    def describe(self) -> str:
        return f"{self.level} on {self.logger!r} holds a secret ({self.kind}): {self.message[:300]!r}"


@dataclass
class SecretsAndLogs:
    """What the plugin has seen: the secrets made so far, the log lines since the last check."""

    secrets: dict[str, str] = field(default_factory=dict)  # secret -> its kind, made since the last test
    lasting: dict[str, str] = field(default_factory=dict)  # made outside any test
    records: list[tuple[str, str, str]] = field(default_factory=list)  # (logger, level, text)

    def remember(self, secret: object, kind: str) -> None:
        if isinstance(secret, str) and len(secret) >= MIN_LENGTH:
            self.secrets.setdefault(secret, kind)

    def leaks(self) -> list[Leak]:
        secrets = {**self.lasting, **self.secrets}
        return [
            Leak(logger, level, kind, text)
            for logger, level, text in self.records
            for secret, kind in secrets.items()
            if secret in text
        ]

    def clear(self) -> None:
        self.records.clear()

    def start_test(self) -> None:
        """Secrets made since the last test ended were made by fixtures wider than a test: they last."""
        self.lasting.update(self.secrets)
        self.secrets.clear()


_seen = SecretsAndLogs()


def _text(record: logging.LogRecord) -> str:
    """Everything a handler could write for the record: the message, the traceback, the stack."""
    try:
        parts = [record.getMessage()]
    except Exception:  # a malformed record: its raw parts are what a handler would show
        parts = [str(record.msg), repr(record.args)]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(record.exc_info[1])))
    parts += [record.exc_text or "", record.stack_info or ""]
    return "\n".join(part for part in parts if part)


def _install(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.conf import settings
    from django.contrib.auth import base_user
    from django.contrib.auth import models as auth_models
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.base import SessionBase
    from django.db.models.signals import post_save
    from django.test.signals import setting_changed

    from stagecraft.apps.apiclients.models import ApiClient
    from stagecraft.apps.datasets.models import DataSet

    call_handlers = logging.Logger.callHandlers

    def spy_on_records(self: logging.Logger, record: logging.LogRecord) -> None:
        _seen.records.append((record.name, record.levelname, _text(record)))
        call_handlers(self, record)

    monkeypatch.setattr(logging.Logger, "callHandlers", spy_on_records)

    set_new_token = ApiClient.set_new_token

    def remember_api_token(self: ApiClient, token: str | None = None) -> str:
        token = set_new_token(self, token)
        _seen.remember(token, "API client token")
        return token

    monkeypatch.setattr(ApiClient, "set_new_token", remember_api_token)

    def remember_password(password: str | None, salt: str | None = None, hasher: str = "default") -> str:
        _seen.remember(password, "password")
        return make_password(password, salt, hasher)

    # The two modules of django.contrib.auth that hash a new password (set_password, the managers).
    for module in (auth_models, base_user):
        monkeypatch.setattr(module, "make_password", remember_password)

    # Private API (not in the type stubs): every session backend makes its keys here, and nowhere
    # else can see them.
    new_session_key = getattr(SessionBase, "_get_new_session_key")  # noqa: B009

    def remember_session_key(self: SessionBase) -> str:
        key = new_session_key(self)
        _seen.remember(key, "session id")
        return key

    monkeypatch.setattr(SessionBase, "_get_new_session_key", remember_session_key)

    def remember_data_set_token(sender: type, instance: DataSet, **kwargs: object) -> None:
        _seen.remember(instance.bearer_token, "data-set bearer token")

    post_save.connect(remember_data_set_token, sender=DataSet, weak=False, dispatch_uid=__name__)

    for name in SECRET_SETTINGS:
        _seen.remember(getattr(settings, name, None), f"{name} setting")

    def remember_secret_setting(setting: str, value: object, **kwargs: object) -> None:
        if setting in SECRET_SETTINGS:
            _seen.remember(value, f"{setting} setting")

    setting_changed.connect(remember_secret_setting, weak=False, dispatch_uid=__name__)


@pytest.fixture(scope="session", autouse=True)
def _watch_secrets_and_logs() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _install(monkeypatch)
        yield


@pytest.fixture(autouse=True)
def _no_secret_in_this_tests_logs(_watch_secrets_and_logs: None) -> Iterator[SecretsAndLogs]:
    outside = _seen.leaks()
    _seen.clear()
    _seen.start_test()
    if outside:
        pytest.fail("Secrets were logged outside any test:\n  " + "\n  ".join(x.describe() for x in outside))
    yield _seen
    leaks = _seen.leaks()
    _seen.clear()
    _seen.secrets.clear()
    if leaks:
        pytest.fail(
            "A secret was written to the log during this test:\n  " + "\n  ".join(x.describe() for x in leaks)
        )


@pytest.fixture
def secrets_and_logs(_no_secret_in_this_tests_logs: SecretsAndLogs) -> SecretsAndLogs:
    """The plugin's view of this test: its log lines so far and every secret made (for its own tests)."""
    return _no_secret_in_this_tests_logs

"""Real servers for the alerts' tests: an SMTP server (aiosmtpd) and an HTTP server for webhooks, both
in-process on 127.0.0.1, and Django set to send e-mail to that SMTP server."""

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from stagecraft.apps.datasets.services import BackdropUser, DataGroup, DataSet, DataType
from stagecraft.apps.records.services import Record

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
BASE_URL = "https://stagecraft.example"


def make_data_set(
    group: str = "carers-allowance", type_: str = "monitoring", max_age: int | None = 3600
) -> DataSet:
    data_group, _ = DataGroup.objects.get_or_create(name=group)
    data_type, _ = DataType.objects.get_or_create(name=type_, defaults={"schema": {}})
    return DataSet.objects.create(data_group=data_group, data_type=data_type, max_age_expected=max_age)


def write_record(data_set: DataSet, at: datetime) -> None:
    record_id = f"r{Record.objects.filter(data_set=data_set).count()}"
    Record.objects.create(data_set=data_set, record_id=record_id, timestamp=at, updated_at=at, data={})


def assign(email: str, data_set: DataSet) -> None:
    BackdropUser.objects.get_or_create(email=email)[0].data_sets.add(data_set)


@dataclass
class SmtpServer:
    """An SMTP server on a fixed port that can be stopped (connections refused) and started again."""

    port: int
    received: list[EmailMessage] = field(default_factory=list)
    controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.received if message["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    server = SmtpServer(port=_free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.DEFAULT_FROM_EMAIL = "alerts@stagecraft.example"
    settings.STAGECRAFT_BASE_URL = BASE_URL
    yield server
    server.stop()


@dataclass
class Posted:
    path: str
    headers: dict[str, str]
    body: bytes


class _Receiver(BaseHTTPRequestHandler):
    server: "WebhookServer"

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(Posted(self.path, dict(self.headers), body))
        self.send_response(self.server.status)
        self.end_headers()
        self.wfile.write(b"thanks" if self.server.status < 300 else b"receiver is broken")

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output quiet


class WebhookServer(ThreadingHTTPServer):
    received: list[Posted]
    status: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/stagecraft"


@pytest.fixture
def webhook_server() -> Iterator[WebhookServer]:
    server = WebhookServer(("127.0.0.1", 0), _Receiver)
    server.received, server.status = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def clock(time_machine):
    """The clock pinned at NOW (ticking); move it with clock.move_to(...)."""
    time_machine.move_to(NOW)
    return time_machine


def later(**delta: float) -> datetime:
    return NOW + timedelta(**delta)

"""Local stand-ins for the alert channels: an SMTP server and a webhook receiver on 127.0.0.1.

Shared by the data-quality digest tests and the run-failure alert tests; the fixtures are
registered in tests/conftest.py.
"""

from __future__ import annotations

import email
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SmtpServer:
    """aiosmtpd on 127.0.0.1 that keeps every message (or refuses them all)."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    refuse: bool = False

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.refuse:
            return "554 5.7.1 Message refused by the test server"
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def authenticate(
        self, server: object, session: object, envelope: object, mechanism: str, auth_data: object
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    inbox = SmtpServer(port=free_port())
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=inbox.port,
        authenticator=inbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@dataclass
class WebhookReceiver:
    """An HTTP server on 127.0.0.1 (port 0) recording JSON posts; status per path."""

    base_url: str = ""
    posts: dict[str, list[dict]] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=lambda: {"/teams": 202, "/slack": 200})

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@pytest.fixture
def webhooks() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()

    class _Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            status = receiver.status.get(self.path, 404)
            if status < 300:
                receiver.posts.setdefault(self.path, []).append(body)
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"receiver says no")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    receiver.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()

"""A small SMS gateway on a local port, for the tests: it checks each request's signature
with the shared secret, keeps one message per client message id (as a real gateway does),
and answers what the test scripted: accept, a 5xx, a timeout, a refused template."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from centre import sms_gateway

SECRET = "test-gateway-secret-0123456789"
ACCOUNT = "anji-mdzx"
SIGN_NAME = "安吉县矛调中心"
GENERIC_TEMPLATE = "SMS_GENERIC_001"


@dataclass
class FakeGateway:
    url: str = ""
    # What the next requests get, in order: "ok", "5xx", "timeout", "reject"; then "ok".
    script: deque[str] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # client message id → (provider id, phone, template code, params): the phones' inboxes.
    delivered: dict[str, tuple[str, str, str, dict[str, Any]]] = field(default_factory=dict)
    hang_seconds: float = 2.0

    def answer(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any] | None]:
        data = json.loads(body)
        signed = sms_gateway.signature(
            SECRET.encode(),
            "POST",
            "/sms/send",
            headers.get(sms_gateway.TIMESTAMP_HEADER, ""),
            headers.get(sms_gateway.NONCE_HEADER, ""),
            body,
        )
        data["signature_ok"] = signed == headers.get(sms_gateway.SIGNATURE_HEADER)
        data["account_header"] = headers.get(sms_gateway.ACCOUNT_HEADER)
        self.requests.append(data)
        if not data["signature_ok"]:
            return 401, {"code": "SIGNATURE_MISMATCH", "message": "签名错误"}
        action = self.script.popleft() if self.script else "ok"
        if action == "5xx":
            return 503, None
        if action == "timeout":
            time.sleep(self.hang_seconds)
            return 503, None
        if action == "reject":
            return 400, {
                "code": "TEMPLATE_NOT_APPROVED",
                "message": f"模板未审核，号码{data['phone']}未发送",
            }
        key = data["client_msg_id"]
        if key not in self.delivered:
            self.delivered[key] = (
                f"GW{len(self.delivered) + 1:06d}",
                data["phone"],
                data["template_code"],
                data["template_params"],
            )
        return 200, {"code": "OK", "message_id": self.delivered[key][0]}


@pytest.fixture
def fake_gateway(settings):
    gateway = FakeGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, answer = gateway.answer(self.headers, body)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(answer or {}, ensure_ascii=False).encode())
            except OSError:
                pass  # the client gave up waiting (the timeout case)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "centre.notify.HttpSmsBackend",
    }
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_ACCOUNT = ACCOUNT
    settings.SMS_GATEWAY_SECRET = SECRET
    settings.SMS_GATEWAY_SIGN_NAME = SIGN_NAME
    settings.SMS_GATEWAY_TIMEOUT = 0.5
    settings.SMS_GENERIC_TEMPLATE = GENERIC_TEMPLATE
    settings.SMS_TEMPLATES = {"satisfaction_invite": "SMS_SATISFACTION_002"}
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()

"""A partner's webhook receiver for the tests: a local HTTP server in a thread that answers
from a script (500, 500, then 200 …), records every request and, like a real receiver,
keeps each event id it accepted once."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class Receiver:
    script: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    accepted: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            status = self.script.pop(0) if self.script else 200
            self.requests.append(Received(path, headers, body, status))
            if status == 200:
                self.accepted.setdefault(headers["X-Centre-Event-Id"], body)
            return status


def serve(script: list[int] | None = None):
    receiver = Receiver(script=list(script or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = receiver.answer(self.path, dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    return server, receiver

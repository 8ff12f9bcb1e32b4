"""A tiny threaded HTTP server on 127.0.0.1 that fakes one vendor API for tests.

Subclasses implement ``route``; the base class records every request and can inject
faults (a status, headers and body served instead of the real answer) for retry tests.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Fault:
    path_prefix: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"error":"fault"}'


Answer = tuple[int, dict[str, str], Any]


class QuietServer(ThreadingHTTPServer):
    """A client that timed out and hung up is part of the test, not an error to print."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class FakeAPI:
    """Base fake: subclasses define ``authorized`` and ``route``."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.slow: list[tuple[str, float]] = []
        self.extra_headers: list[tuple[str, dict[str, str]]] = []
        self.stalls: list[str] = []
        self.stalled = threading.Event()
        self._release = threading.Event()
        self._server = QuietServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeAPI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail_next(self, path_prefix: str, status: int, times: int = 1, **kwargs: Any) -> None:
        self.faults.extend(Fault(path_prefix, status, **kwargs) for _ in range(times))

    def slow_next(self, path_prefix: str, seconds: float) -> None:
        """Delay the next matching answer, to make the client time out."""
        self.slow.append((path_prefix, seconds))

    def headers_next(self, path_prefix: str, headers: dict[str, str], times: int = 1) -> None:
        """Add headers (rate-limit budgets) to the next matching answers."""
        self.extra_headers.extend((path_prefix, headers) for _ in range(times))

    def stall_next(self, path_prefix: str) -> None:
        """Hold the next matching answer until the fake stops; ``stalled`` is set meanwhile."""
        self.stalls.append(path_prefix)

    def calls(self, path_prefix: str) -> list[Request]:
        return [r for r in self.requests if r.path.startswith(path_prefix)]

    def authorized(self, headers: dict[str, str]) -> bool:
        raise NotImplementedError

    def route(self, request: Request) -> Answer:
        raise NotImplementedError

    def _answer(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        self.requests.append(request)
        for prefix in self.stalls:
            if request.path.startswith(prefix):
                self.stalls.remove(prefix)
                self.stalled.set()
                self._release.wait(timeout=60)
                break
        for delay in self.slow:
            if request.path.startswith(delay[0]):
                self.slow.remove(delay)
                time.sleep(delay[1])
                break
        for fault in self.faults:
            if request.path.startswith(fault.path_prefix):
                self.faults.remove(fault)
                return fault.status, fault.headers, fault.body
        if not self.authorized(request.headers):
            return 401, {}, b'{"error":"Couldn\'t authenticate you"}'
        status, headers, payload = self.route(request)
        for prefix, extra in self.extra_headers:
            if request.path.startswith(prefix):
                self.extra_headers.remove((prefix, extra))
                headers = {**headers, **extra}
                break
        return status, headers, json.dumps(payload).encode()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                request = Request(
                    self.command,
                    parts.path,
                    {k: v[-1] for k, v in parse_qs(parts.query).items()},
                    {k.lower(): v for k, v in self.headers.items()},
                    json.loads(raw) if raw else None,
                )
                status, headers, body = fake._answer(request)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _serve

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


def page_of(items: list, offset: int, size: int) -> tuple[list, int | None]:
    """One page of a list and the next offset (None on the last page)."""
    chunk = items[offset : offset + size]
    following = offset + size
    return chunk, (following if following < len(items) else None)

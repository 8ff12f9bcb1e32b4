"""A local HTTP server that serves a `SupportOrg` through the Zendesk, Intercom and
Typeform API shapes, under `/zendesk`, `/intercom` and `/typeform` of one base URL, and
Zendesk QA's export under `/zendesk/qa` (the QA API lives on the Zendesk address).

It checks credentials the way each vendor does (Zendesk basic auth with an API token,
Intercom and Typeform bearer tokens) so that a connector's auth handling is exercised too.
It binds 127.0.0.1 by default and logs nothing per request.
"""

import base64
import hmac
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import parse_qsl, urlsplit

from connectors.shifts import SHIFTS_DIR_ENV
from simulator import api
from simulator.org import SimConfig, SupportOrg
from simulator.shifts import write_shift_files


@dataclass(frozen=True)
class SimCredentials:
    """The credentials the simulated vendors accept (fixed demo values by default)."""

    zendesk_email: str = "agent@demo.csops.local"
    zendesk_token: str = "demo-zendesk-token"
    intercom_token: str = "demo-intercom-token"
    typeform_token: str = "demo-typeform-token"
    zendesk_qa_token: str = "demo-zendesk-qa-token"


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class SimulatorServer:
    """Serves one simulated organisation over HTTP from a daemon thread."""

    def __init__(
        self,
        org: SupportOrg,
        host: str = "127.0.0.1",
        port: int = 0,
        credentials: SimCredentials | None = None,
    ) -> None:
        self.org = org
        self.credentials = credentials or SimCredentials()
        self._httpd = ThreadingHTTPServer((host, port), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """Root url of the server, e.g. http://127.0.0.1:54321."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "SimulatorServer":
        """Start serving in a daemon thread; returns self for chaining."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, name="csops-simulator", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        """The environment variables a connector needs to talk to this server."""
        return {
            "ZENDESK_BASE_URL": f"{self.base_url}/zendesk",
            "ZENDESK_EMAIL": self.credentials.zendesk_email,
            "ZENDESK_API_TOKEN": self.credentials.zendesk_token,
            "INTERCOM_BASE_URL": f"{self.base_url}/intercom",
            "INTERCOM_ACCESS_TOKEN": self.credentials.intercom_token,
            "TYPEFORM_BASE_URL": f"{self.base_url}/typeform",
            "TYPEFORM_TOKEN": self.credentials.typeform_token,
            "TYPEFORM_FORM_IDS": ",".join(self.org.typeform_form_ids()),
            # No ZENDESK_QA_BASE_URL: Zendesk QA answers on the Zendesk address, as it does.
            "ZENDESK_QA_TOKEN": self.credentials.zendesk_qa_token,
        }

    # -- request handling ------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> api.Response:
        """Authenticate and route one request; returns (status, JSON body)."""
        parts = urlsplit(target)
        vendor, _, rest = parts.path.lstrip("/").partition("/")
        vendors: dict[str, tuple[Callable, Callable[[], api.Response] | None]] = {
            "zendesk": (api.zendesk, self._zendesk_auth(headers)),
            "intercom": (api.intercom, self._bearer(headers, self.credentials.intercom_token,
                                                   self._intercom_denied)),
            "typeform": (api.typeform, self._bearer(headers, self.credentials.typeform_token,
                                                   self._typeform_denied)),
        }  # fmt: skip
        if vendor == "zendesk" and rest.startswith("qa/"):
            # Zendesk QA lives under /qa of the Zendesk address, with its own bearer token.
            vendors["zendesk"] = (
                api.zendesk_qa,
                self._bearer(headers, self.credentials.zendesk_qa_token, self._qa_denied),
            )
        if vendor not in vendors:
            return 404, {"error": "not_found", "description": f"No simulated API at {parts.path}"}
        route, denied = vendors[vendor]
        if denied is not None:
            return denied()
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            return 400, {"error": "invalid_json", "description": "request body is not JSON"}
        request = api.Request(
            method=method,
            path="/" + rest,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            body=payload,
            base_url=f"{self.base_url}/{vendor}",
        )
        try:
            return route(self.org, request)
        except api.BadRequest as error:
            if vendor == "intercom":
                return api.intercom_error(400, "parameter_invalid", str(error))
            if vendor == "typeform":
                return api.typeform_error(400, "VALIDATION_ERROR", str(error))
            if rest.startswith("qa/"):
                return api.zendesk_qa_error(400, str(error))
            return 400, {"error": "InvalidValue", "description": str(error)}

    def _zendesk_auth(self, headers: dict[str, str]) -> Callable[[], api.Response] | None:
        expected = f"{self.credentials.zendesk_email}/token:{self.credentials.zendesk_token}"
        header = headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        try:
            given = base64.b64decode(encoded).decode() if scheme.lower() == "basic" else ""
        except ValueError:
            given = ""
        if given and _same(given, expected):
            return None
        return lambda: (401, {"error": "Couldn't authenticate you"})

    @staticmethod
    def _bearer(
        headers: dict[str, str], token: str, denied: Callable[[], api.Response]
    ) -> Callable[[], api.Response] | None:
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and given and _same(given, token):
            return None
        return denied

    @staticmethod
    def _intercom_denied() -> api.Response:
        return api.intercom_error(401, "unauthorized", "Access Token Invalid")

    @staticmethod
    def _qa_denied() -> api.Response:
        return api.zendesk_qa_error(401, "unauthenticated")

    @staticmethod
    def _typeform_denied() -> api.Response:
        return api.typeform_error(
            401, "AUTHENTICATION_FAILED", "Authentication credentials not found on the Request"
        )


def _make_handler(server: SimulatorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the client's delayed ACK holds
        # the body back ~40 ms per request, which made a 90-day demo spend minutes waiting.
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, payload = server.handle(self.command, self.path, headers, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format: str, *args: object) -> None:
            """Silence the per-request access log."""

    return Handler


# The days of rosters `serve_forever` writes: as many as `csops demo` lands.
ROSTER_DAYS = 90


def serve_forever(
    config: SimConfig, host: str = "127.0.0.1", port: int = 8080, shifts_dir: Path | None = None
) -> None:
    """Serve a simulated org until Ctrl-C, printing the base URL and the env lines. With
    `shifts_dir`, the org's workforce tool first writes its weekly rosters of the last
    ROSTER_DAYS days there (the shifts source reads a folder, not an API)."""
    server = SimulatorServer(SupportOrg(config), host=host, port=port)
    env = server.env()
    if shifts_dir is not None:
        last = server.org.now.date() - timedelta(days=1)
        files = write_shift_files(
            server.org, shifts_dir, last - timedelta(days=ROSTER_DAYS - 1), last
        )
        print(f"wrote {len(files)} weekly roster file(s) into {shifts_dir}")
        env[SHIFTS_DIR_ENV] = str(shifts_dir.resolve())
    print(f"csops simulator serving at {server.base_url} (as of {server.org.now.isoformat()})")
    for name, value in env.items():
        print(f"{name}={value}", flush=True)
    server.start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping simulator")
    finally:
        server.stop()

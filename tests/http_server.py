"""A tiny scriptable HTTP server on 127.0.0.1 for fetcher tests (never the internet).

Usage::

    with ScriptedServer() as server:
        server.script("/page", Reply(500), Reply(200, b"ok"))
        fetcher.fetch("test", server.url("/page"))
        assert len(server.requests_to("/page")) == 2

Each path has a queue of replies, served in order; the last one repeats for ever. A path
with no script gets 404. Replies can also stall (``delay_s``), drop the connection without
answering (``Action.RESET``) or declare a longer body than they send (``Action.TRUNCATE``).
"""

from __future__ import annotations

import socket
import struct
import threading
from dataclasses import dataclass, field
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


class Action(Enum):
    """How a reply is delivered."""

    NORMAL = "normal"
    RESET = "reset"  # close the socket (RST) without sending anything
    TRUNCATE = "truncate"  # Content-Length says more than the body holds, then close


@dataclass(frozen=True)
class Reply:
    """One scripted response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    action: Action = Action.NORMAL
    declared_length: int | None = None  # for TRUNCATE; defaults to twice the body


@dataclass(frozen=True)
class ReceivedRequest:
    """What the server saw."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""  # what a POST sent (webhook tests)


class ScriptedServer:
    """ThreadingHTTPServer on 127.0.0.1 and a free port, run in a background thread."""

    def __init__(self) -> None:
        self._scripts: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[ReceivedRequest] = []
        self._httpd = _Server(("127.0.0.1", 0), _make_handler(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def script(self, path: str, *replies: Reply) -> None:
        """Serve ``replies`` in order for ``path``; the last repeats."""
        if not replies:
            raise ValueError("script at least one reply")
        with self._lock:
            self._scripts[path] = list(replies)

    def requests_to(self, path: str) -> list[ReceivedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers stalled in delay_s
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _next_reply(self, request: ReceivedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            queue = self._scripts.get(request.path)
            if not queue:
                return Reply(404, b"not scripted")
            return queue.pop(0) if len(queue) > 1 else queue[0]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up early (timeouts, aborted bodies) are expected here."""


def _make_handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer("GET", b"")

        def do_POST(self) -> None:
            self._answer("POST", self.rfile.read(int(self.headers.get("Content-Length", 0))))

        def _answer(self, method: str, body: bytes) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = server._next_reply(ReceivedRequest(method, self.path, headers, body))
            if reply.delay_s and server._stopping.wait(reply.delay_s):
                return
            if reply.action is Action.RESET:
                self._reset()
                return
            self.send_response(reply.status)
            length = len(reply.body)
            if reply.action is Action.TRUNCATE:
                length = reply.declared_length or 2 * len(reply.body) + 1
            self.send_header("Content-Length", str(length))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
            self.close_connection = True

        def _reset(self) -> None:
            # SO_LINGER 0: closing sends RST instead of a graceful FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    return Handler

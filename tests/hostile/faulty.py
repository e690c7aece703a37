"""A deliberately faulty HTTP endpoint on 127.0.0.1, written at the socket level so it can misbehave in ways a
well-behaved framework would not let it: hang, reset the connection, stream forever, lie about its content.

Each fault lives on its own path (`/faults/<name>`), so one small spec with one GET per fault tests them all.
"""

from __future__ import annotations

import json
import socket
import socketserver
import struct
import threading
import time
from collections import Counter
from typing import Any

OK_BODY = json.dumps({"id": "thing-1", "object": "thing", "size": 3}).encode()

FAULTS = ("ok", "timeout", "reset", "close-early", "server-error", "gateway-error", "malformed-json", "wrong-content-type",
          "endless-stream", "trickle", "throttle-storm", "huge-body", "wrong-schema", "terminal-escapes")


def faulty_spec() -> dict[str, Any]:
    """One read-only operation per fault, each promising a small JSON object."""
    thing = {"type": "object", "required": ["id", "object"], "additionalProperties": False,
             "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["thing"]},
                            "size": {"type": "integer", "minimum": 0}}}
    error = {"type": "object", "properties": {"error": {"type": "object"}}}
    paths = {f"/faults/{name}": {"get": {
        "operationId": f"get_{name.replace('-', '_')}",
        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 5}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                      "default": {"description": "error", "content": {"application/json": {"schema": error}}}}}}
        for name in FAULTS}
    return {"openapi": "3.0.3", "info": {"title": "faulty", "version": "1"}, "paths": paths,
            "components": {"schemas": {"Thing": thing}}}


class FaultyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, hang_seconds: float = 8.0, trickle_seconds: float = 5.0) -> None:
        self.hits: Counter[str] = Counter()
        self.hang_seconds = hang_seconds
        self.trickle_seconds = trickle_seconds
        self.stop = threading.Event()
        self.seen_headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def close(self) -> None:
        self.stop.set()
        self.shutdown()
        self.server_close()


def _valid_limit(target: str) -> bool:
    from urllib.parse import parse_qs, urlsplit

    values = parse_qs(urlsplit(target).query, keep_blank_values=True).get("limit")
    if values is None:
        return True
    return len(values) == 1 and values[0].isdigit() and 1 <= int(values[0]) <= 5


class _Handler(socketserver.BaseRequestHandler):
    server: FaultyServer

    def _read_request(self) -> tuple[str, dict[str, str]] | None:
        self.request.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length") or 0)
        while len(rest) < length:
            chunk = self.request.recv(65536)
            if not chunk:
                break
            rest += chunk
        parts = lines[0].split(" ")
        return (parts[1] if len(parts) > 1 else "/"), headers

    def _send(self, status: str, headers: dict[str, str], body: bytes) -> None:
        head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in
                                                  {**headers, "Content-Length": str(len(body)), "Connection": "close"}.items())
        self.request.sendall(head.encode() + b"\r\n" + body)

    def handle(self) -> None:
        try:
            parsed = self._read_request()
        except OSError:
            return
        if parsed is None:
            return
        target, headers = parsed
        fault = next((name for name in FAULTS if f"/faults/{name}" in target.split("?")[0]), "unknown")
        with self.server._lock:
            self.server.hits[fault] += 1
            self.server.seen_headers.append(headers)
        try:
            if not _valid_limit(target):  # the one parameter every fault path declares: checked as the spec says
                self._send("400 Bad Request", {"Content-Type": "application/json"},
                           b'{"error": {"code": "BadRequest", "message": "limit must be an integer from 1 to 5"}}')
                return
            getattr(self, "fault_" + fault.replace("-", "_"), self.fault_unknown)()
        except OSError:
            pass

    # -- the faults
    def fault_ok(self) -> None:
        self._send("200 OK", {"Content-Type": "application/json"}, OK_BODY)

    def fault_unknown(self) -> None:
        self._send("404 Not Found", {"Content-Type": "application/json"}, b'{"error": {"code": "404"}}')

    def fault_timeout(self) -> None:
        self.server.stop.wait(self.server.hang_seconds)  # say nothing at all

    def fault_reset(self) -> None:
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.request.close()  # RST instead of FIN

    def fault_close_early(self) -> None:
        self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"id\": \"x")

    def fault_server_error(self) -> None:
        self._send("503 Service Unavailable", {"Content-Type": "application/json"},
                   b'{"error": {"code": "ServiceUnavailable", "message": "The service is temporarily unable to process your request."}}')

    def fault_gateway_error(self) -> None:
        self._send("502 Bad Gateway", {"Content-Type": "application/json", "apim-request-id": "1234"},
                   b'{"statusCode": 502, "message": "Backend service unreachable"}')

    def fault_malformed_json(self) -> None:
        self._send("200 OK", {"Content-Type": "application/json"}, b'{"id": "thing-1", "object": ')

    def fault_wrong_content_type(self) -> None:
        self._send("200 OK", {"Content-Type": "text/html"}, b"<html><body>Hello</body></html>")

    def fault_wrong_schema(self) -> None:
        self._send("200 OK", {"Content-Type": "application/json"}, b'{"id": 7, "object": "not-a-thing", "extra": true}')

    def fault_terminal_escapes(self) -> None:
        """Terminal control sequences in a 500 body and a header: they reach failure messages and excerpts."""
        self._send("500 Internal Server Error", {"Content-Type": "text/plain", "X-Note": "a\x1b[2Jb"},
                   b"boom \x1b]0;pwned\x07\x1b[2J\x1b[1A\x9b31m <script>alert(1)</script>")

    def fault_huge_body(self) -> None:
        body = b'{"id": "x", "object": "thing", "pad": "' + b"a" * (8 * 1024 * 1024) + b'"}'
        self._send("200 OK", {"Content-Type": "application/json"}, body)

    def fault_endless_stream(self) -> None:
        """Chunked JSON that never ends, as fast as the client reads it (until the test server stops)."""
        self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b'{"id": "x", "object": "thing"},' * 512
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        deadline = time.monotonic() + 30
        while not self.server.stop.is_set() and time.monotonic() < deadline:
            self.request.sendall(frame)

    def fault_trickle(self) -> None:
        """A byte every 0.2 s for `trickle_seconds`: each read beats a read timeout, so only a total deadline stops it."""
        self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        deadline = time.monotonic() + self.server.trickle_seconds
        while not self.server.stop.is_set() and time.monotonic() < deadline:
            self.request.sendall(b"1\r\n \r\n")
            time.sleep(0.2)

    def fault_throttle_storm(self) -> None:
        self._send("429 Too Many Requests", {"Content-Type": "application/json", "Retry-After": "1", "retry-after-ms": "200"},
                   b'{"error": {"code": "429", "message": "Requests to the ChatCompletions_Create Operation have exceeded the rate limit."}}')

"""The wire gate on bodies that never end: a JSON stream is cut at the size cap, and an event stream is left to
Schemathesis' own bounded reader even while the cassette records (recording must not read it whole)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from toolkit.contract import ContractConfig, run_contract
from toolkit.model import Spec


class _EndlessEvents(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802  (http.server's naming)
        self.server.hits += 1  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        event = b'data: {"id": "x"}\n\n'
        deadline = time.monotonic() + 20
        try:
            while time.monotonic() < deadline:
                self.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
                time.sleep(0.01)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


def _spec() -> dict:
    event = {"type": "object", "properties": {"id": {"type": "string"}}}
    return {"openapi": "3.0.3", "info": {"title": "sse", "version": "1"}, "paths": {"/events": {"get": {
        "responses": {"200": {"description": "events", "content": {"text/event-stream": {"schema": event}}}}}}}}


def test_a_recorded_endless_event_stream_is_bounded(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EndlessEvents)
    server.hits = 0  # type: ignore[attr-defined]
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = ContractConfig(spec=Spec(document=_spec()), url=f"http://127.0.0.1:{server.server_address[1]}/openai/v1",
                                max_requests=3, phases=("examples", "fuzzing"), max_examples=1, request_timeout=1.0,
                                cassette=tmp_path / "cassette.json")
        started = time.monotonic()
        report = run_contract(config)
        seconds = time.monotonic() - started
    finally:
        server.shutdown()
        server.server_close()
    assert server.hits >= 1 and report.requests_sent <= 3  # type: ignore[attr-defined]
    assert seconds < server.hits * 2 + 5, f"{server.hits} streams took {seconds:.1f}s"  # type: ignore[attr-defined]
    assert (tmp_path / "cassette.json").exists()

"""The wire gate: every HTTP request a run sends to its target passes here, whatever phase or check sent it.

Why at the `requests.Session.send` level: Schemathesis sends from several places (test cases, probes, the
`ignored_auth` check's credential-less replays, auth retries), and some build their own session. Only the HTTP
layer sees them all, so the hard budget, the rate limit, read-only safety, 429 handling and the cassette live
here. The gate only touches requests whose URL starts with the target's origin; everything else (for instance an
Entra token request) passes untouched. Schemathesis itself is not modified.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urlsplit

import requests

from .ledger import Ledger

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_LIMIT = 4096  # recorded response bodies
REQUEST_BODY_LIMIT = 1024 * 1024  # recorded request bodies: whole, so that --replay sends them as they were
# Bodies are read in pieces under these caps: an endless stream would otherwise fill memory, and a body trickling a
# byte at a time beats every per-read timeout. 32 MiB is far above any Azure OpenAI JSON answer.
MAX_BODY_BYTES = 32 * 1024 * 1024
_READ_SIZE = 64 * 1024
# An operation whose last requests all went unanswered (timeouts, resets) is not sent more: a hanging endpoint
# must not take the whole budget times the request timeout. The run reports it as errored.
SILENT_AFTER = 3


class NotSent(requests.exceptions.RequestException):
    """A request the gate refused to send (the run reports it; it never reached the target)."""


class BudgetExhausted(NotSent):
    pass


class WriteRefused(NotSent):
    pass


class QuotaReached(NotSent):
    """A phase used its share of the budget; the budget itself may still have room for the next phase."""


def not_sent(error: BaseException | None) -> bool:
    """Whether an exception (or one it was raised from) is the gate refusing to send."""
    while error is not None:
        if isinstance(error, NotSent) or "not sent: " in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


class ResponseCut(requests.exceptions.RequestException):
    """The target's answer broke a cap (too large, or still arriving at the deadline); reported as an error."""


@dataclass
class Exchange:
    """One request/response pair for the cassette (headers and bodies are redacted when written)."""

    method: str
    url: str
    status: int | None
    request_headers: dict[str, str]
    request_body: str | None
    response_headers: dict[str, str]
    response_body: str | None
    elapsed: float
    started: float = 0.0  # epoch seconds
    id: str = ""  # `fingerprint` of the request: how failures point at their exchange
    phase: str = ""
    operation: str | None = None


def fingerprint(method: str | None, url: str | None, body: Any, headers: Any = None) -> str:
    """A short id of one request (method, URL, headers, body): the same for the gate and for the engine's record
    of it (both see the same prepared request). Headers count: a key probe is the same URL without the key."""
    if isinstance(body, str):
        body = body.encode("utf-8", "replace")
    lines = sorted(f"{k.lower()}:{v}" for k, v in dict(headers or {}).items())
    digest = hashlib.sha256(f"{(method or 'GET').upper()} {url or ''}\n{chr(10).join(lines)}".encode() + b"\0" + (body or b""))
    return digest.hexdigest()[:16]


def parse_rate(text: str | None) -> float | None:
    """`10/s`, `600/m`, `3600/h` or a bare number (per second) -> requests per second."""
    if not text:
        return None
    amount, _, unit = text.partition("/")
    per = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0}.get(unit.strip().lower())
    try:
        value = float(amount)
    except ValueError:
        value = -1
    if per is None or value <= 0:
        from ..errors import ContractConfigError

        raise ContractConfigError(f"--rate-limit {text!r}: expected N/s, N/m, N/h or a number of requests per second")
    return value / per


def retry_after_seconds(headers: Any) -> float | None:
    """Azure sends `retry-after-ms` and/or `Retry-After` (seconds or an HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis:
        with contextlib.suppress(ValueError):
            return float(millis) / 1000
    value = headers.get("retry-after")
    if not value:
        return None
    with contextlib.suppress(ValueError):
        return float(value)
    parsed = email.utils.parsedate_to_datetime(value) if value else None
    return max(0.0, parsed.timestamp() - time.time()) if parsed else None


@dataclass
class WireGate:
    origin: str
    max_requests: int | None = None
    rate: float | None = None  # requests per second
    allow_writes: bool = False
    retry_after_max: float = 30.0  # never wait longer than this for one 429
    retries_on_429: int = 2
    record: bool = False
    scrub: Callable[[str], str] = str  # the run's redactor: recorded bodies are scrubbed whole, then cut
    max_body_bytes: int = MAX_BODY_BYTES
    deadline: float | None = None  # seconds for one whole exchange; None: the request's own timeout
    on_exhausted: Callable[[], None] | None = None
    ledger: Ledger | None = None  # requests and statuses per phase and operation
    secrets: Callable[[], Iterable[str]] = tuple  # the run's credentials: a request carrying none is an auth probe
    context: tuple[str, str | None] = ("probing", None)  # (phase, operation) the next requests belong to
    quota: int | None = None  # a stage's own cap on top of the budget (sent requests); None: the budget only
    sent: int = 0
    refused: int = 0
    refused_writes: int = 0
    reserved: int = 0  # slots kept for deleting what the run created
    throttled: int = 0
    waited: float = 0.0
    exhausted: bool = False
    cleanup_mode: bool = False
    exchanges: list[Exchange] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    faults: list[tuple[str, str, str]] = field(default_factory=list)  # (method, URL path, error) of failed exchanges
    distinct: int = 0  # requests that differ from every earlier one (method, URL, body): new ground covered
    silent: dict[str | None, int] = field(default_factory=dict)  # operation -> requests in a row without an answer
    _seen: set[int] = field(default_factory=set, repr=False)
    _next_slot: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def covers(self, url: str) -> bool:
        return url.startswith(self.origin)

    # -- budget
    def _admit(self, method: str) -> None:
        with self._lock:
            if not self.allow_writes and method not in SAFE_METHODS and not self.cleanup_mode:
                self.refused_writes += 1
                raise WriteRefused(f"not sent: {method} is a write and --allow-writes was not given")
            if self.quota is not None and self.sent >= self.quota and not self.cleanup_mode:
                self.refused += 1
                raise QuotaReached(f"not sent: this phase's share of the budget ({self.quota} requests) is used up")
            if self.max_requests is not None:
                # A write may create something; keep one slot to delete it, so cleanup never breaks the budget.
                need = 1 if (method in SAFE_METHODS or self.cleanup_mode) else 2
                held = 0 if self.cleanup_mode else self.reserved
                if self.sent + held + need > self.max_requests:
                    self.refused += 1
                    first = not self.exhausted
                    self.exhausted = True
                    if first and self.on_exhausted:
                        self.on_exhausted()
                    raise BudgetExhausted(f"not sent: the budget of {self.max_requests} requests is used up")
            self.sent += 1
            wait = 0.0
            if self.rate:
                now = time.monotonic()
                slot = max(now, self._next_slot)
                self._next_slot = slot + 1.0 / self.rate
                wait = slot - now
        if wait > 0:
            time.sleep(wait)

    def remaining(self) -> int | None:
        """Requests still allowed by the budget (the cleanup slots kept aside)."""
        if self.max_requests is None:
            return None
        with self._lock:
            return max(0, self.max_requests - self.sent - self.reserved)

    def _account(self, request: requests.PreparedRequest) -> None:
        phase, operation = self.context
        headers = " ".join(str(v) for v in request.headers.values())
        known = [s for s in self.secrets() if s]
        key = hash((request.method, request.url, request.body))
        with self._lock:
            if key not in self._seen:
                self._seen.add(key)
                self.distinct += 1
        if self.ledger is not None:
            self.ledger.request(phase, operation, auth_probe=bool(known) and not any(s in headers for s in known))

    def reserve_cleanup(self) -> None:
        with self._lock:
            self.reserved += 1

    def release_cleanup(self) -> None:
        with self._lock:
            self.reserved = max(0, self.reserved - 1)

    # -- sending
    def send(self, original: Callable[..., requests.Response], session: requests.Session,
             request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        attempts = 0
        operation = self.context[1]
        while True:
            if self.silent.get(operation, 0) >= SILENT_AFTER:
                with self._lock:
                    self.refused += 1
                raise NotSent(f"not sent: the last {SILENT_AFTER} requests to {operation or 'the target'} got no answer")
            self._admit((request.method or "GET").upper())
            self._account(request)
            started = time.monotonic()
            try:
                response = self._receive(original, session, request, kwargs, started)
            except requests.exceptions.RequestException as exc:
                with self._lock:  # kept here too: events of a run stopped by the budget may never be delivered
                    self.faults.append((request.method or "GET", urlsplit(request.url or "").path, str(exc)))
                    self.silent[operation] = self.silent.get(operation, 0) + 1
                raise
            self.silent.pop(operation, None)
            self._note(request, response, time.monotonic() - started)
            if response.status_code != 429 or attempts >= self.retries_on_429:
                return response
            delay = retry_after_seconds(response.headers)
            if delay is None or delay > self.retry_after_max:
                return response
            attempts += 1
            with self._lock:
                self.throttled += 1
                self.waited += delay
            time.sleep(delay)

    def _receive(self, original: Callable[..., requests.Response], session: requests.Session,
                 request: requests.PreparedRequest, kwargs: dict[str, Any], started: float) -> requests.Response:
        """Send, then read the body piece by piece under the size cap and the total deadline. The Response is
        handed back with its content already read (what Schemathesis does next anyway; `iter_content` still
        works on it). An event stream asked for as a stream is left to the caller: Schemathesis reads those under
        its own total timeout."""
        response = original(session, request, **{**kwargs, "stream": True})
        if kwargs.get("stream") and "text/event-stream" in response.headers.get("Content-Type", "").lower():
            return response
        limit = self.deadline if self.deadline is not None else _total_timeout(kwargs.get("timeout"))
        body = bytearray()
        try:
            for piece in _pieces(response):
                body += piece
                if len(body) > self.max_body_bytes:
                    raise ResponseCut(f"response body cut off at {self.max_body_bytes // (1024 * 1024)} MiB "
                                      "(the endpoint kept sending)", request=request, response=response)
                if limit is not None and time.monotonic() - started > limit:
                    raise ResponseCut(f"response cut off after {limit:g} s (body still arriving, "
                                      f"{len(body)} bytes so far)", request=request, response=response)
        except ResponseCut:
            response.close()
            with self._lock:
                self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
            if self.ledger is not None:
                self.ledger.status(self.context[1], response.status_code)
            raise
        response._content = bytes(body)  # what `Response.content` returns; requests' own non-stream path
        response._content_consumed = True
        response.close()  # every byte is read: the connection goes back to the pool
        return response

    def _note(self, request: requests.PreparedRequest, response: requests.Response, elapsed: float) -> None:
        with self._lock:
            self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if self.ledger is not None:
            self.ledger.status(self.context[1], response.status_code)
        if not self.record:
            return
        body = request.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        if isinstance(body, str):  # scrubbed whole, then cut: a cut secret would no longer be recognised
            body = self.scrub(body)[:REQUEST_BODY_LIMIT]
        text = None
        # An event stream is still unread here (its reader bounds it); reading it whole could never end.
        if response._content_consumed:  # type: ignore[attr-defined]
            text = self.scrub(response.content.decode("utf-8", "replace"))[:BODY_LIMIT]
        exchange = Exchange(request.method or "GET", request.url or "", response.status_code, dict(request.headers),
                            body if isinstance(body, str) else None, dict(response.headers), text, round(elapsed, 4),
                            time.time() - elapsed, fingerprint(request.method, request.url, request.body, request.headers),
                            *self.context)
        with self._lock:
            self.exchanges.append(exchange)


def _total_timeout(timeout: Any) -> float | None:
    """requests' timeout (a number, or a (connect, read) pair) as one deadline for the whole exchange."""
    if isinstance(timeout, (tuple, list)):
        parts = [t for t in timeout if t is not None]
        return float(sum(parts)) if parts else None
    return float(timeout) if timeout is not None else None


def _pieces(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives: `read1` returns what one socket read brings (a trickle yields each byte), where
    `read(n)` would wait for n bytes. Content-Encoding is decoded, as `Response.content` does."""
    raw = response.raw
    if raw is None:
        return
    reader = getattr(raw, "read1", None)
    if reader is None or raw.chunked:  # chunked bodies: urllib3 yields each chunk as it arrives
        yield from response.iter_content(_READ_SIZE)
        return
    from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError

    try:  # the errors requests' own `iter_content` turns urllib3's into
        while piece := reader(_READ_SIZE, decode_content=True):
            yield piece
    except ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from exc
    except DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from exc
    except ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc) from exc


_ACTIVE: list[WireGate] = []
_ORIGINAL_SEND = requests.Session.send
_INSTALL_LOCK = threading.Lock()


_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _gated_send(session: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
    url = request.url or ""
    if urlsplit(url).hostname in _LOOPBACK_HOSTS:
        # A proxy cannot reach this machine's loopback: HTTP(S)_PROXY (set for the real endpoints) never applies
        # to the built-in mock or any other local target, whatever NO_PROXY says.
        kwargs["proxies"] = {}
    for gate in list(_ACTIVE):
        if gate.covers(url):
            return gate.send(_ORIGINAL_SEND, session, request, **kwargs)
    return _ORIGINAL_SEND(session, request, **kwargs)


@contextlib.contextmanager
def installed(gate: WireGate) -> Iterator[WireGate]:
    """Route the target's traffic through `gate` for the duration of a run."""
    with _INSTALL_LOCK:
        _ACTIVE.append(gate)
        requests.Session.send = _gated_send  # type: ignore[method-assign]
    try:
        yield gate
    finally:
        with _INSTALL_LOCK:
            _ACTIVE.remove(gate)
            if not _ACTIVE:
                requests.Session.send = _ORIGINAL_SEND  # type: ignore[method-assign]

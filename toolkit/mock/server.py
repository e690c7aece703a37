"""Run the mock with uvicorn: in the foreground for `aoai-spec mock`, or on a background thread for tests and runs."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any, Callable, Iterator

import uvicorn

from ..errors import MockServerError

LOCALHOST = "127.0.0.1"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; port 0 lets the system choose a free one (read it from the socket), with
    no window between choosing a port and taking it. Clients that connect before the server runs wait in the
    backlog instead of being refused."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise MockServerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def root_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}"


def _config(app: Any, log_level: str) -> uvicorn.Config:
    """uvicorn with its fastest installed loop and parser (uvloop, httptools) and no access log."""
    return uvicorn.Config(app, log_level=log_level, lifespan="off", access_log=False, loop="auto", http="auto")


@contextlib.contextmanager
def serve_in_background(app_or_none: Any = None, *, host: str = LOCALHOST, port: int = 0,
                        startup_timeout: float = 30.0, **create_kwargs: Any) -> Iterator[str]:
    """Serve an app (or `create_app(**create_kwargs)`) on a free port; yields the root URL `http://HOST:PORT`.

    Binding the socket here (port 0) instead of asking uvicorn avoids the race of picking a port then binding it.
    """
    if app_or_none is None:
        from .app import create_app

        app_or_none = create_app(**create_kwargs)
    sock = bind(host, port)
    # "error": clients that send malformed HTTP on purpose (fuzzers) would otherwise fill the log with warnings.
    server = uvicorn.Server(_config(app_or_none, "error"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="aoai-spec-mock")
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the mock server did not start")
        time.sleep(0.01)
    try:
        yield root_url(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def serve_forever(app: Any, *, sock: socket.socket, on_listening: Callable[[str], None] | None = None) -> None:
    """Serve on a bound socket (`bind`) in the foreground until interrupted. `on_listening` gets the root URL
    first (with port 0, the port the system chose)."""
    if on_listening is not None:
        on_listening(root_url(sock))
    uvicorn.Server(_config(app, "warning")).run(sockets=[sock])

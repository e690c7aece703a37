"""Run the mock with uvicorn: in the foreground for `aoai-spec mock`, or on a background thread for tests and runs."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any, Iterator

import uvicorn

LOCALHOST = "127.0.0.1"


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


@contextlib.contextmanager
def serve_in_background(app_or_none: Any = None, *, host: str = LOCALHOST, port: int = 0,
                        startup_timeout: float = 30.0, **create_kwargs: Any) -> Iterator[str]:
    """Serve an app (or `create_app(**create_kwargs)`) on a free port; yields the root URL `http://HOST:PORT`.

    Binding the socket here (port 0) instead of asking uvicorn avoids the race of picking a port then binding it.
    """
    if app_or_none is None:
        from .app import create_app

        app_or_none = create_app(**create_kwargs)
    sock = _bind(host, port)
    # "error": clients that send malformed HTTP on purpose (fuzzers) would otherwise fill the log with warnings.
    config = uvicorn.Config(app_or_none, log_level="error", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="aoai-spec-mock")
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the mock server did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def serve_forever(app: Any, *, host: str = LOCALHOST, port: int = 8000) -> None:
    uvicorn.run(app, host=host, port=port, log_level="warning", lifespan="off", access_log=False)

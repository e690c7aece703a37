"""The optional cassette: every exchange with the target, as JSON, redacted through the run's `Redactor`."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from .budget import Exchange
from .publish import publish
from .redact import Redactor


def write_cassette(path: Path, exchanges: list[Exchange], redactor: Redactor) -> None:
    rows = []
    for exchange in exchanges:
        row = asdict(exchange)
        row["request_headers"] = redactor.headers(exchange.request_headers)
        row["response_headers"] = redactor.headers(exchange.response_headers)
        rows.append(row)
    publish(json.dumps({"version": 1, "interactions": rows}, indent=2) + "\n", path, redactor)

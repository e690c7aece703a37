"""The cassette: every exchange with the target, redacted, as the project's JSON or as HAR 1.2.

HAR is what browsers, proxies (mitmproxy, Charles, Fiddler), Schemathesis' own `--report har` and many replay
tools read; the project's data rides along in HAR's custom `_aoai` fields (allowed by the HAR spec for fields
starting with an underscore): which phase and operation sent each request, and which checks failed on it. Both
formats record enough for `aoai-spec contract --replay` to send the failed requests again.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..errors import ContractConfigError
from .budget import Exchange
from .publish import publish
from .redact import Redactor

FORMATS = ("json", "har")
VERSION = 2


def cassette_format(path: Path, chosen: str | None) -> str:
    if chosen is not None:
        if chosen not in FORMATS:
            raise ContractConfigError(f"--cassette-format {chosen!r}: choose from {', '.join(FORMATS)}")
        return chosen
    return "har" if path.suffix.lower() == ".har" else "json"


def _failures(report: Any) -> dict[str, list[dict[str, Any]]]:
    marks: dict[str, list[dict[str, Any]]] = {}
    for failure in report.failures if report is not None else []:
        if failure.exchange_id:
            marks.setdefault(failure.exchange_id, []).append(
                {"check": failure.check, "code": failure.code, "title": failure.title, "status": failure.status,
                 "failure_class": failure.failure_class, "operation": failure.operation})
    return marks


def write_cassette(path: Path, exchanges: list[Exchange], redactor: Redactor, report: Any = None,
                   fmt: str | None = None) -> None:
    marks = _failures(report)
    meta = {"spec": getattr(report, "spec", None), "url": getattr(report, "url", None),
            "surface": getattr(report, "surface", None), "api_version": getattr(report, "api_version", None)}
    if cassette_format(path, fmt) == "har":
        text = json.dumps(har(exchanges, redactor, marks, meta), indent=2) + "\n"
    else:
        rows = []
        for exchange in exchanges:
            row = asdict(exchange)
            row["request_headers"] = redactor.headers(exchange.request_headers)
            row["response_headers"] = redactor.headers(exchange.response_headers)
            row["failures"] = marks.get(exchange.id, [])
            rows.append(row)
        text = json.dumps({"version": VERSION, **meta, "interactions": rows}, indent=2) + "\n"
    publish(text, path, redactor)


def _pairs(headers: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in headers.items()]


def har(exchanges: list[Exchange], redactor: Redactor, marks: dict[str, list[dict[str, Any]]],
        meta: dict[str, Any]) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        creator = version("aoai-spec")
    except PackageNotFoundError:  # running from a source tree that was not installed
        creator = "source"
    entries = []
    for exchange in exchanges:
        request_headers = redactor.headers(exchange.request_headers)
        response_headers = redactor.headers(exchange.response_headers)
        body = exchange.request_body
        response_type = next((v for k, v in response_headers.items() if k.lower() == "content-type"), "")
        request_type = next((v for k, v in request_headers.items() if k.lower() == "content-type"), "")
        entry: dict[str, Any] = {
            "startedDateTime": datetime.fromtimestamp(exchange.started or 0, timezone.utc).isoformat(),
            "time": round(exchange.elapsed * 1000, 3),
            "request": {"method": exchange.method, "url": exchange.url, "httpVersion": "HTTP/1.1",
                        "headers": _pairs(request_headers), "cookies": [],
                        "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(exchange.url).query,
                                                                                      keep_blank_values=True)],
                        "headersSize": -1, "bodySize": len(body.encode()) if body else 0},
            "response": {"status": exchange.status or 0, "statusText": "", "httpVersion": "HTTP/1.1",
                         "headers": _pairs(response_headers), "cookies": [],
                         "content": {"size": len((exchange.response_body or "").encode()), "mimeType": response_type,
                                     "text": exchange.response_body or ""},
                         "redirectURL": "", "headersSize": -1, "bodySize": -1},
            "cache": {},
            "timings": {"send": 0, "wait": round(exchange.elapsed * 1000, 3), "receive": 0},
            "_aoai": {"id": exchange.id, "phase": exchange.phase, "operation": exchange.operation,
                      "failures": marks.get(exchange.id, [])},
        }
        if body is not None:
            entry["request"]["postData"] = {"mimeType": request_type, "text": body}
        entries.append(entry)
    return {"log": {"version": "1.2", "creator": {"name": "aoai-spec", "version": creator},
                    "comment": json.dumps({k: v for k, v in meta.items() if v is not None}), "entries": entries}}


def read_cassette(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(metadata, interactions) of a JSON or HAR cassette, each interaction as
    {method, url, request_headers, request_body, status, failures, operation}."""
    from ..load import Limits, parse_text

    try:
        document, _ = parse_text(path.read_bytes(), str(path), Limits(), [])
    except OSError as exc:
        raise ContractConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except Exception as exc:  # a parse error: one line, naming the file
        raise ContractConfigError(f"{path}: not a cassette: {exc}") from None
    if isinstance(document, dict) and isinstance(document.get("log"), dict):
        log = document["log"]
        try:
            meta = json.loads(log.get("comment") or "{}")
        except ValueError:
            meta = {}
        rows = []
        for entry in log.get("entries") or []:
            request, response, mark = entry.get("request", {}), entry.get("response", {}), entry.get("_aoai", {})
            rows.append({"method": request.get("method"), "url": request.get("url"),
                         "request_headers": {h["name"]: h["value"] for h in request.get("headers", [])},
                         "request_body": (request.get("postData") or {}).get("text"),
                         "status": response.get("status"), "failures": mark.get("failures", []),
                         "operation": mark.get("operation")})
        return meta if isinstance(meta, dict) else {}, rows
    if isinstance(document, dict) and isinstance(document.get("interactions"), list):
        meta = {k: document.get(k) for k in ("spec", "url", "surface", "api_version")}
        return meta, [row for row in document["interactions"] if isinstance(row, dict)]
    raise ContractConfigError(f"{path}: not a cassette (expected the JSON of --cassette or a HAR file)")

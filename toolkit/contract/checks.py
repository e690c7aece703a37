"""The project's own contract checks: one declarative unit each, with a stable id in the project's `AOAI` namespace.

Schemathesis' checks (`ST1xx`-`ST4xx`) judge what a spec says; these judge what Azure OpenAI does beyond the spec
(its refusals, its streams, the workflow of the Responses API). Each has an id, a name (what `--checks` and
`--exclude-checks` take), a level, the title of its failure, what a conforming endpoint answers, where that
expectation comes from, and the result class its failures get. The judges are pure functions of an answer, so
each check has its own small test and `--replay` can re-judge a recorded answer.

Namespaces: AOAI1xx Azure's refusals, AOAI2xx boundary values, AOAI3xx workflows, AOAI4xx streams, AOAI5xx
secrets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

AZURE_REFERENCE = "https://learn.microsoft.com/azure/ai-foundry/openai/reference"
AZURE_V1 = "https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle"
RFC_9110_METHODS = "https://www.rfc-editor.org/rfc/rfc9110#name-405-method-not-allowed"
THE_SPEC = "the spec under test"


@dataclass(frozen=True)
class Answer:
    """What a judge sees of one response."""

    status: int
    body: Any = None  # parsed JSON, or None
    text: str = ""

    @classmethod
    def of(cls, status: int, text: str | None) -> "Answer":
        try:
            body = json.loads(text) if text else None
        except ValueError:
            body = None
        return cls(status, body, text or "")


Judge = Callable[[Answer], "str | None"]  # None: passed; else the failure message


@dataclass(frozen=True)
class ContractCheck:
    id: str
    name: str
    level: str  # "error" fails the run; "warning" is reported only
    title: str  # the title of a failure
    expects: str  # what a conforming endpoint answers
    source: str  # where the expectation comes from
    judge: Judge | None = None  # for request probes; None for checks that inspect a whole exchange
    failure_class: str = "contract"

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "level": self.level, "title": self.title, "expects": self.expects,
                "source": self.source, "failure_class": self.failure_class}


def azure_envelope(body: Any) -> bool:
    """Azure OpenAI's error shape: `{"error": {"code": "...", "message": "..."}}`."""
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str)


def _refusal(statuses: tuple[int, ...], code: str | None = None) -> Judge:
    wanted = " or ".join(map(str, statuses))

    def judge(answer: Answer) -> str | None:
        if answer.status not in statuses:
            return f"expected {wanted}, got {answer.status}"
        if not azure_envelope(answer.body):
            return f"{answer.status} without Azure's error envelope {{\"error\": {{\"code\", \"message\"}}}}"
        if code is not None and answer.body["error"]["code"] != code:
            return f"error code {answer.body['error']['code']!r}, expected {code!r}"
        return None

    return judge


def _not_2xx(answer: Answer) -> str | None:
    return f"answered {answer.status}: an invalid request was accepted" if 200 <= answer.status < 300 else None


def _method(answer: Answer) -> str | None:
    if answer.status in (404, 405):
        return None
    if 200 <= answer.status < 300:
        return f"answered {answer.status}: an undeclared method was served"
    return f"expected 405 or 404, got {answer.status}"


# A valid value that is still refused: the statuses that do not blame the request's content.
NOT_ABOUT_CONTENT = frozenset({401, 403, 404, 408, 409, 429})


def _accepted(answer: Answer) -> str | None:
    if 400 <= answer.status < 500 and answer.status not in NOT_ABOUT_CONTENT:
        return f"a valid value was refused with {answer.status}"
    return None


CHECKS: tuple[ContractCheck, ...] = (
    ContractCheck("AOAI101", "api_version_missing", "error", "Request without api-version accepted",
                  "400 or 404 with Azure's error envelope", AZURE_REFERENCE, _refusal((400, 404))),
    ContractCheck("AOAI102", "api_version_unknown", "error", "Unknown api-version accepted",
                  "400 or 404 with Azure's error envelope", AZURE_REFERENCE, _refusal((400, 404))),
    ContractCheck("AOAI103", "deployment_unknown", "error", "Unknown deployment not refused",
                  "404 with error code DeploymentNotFound", AZURE_REFERENCE, _refusal((404,), "DeploymentNotFound")),
    ContractCheck("AOAI104", "key_missing", "error", "Request without a credential not refused",
                  "401 with Azure's error envelope", AZURE_REFERENCE, _refusal((401,))),
    ContractCheck("AOAI105", "key_wrong", "error", "Request with a wrong credential not refused",
                  "401 with Azure's error envelope", AZURE_REFERENCE, _refusal((401,))),
    ContractCheck("AOAI106", "preview_header_missing", "error", "Preview route served without its opt-in header",
                  "400 with Azure's error envelope", AZURE_V1, _refusal((400,))),
    ContractCheck("AOAI107", "method_not_allowed", "error", "Undeclared method not refused",
                  "405 or 404, never 2xx", RFC_9110_METHODS, _method),
    ContractCheck("AOAI201", "boundary_value_rejected", "error", "Value outside a documented bound accepted",
                  "a 4xx refusal, never 2xx", THE_SPEC, _not_2xx),
    ContractCheck("AOAI202", "boundary_value_accepted", "error", "Value at a documented bound refused",
                  "accepted (never a 400/422 refusal)", THE_SPEC, _accepted),
    ContractCheck("AOAI301", "responses_workflow", "error", "Responses workflow step failed",
                  "create, retrieve, chain, list input items, delete, then 404", AZURE_REFERENCE),
    ContractCheck("AOAI401", "stream_chunks", "error", "Stream event does not match the stream-chunk schema",
                  "every `data:` event is a chunk valid for the spec's stream-chunk schema", THE_SPEC),
    ContractCheck("AOAI402", "stream_done", "error", "Stream not terminated by data: [DONE]",
                  "the stream ends with `data: [DONE]` (where the spec says so)", THE_SPEC),
    ContractCheck("AOAI501", "credential_not_echoed", "error", "Credential echoed in response",
                  "no response repeats the credential it was sent", "OWASP API3:2023"),
)
BY_NAME = {check.name: check for check in CHECKS}
BY_ID = {check.id: check for check in CHECKS}


def check(name: str) -> ContractCheck:
    return BY_NAME[name]

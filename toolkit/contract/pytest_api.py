"""`azure_schema`: the Azure-aware contract inside a team's own pytest suite.

    from toolkit.contract import azure_schema

    schema = azure_schema("v1", url="https://myres.openai.azure.com/openai/v1/", deployment="gpt-4o-mini",
                          api_key_env="AZURE_OPENAI_API_KEY", max_requests=200)

    @schema.parametrize()
    def test_contract(case):
        case.call_and_validate()

It returns a Schemathesis schema (so everything Schemathesis' pytest integration offers works), set up as
`aoai-spec contract` sets up a run: filtered to read-only operations unless `allow_writes`, deployment, api-version
and preview headers pinned on every case (schema-level `before_call` hook), the credential attached through
Schemathesis' auth seam, max-examples scaled to the budget, a wire gate holding the budget over every request of
the process to that host (once it is spent, the remaining examples are skipped before they are sent), the stream checks
registered, and every credential header, the credential itself and every `headers` value redacted from
Schemathesis' failure output.
"""

from __future__ import annotations

from typing import Any

from ..workspace import Workspace
from .auth import AuthSpec, build_credential, register
from .redact import SENSITIVE_HEADERS, Redactor

_GATES: list[Any] = []  # installed for the life of the process (pytest's session)


def azure_schema(spec: str = "v1", *, url: str, deployment: str | None = None, api_key_env: str | None = None,
                 auth: AuthSpec | None = None, max_requests: int | None = 500, max_examples: int = 10,
                 headers: dict[str, str] | None = None, allow_writes: bool = False,
                 include_paths: tuple[str, ...] = (), checks: tuple[str, ...] = (),
                 excluded_checks: tuple[str, ...] = (), seed: int | None = 0, request_timeout: float = 30.0,
                 ws: Workspace | None = None) -> Any:
    """A Schemathesis schema for `spec` at `url` with the run's pinning, auth, budget and redaction."""
    from . import hooks as run_hooks
    from .budget import WireGate, installed
    from .prepare import for_schemathesis
    from .runner import (ContractConfig, _delete_templates, _load, _model_operations, _settings, _surface,
                         examples_per_pass, selected_checks, spec_validator)
    from .streams import stream_rules
    from .targets import base_url, origin

    ws = ws or Workspace()
    loaded = ws.open(spec)
    surface, api_version = _surface(loaded, ws)
    root = base_url(url, surface)
    auth = auth or (AuthSpec("api-key", api_key_env) if api_key_env else AuthSpec())
    config = ContractConfig(spec=loaded, url=root, deployment=deployment, auth=auth, allow_writes=allow_writes,
                            include_paths=include_paths, max_requests=max_requests, max_examples=max_examples,
                            headers=dict(headers or {}), checks=checks, excluded_checks=excluded_checks, seed=seed,
                            request_timeout=request_timeout, phases=("examples", "fuzzing"))
    redactor = Redactor()
    redactor.add(*config.headers.values())
    credential = build_credential(auth, redactor)
    enabled = selected_checks(config)
    document = for_schemathesis(loaded.document)
    operations = sum(1 for _ in _load(document, _settings(config, root, api_version, enabled, 1, None),
                                      config).get_all_operations())
    settings = _settings(config, root, api_version, enabled, examples_per_pass(config, max_requests, operations), None)
    # Failure output is Schemathesis' own here: mask credential headers by name, and nothing that merely
    # contains "token" (its default would blank `max_tokens` in every reproduction).
    sensitive = sorted({*SENSITIVE_HEADERS, *(name.lower() for name in config.headers)})
    settings["output"] = {"sanitization": {"enabled": True, "keys-to-sanitize": sensitive,
                                           "sensitive-markers": ["api-key", "authorization"]}}
    schema = _load(document, settings, config)
    register(schema, credential)
    gate = WireGate(origin(root), max_requests, allow_writes=allow_writes, scrub=redactor.scrub)
    context = installed(gate)
    context.__enter__()  # for the whole session: every request of every test to this host counts
    _GATES.append((gate, context))
    state = run_hooks.RunHooks(surface, ws.catalog, gate, redactor, deployment, api_version,
                               _delete_templates(loaded), _model_operations(loaded), headers=dict(config.headers),
                               streams=run_hooks.StreamChecks(stream_rules(loaded), spec_validator(loaded, writing=False)),
                               skip_when_spent=True)
    run_hooks.attach(schema, state)
    return schema

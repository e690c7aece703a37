"""Check a diff verdict on sample values (used by the precision bench; run by hand, not in CI).

    python bench/bench_diff_witness.py DUMP.json [--pair PAIR] [--rule RULE] [--openai-repo PATH] [-o OUT.json]

DUMP.json is written by `bench_diff_precision.py --dump`. For each error verdict the question is whether a value
exists that breaks a client: for a request rule, a value the base schema accepts and the revision schema rejects;
for a response rule, a value the revision schema produces and the base schema rejects. Candidates are drawn
with hypothesis-jsonschema from the schema that must accept them (its `$ref`s inlined a few levels deep, 3.0
spellings turned into JSON Schema) and checked with openapi-schema-validator against the whole other document.
A witness found is evidence of a true break at the level of that schema; none found in the budget proves nothing,
it only says where to read carefully. The classification itself stays a person's (labels.json).
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_DROP = frozenset({"discriminator", "xml", "externalDocs", "example", "examples", "deprecated", "format",
                   "readOnly", "writeOnly", "title", "description", "$comment", "contentMediaType",
                   "contentEncoding", "$recursiveAnchor", "$dynamicAnchor", "$schema", "$id", "default"})
_PARENT = re.compile(r"/properties/[^/]+$")


def _parent(pointer: str | None) -> str | None:
    return _PARENT.sub("", pointer) if pointer else pointer


def pointers_for(rule: str, base: str | None, revision: str | None) -> tuple[str | None, str | None]:
    """The schemas a witness lives in: the enclosing object for rules about a named property, the node itself
    (or the removed/added union member and the union on the other side) for everything else."""
    if rule.endswith("-property-removed") or rule.endswith("required-property-removed"):
        return _parent(base), revision
    if rule.endswith("-property-added") or rule == "new-required-request-property":
        return base, _parent(revision)
    if "-became-required" in rule or "-became-optional" in rule:
        return _parent(base), _parent(revision)
    return base, revision


def direction(rule: str) -> str:
    return "response" if rule.startswith("response-") else "request"


def to_json_schema(spec_doc: dict[str, Any], node: Any, depth: int = 4, is_31: bool = False) -> Any:
    """A self-contained JSON Schema for generation: `$ref`s inlined `depth` levels deep (deeper ones become
    `false`, so no value is invented there), OpenAPI-only keywords dropped, 3.0 `nullable` as a null type."""
    from toolkit import pointer as jp

    def walk(value: Any, left: int, enclosing: str | None) -> Any:
        if isinstance(value, list):
            return [walk(v, left, enclosing) for v in value]
        if not isinstance(value, dict):
            return value
        ref = value.get("$ref")
        if value.get("$recursiveRef") == "#" or value.get("$dynamicRef") == "#":
            ref = enclosing
        if isinstance(ref, str):
            if left <= 0 or not ref.startswith("#/"):
                return False
            target = jp.resolve(spec_doc, ref, None)
            if target is None:
                return False
            inner = walk(target, left - 1, ref if ref.startswith("#/components/schemas/") else enclosing)
            rest = {k: v for k, v in value.items() if k not in ("$ref", "$recursiveRef", "$dynamicRef")}
            return {"allOf": [inner, walk(rest, left, enclosing)]} if rest else inner
        out: dict[str, Any] = {}
        for key, child in value.items():
            if key in _DROP or key.startswith("x-") or key == "nullable":
                continue
            if key in ("properties", "patternProperties", "$defs", "definitions"):
                out[key] = {k: walk(v, left, enclosing) for k, v in child.items()} if isinstance(child, dict) else child
            elif key in ("enum", "const", "required", "type"):
                out[key] = copy.deepcopy(child)
            else:
                out[key] = walk(child, left, enclosing)
        if not is_31:
            for excl, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
                if out.get(excl) is True and bound in out:
                    out[excl] = out.pop(bound)
                elif isinstance(out.get(excl), bool):
                    out.pop(excl)
        if value.get("nullable") is True:
            kind = out.get("type")
            if isinstance(kind, str):
                out["type"] = [kind, "null"]
                if "enum" in out and None not in out["enum"]:
                    out["enum"] = [*out["enum"], None]
            elif kind is None and out:
                out = {"anyOf": [out, {"type": "null"}]}
        return out

    return walk(node, depth, None)


class Checker:
    """Validates values against a schema at a pointer of one whole document (openapi-schema-validator)."""

    def __init__(self, document: dict[str, Any]) -> None:
        import openapi_schema_validator as osv
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4, DRAFT202012

        self.document = document
        self.is_31 = str(document.get("openapi", "")).startswith("3.1")
        spec = DRAFT202012 if self.is_31 else DRAFT4
        resource = Resource.from_contents(document, default_specification=spec)
        self.registry = Registry().with_resource("urn:spec", resource)
        self.cls = osv.OAS31Validator if self.is_31 else osv.OAS30Validator
        self._validators: dict[str, Any] = {}

    def valid(self, pointer: str, value: Any) -> bool:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = self._validators[pointer] = self.cls({"$ref": "urn:spec" + pointer}, registry=self.registry)
        return validator.is_valid(value)


def find_witness(source: Checker, source_ptr: str, target: Checker, target_ptr: str,
                 examples: int = 300) -> tuple[str, Any]:
    """('witness', value) for a value `source` accepts and `target` rejects; ('none', None) when none was found;
    ('error', text) when the schema could not be sampled."""
    from hypothesis import HealthCheck, find, settings
    from hypothesis.errors import NoSuchExample
    from hypothesis_jsonschema import from_schema

    from toolkit import pointer as jp

    node = jp.resolve(source.document, source_ptr, None)
    if node is None:
        return "error", f"no schema at {source_ptr}"
    enclosing = re.match(r"#/components/schemas/[^/]+", source_ptr)
    schema = to_json_schema(source.document, node, is_31=source.is_31)
    if enclosing and isinstance(node, dict) and ("$recursiveRef" in json.dumps(node)):
        schema = to_json_schema(source.document, {"$ref": enclosing.group(0)}, is_31=source.is_31)
    try:
        strategy = from_schema(schema)
        value = find(strategy, lambda v: source.valid(source_ptr, v) and not target.valid(target_ptr, v),
                     settings=settings(max_examples=examples, database=None, deadline=None,
                                       suppress_health_check=list(HealthCheck)))
    except NoSuchExample:
        return "none", None
    except Exception as exc:  # unsupported keywords, unsatisfiable schemas: no sampling, read it by hand
        return "error", f"{type(exc).__name__}: {str(exc)[:160]}"
    return "witness", value


def main() -> None:
    from toolkit import Workspace
    from toolkit.model import Spec

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", type=Path)
    parser.add_argument("--pair")
    parser.add_argument("--rule")
    parser.add_argument("--openai-repo", type=Path)
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    verdicts = json.loads(args.dump.read_text())["verdicts"]
    ws = Workspace()
    checkers: dict[str, Checker] = {}

    def checker(ident: str) -> Checker:
        if ident not in checkers:
            if ident.startswith("git:"):
                import subprocess
                import tempfile
                sha = ident[4:]
                text = subprocess.run(["git", "-C", str(args.openai_repo), "show", f"{sha}:openapi.yaml"],
                                      capture_output=True, check=True).stdout
                with tempfile.NamedTemporaryFile(suffix=".yaml") as tmp:
                    tmp.write(text)
                    tmp.flush()
                    checkers[ident] = Checker(Spec.load(tmp.name).document)
            else:
                checkers[ident] = Checker(ws.open(ident).document)
        return checkers[ident]

    out = []
    for v in verdicts:
        if (args.pair and v["pair"] != args.pair) or (args.rule and v["rule"] != args.rule):
            continue
        base_id, revision_id = v["pair"].split(" -> ")
        base_ptr, revision_ptr = pointers_for(v["rule"], v["base"], v["revision"])
        if not base_ptr or not revision_ptr:
            result: tuple[str, Any] = ("n/a", None)
        elif direction(v["rule"]) == "request":
            result = find_witness(checker(base_id), base_ptr, checker(revision_id), revision_ptr, args.examples)
        else:
            result = find_witness(checker(revision_id), revision_ptr, checker(base_id), base_ptr, args.examples)
        row = {"pair": v["pair"], "fingerprint": v["fingerprint"], "rule": v["rule"], "element": v["element"],
               "result": result[0], "value": result[1]}
        out.append(row)
        print(json.dumps(row, ensure_ascii=False, default=str)[:400], flush=True)
    if args.output:
        args.output.write_text(json.dumps(out, indent=1, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()

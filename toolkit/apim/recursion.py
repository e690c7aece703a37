"""Cycles in the graph of component schema references: APIM does not support recursive schemas (rule 12).

`recursive_cycles` finds them (strongly connected components, Tarjan, iterative so deep specs cannot overflow
the stack); `back_edges` picks, by a depth-first walk in document order, the references whose removal leaves
the graph acyclic (research §7.8: cut to an opaque schema and report).
"""

from __future__ import annotations

from typing import Any

from .. import pointer as jp
from ..schemas import iter_schemas

_PREFIX = "#/components/schemas/"


def schema_edges(document: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """component name -> [(pointer of the referencing schema, referenced component name)]."""
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict):
        return {}
    edges: dict[str, list[tuple[str, str]]] = {}
    for name, schema in schemas.items():
        out = edges.setdefault(name, [])
        holder = {"components": {"schemas": {name: schema}}}
        for where, node in iter_schemas(holder):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(_PREFIX):
                target = jp.split(ref)[2] if len(jp.split(ref)) > 2 else ""
                if target in schemas:
                    out.append((where, target))
    return edges


def recursive_cycles(document: dict[str, Any]) -> list[list[str]]:
    """Each strongly connected component that contains a cycle, as component names in document order."""
    edges = schema_edges(document)
    order = {name: i for i, name in enumerate(edges)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = [t for _, t in edges.get(node, [])]
            if i < len(targets):
                work.append((node, i + 1))
                target = targets[i]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1 or any(t == node for _, t in edges.get(node, [])):
                    found.append(sorted(members, key=order.__getitem__))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(found, key=lambda c: order[c[0]])


def back_edges(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(pointer, target) of the references to cut so that no schema reaches itself again."""
    edges = schema_edges(document)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cut: list[tuple[str, str]] = []
    for root in edges:
        if root in state:
            continue
        state[root] = 1
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            out = edges.get(node, [])
            if i < len(out):
                work.append((node, i + 1))
                where, target = out[i]
                if state.get(target) == 1:
                    cut.append((where, target))
                elif target not in state:
                    state[target] = 1
                    work.append((target, 0))
            else:
                state[node] = 2
    return cut

"""The package's shape, read from its imports (grimp, every import statement counted, lazy ones included):
no module imports itself back through others, and data flows one way: load -> model -> the features -> report ->
cli. A new top-level module must be given its layer here."""

from __future__ import annotations

import graphlib

import grimp
import pytest

# Highest first. A layer may import any layer below it, never one above. Within the features layer the packages
# may use each other (apim builds on downgrade, contract drives mock), and the cycle test keeps that one-way.
LAYERS: list[tuple[str, ...]] = [
    ("cli", "__main__"),
    ("report", "upstream"),
    ("apim", "contract", "diff", "downgrade", "mock", "validate"),
    ("workspace",),
    ("store", "shape", "schemas", "gitref"),
    ("model", "structure"),
    ("catalog", "load"),
    ("errors", "findings", "pointer", "render", "resources"),
]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("toolkit", exclude_type_checking_imports=False)


def test_no_import_cycles(graph):
    sorter = graphlib.TopologicalSorter({m: graph.find_modules_directly_imported_by(m) for m in graph.modules})
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")


def test_every_top_level_module_has_a_layer(graph):
    placed = {name for layer in LAYERS for name in layer}
    top = {m.split(".")[1] for m in graph.modules if m.count(".") >= 1}
    assert top - placed == set(), "give the new module a layer in tests/test_layers.py"


def test_layers_are_respected(graph):
    illegal = graph.find_illegal_dependencies_for_layers(
        layers=[grimp.Layer(*layer, independent=False) for layer in LAYERS], containers={"toolkit"})
    found = sorted(f"{d.importer} imports {d.imported}" for d in illegal)
    assert found == [], found


def test_the_checks_can_fail():
    """The same checks on a graph that breaks both rules."""
    graph = grimp.ImportGraph()
    for module in ("toolkit", "toolkit.load", "toolkit.model", "toolkit.cli"):
        graph.add_module(module)
    graph.add_import(importer="toolkit.load", imported="toolkit.model")
    graph.add_import(importer="toolkit.model", imported="toolkit.load")
    graph.add_import(importer="toolkit.model", imported="toolkit.cli")
    sorter = graphlib.TopologicalSorter({m: graph.find_modules_directly_imported_by(m) for m in graph.modules})
    with pytest.raises(graphlib.CycleError):
        sorter.prepare()
    layers = [grimp.Layer(*layer, independent=False) for layer in LAYERS]
    assert graph.find_illegal_dependencies_for_layers(layers=layers, containers={"toolkit"})

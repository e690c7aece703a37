"""aoai-spec: version, diff, downgrade and contract-test the Azure OpenAI OpenAPI specs.

The public Python API; the CLI (`toolkit.cli`) is a thin shell over it.
"""

from .catalog import Catalog, CatalogEntry, load_catalog
from .errors import AoaiSpecError, CatalogError, IntegrityError, SpecLoadError, StoreError
from .load import Limits, LoadedDocument, load
from .model import Operation, Spec
from .store import Store
from .workspace import Workspace

__all__ = [
    "AoaiSpecError",
    "Catalog",
    "CatalogEntry",
    "CatalogError",
    "IntegrityError",
    "Limits",
    "LoadedDocument",
    "Operation",
    "Spec",
    "SpecLoadError",
    "Store",
    "StoreError",
    "Workspace",
    "load",
    "load_catalog",
]

"""A hostile-input corpus, written into a temporary folder at test time (nothing big is committed)."""

from .corpus import BASE_SPEC, CORPUS, Context, Item, Outcome, write_corpus

__all__ = ["BASE_SPEC", "CORPUS", "Context", "Item", "Outcome", "write_corpus"]

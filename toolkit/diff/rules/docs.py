"""Documentation-only edits (descriptions, summaries, titles, examples): level `doc`, left out of changelogs and
breaking reports unless asked for (`--include-docs`)."""

from __future__ import annotations

from typing import Iterator

from ..paths_diff import OperationDiff
from ..schema_diff import SchemaDiff
from .base import Hit, RuleBook, SchemaContext, docs_summary

book = RuleBook("docs")


@book.operation("api-doc-changed", "doc", "An operation's summary or description changed.")
def operation_docs(d: OperationDiff) -> Iterator[Hit]:
    for key in sorted(d.docs):
        yield Hit(d.key, f"operation {docs_summary({key: d.docs[key]})}", d.base.pointer, d.revision.pointer)


@book.operation("request-parameter-doc-changed", "doc", "A parameter's description or example changed.", "request")
def parameter_docs(d: OperationDiff) -> Iterator[Hit]:
    for pd in d.parameters.modified:
        for key in sorted(pd.docs):
            yield Hit(f"{pd.revision.location} {pd.revision.name}",
                      f"{pd.revision.label}: {docs_summary({key: pd.docs[key]})}", pd.base.pointer, pd.revision.pointer)


@book.operation("request-body-doc-changed", "doc", "The request body description changed.", "request")
def body_docs(d: OperationDiff) -> Iterator[Hit]:
    b = d.request_body
    if b and b.docs:
        yield Hit("request body", f"request body {docs_summary(b.docs)}", b.base_pointer, b.revision_pointer)


@book.operation("response-doc-changed", "doc", "A response or response header description changed.", "response")
def response_docs(d: OperationDiff) -> Iterator[Hit]:
    for status, r in d.responses.modified.items():
        if r.docs:
            yield Hit(status, f"response {status}: {docs_summary(r.docs)}", r.base_pointer, r.revision_pointer)
        for hd in r.headers:
            if hd.docs:
                yield Hit(f"{status} header {hd.revision.name}", f"response {status}: header `{hd.revision.name}` "
                          f"{docs_summary(hd.docs)}", hd.base.pointer, hd.revision.pointer)


@book.schema("A schema's description, title or examples changed.", request=("request-property-doc-changed", "doc"),
             response=("response-property-doc-changed", "doc"),
             parameter=("request-parameter-schema-doc-changed", "doc"),
             when=("docs",))
def schema_docs(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    if d.docs:
        yield Hit(ctx.element(), f"{ctx.subject()}: {docs_summary(d.docs)}", d.base.pointer, d.revision.pointer)

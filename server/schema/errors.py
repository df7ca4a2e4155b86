"""Top-level GraphQL errors: domain errors keep their message and code; anything else is masked and logged once."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from ..errors import DomainError

log = logging.getLogger("order_import.graphql")

MASKED_MESSAGE = "Unexpected error."


def _present(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if original is None:  # syntax or validation: about the query itself, safe to show
        return error
    if isinstance(original, DomainError):
        extensions = {"code": original.code} | ({"field": original.field} if original.field else {})
        return GraphQLError(original.message, nodes=error.nodes, path=error.path, extensions=extensions)
    log.error("unexpected error in %s", ".".join(map(str, error.path or ())), exc_info=original)
    return GraphQLError(
        MASKED_MESSAGE,
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL_ERROR", "exception": type(original).__name__},
    )


class PresentErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [_present(e) for e in result.errors]

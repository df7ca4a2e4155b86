"""Top-level GraphQL errors: domain errors keep their message and gain their code; others are masked, logged once."""

from __future__ import annotations

import logging

from graphql import GraphQLError

from ..errors import DomainError

log = logging.getLogger("order_import.graphql")

MASKED_MESSAGE = "Unexpected error."


def present(error: GraphQLError) -> None:
    """Rewrite ``error`` in place, as every execution path (subscriptions too) reports it."""
    original = error.original_error
    if original is None or "code" in (error.extensions or {}):  # about the query itself, or presented already
        return
    if isinstance(original, DomainError):
        error.message = original.message
        error.extensions = {"code": original.code} | ({"field": original.field} if original.field else {})
        return
    log.error("unexpected error in %s", ".".join(map(str, error.path or ())) or "operation", exc_info=original)
    error.message = MASKED_MESSAGE
    error.extensions = {"code": "INTERNAL_ERROR", "exception": type(original).__name__}

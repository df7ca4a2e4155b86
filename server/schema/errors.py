"""Top-level GraphQL errors: domain errors keep their message and gain their code; others are masked, logged once.

Errors about the request itself (the document, the variables) get BAD_REQUEST or BAD_USER_INPUT, see
``request_checks``. An unexpected error is logged once: the field, the exception type and its traceback,
never the query or the variables (``server.logs`` cuts and cleans the exception's own message).
"""

from __future__ import annotations

import logging

from graphql import GraphQLError

from ..errors import DomainError, ErrorCode
from .request_checks import present_request_error

log = logging.getLogger("order_import.graphql")

MASKED_MESSAGE = "Unexpected error."


def present(error: GraphQLError) -> None:
    """Rewrite ``error`` in place, as every execution path (subscriptions too) reports it."""
    original = error.original_error
    if "code" in (error.extensions or {}):  # presented already
        return
    if error.path is None and (original is None or isinstance(original, GraphQLError)):
        present_request_error(error)  # about the document or the variables, found before execution
        return
    if original is None:
        return
    if isinstance(original, DomainError):
        error.message = original.message
        error.extensions = {"code": original.code} | ({"field": original.field} if original.field else {})
        return
    where = ".".join(map(str, error.path or ())) or "operation"
    log.error("unexpected error in %s (%s)", where, type(original).__name__, exc_info=original)
    error.message = MASKED_MESSAGE
    error.extensions = {"code": ErrorCode.INTERNAL_ERROR, "exception": type(original).__name__}

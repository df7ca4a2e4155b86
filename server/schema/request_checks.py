"""What a GraphQL request must be before anything runs: its size, its document, and which operation to run.

Every refusal here is a *request error*: a GraphQL error answered before execution (HTTP 400 without
``data``, or an ``error`` message on a websocket). ``BAD_USER_INPUT``: a variable's value does not fit
its type (``present_request_error``: the message names the variable and its type, never the value).
``BAD_REQUEST``: everything else about the request:

- a query longer than ``MAX_QUERY_CHARS`` characters (whitespace counts: it is read and cached too);
- a document that does not parse, or has more than ``MAX_TOKENS`` tokens;
- a document with no operation, with several operations and no ``operationName``, or without the
  operation ``operationName`` names (never a guess at which one was meant);
- an operation the transport does not run: a mutation by GET, a subscription anywhere but the websocket;
- (in validation, see ``DepthLimit``) an operation nested deeper than ``MAX_DEPTH`` fields, or an
  introspection query (``__schema``, ``__type``) deeper than ``MAX_INTROSPECTION_DEPTH``, and more than
  ``MAX_ALIASES`` aliases (introspection fields count like any others).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import AsyncGenerator, Collection
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    ValidationContext,
    ValidationRule,
    parse,
    print_ast,
)
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableDefinitionNode,
)
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.schema.schema import validate_document
from strawberry.types.execution import PreExecutionError

from ..platforms.codes import ErrorCode

MAX_QUERY_CHARS = 64 * 1024
MAX_TOKENS = 2000
MAX_DEPTH = 10
# The standard introspection query (graphql-core's, GraphiQL's) is 14 deep: __schema types fields type ofType…
MAX_INTROSPECTION_DEPTH = 15
MAX_ALIASES = 30
BAD_REQUEST = ErrorCode.BAD_REQUEST


def bad_request(message: str, **kwargs: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": BAD_REQUEST}, **kwargs)


@lru_cache(maxsize=256)
def parse_document(query: str) -> DocumentNode:
    """The parsed document (shared by the check below and ``CachedDocument``); ``GraphQLSyntaxError`` if none."""
    return parse(query, max_tokens=MAX_TOKENS)


def request_problem(
    query: str | None,
    operation_name: str | None,
    allowed: Collection[Any] | None = None,
    *,
    variables: Any = None,
    streaming: bool = False,
) -> GraphQLError | None:
    """Why this request cannot run, or None. A missing query is left to strawberry (a 400 of its own).

    ``allowed``: the operation types the transport may run (strawberry's, by HTTP method); a subscription
    needs a stream (the websocket), never a single answer.
    """
    if not query or not isinstance(query, str):
        return None
    if operation_name is not None and not isinstance(operation_name, str):
        return bad_request("'operationName' must be a string.")
    if variables is not None and not isinstance(variables, dict):
        return bad_request("'variables' must be a JSON object.")
    if len(query) > MAX_QUERY_CHARS:
        return bad_request(f"The query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}.")
    try:
        document = parse_document(query)
    except GraphQLSyntaxError as error:
        # A plain GraphQLError: strawberry closes a whole websocket over a GraphQLSyntaxError.
        return bad_request(error.message, source=error.source, positions=error.positions)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        return bad_request("The document has no operation to run.")
    if operation_name is None:
        if len(operations) > 1:
            names = ", ".join(op.name.value if op.name else "(anonymous)" for op in operations)
            return bad_request(
                f"The document has {len(operations)} operations ({names}): send 'operationName' to choose one."
            )
        [chosen] = operations
    else:
        named = [op for op in operations if op.name is not None and op.name.value == operation_name]
        if not named:
            shown = operation_name if len(operation_name) <= 100 else operation_name[:100] + "…"
            return bad_request(f"The document has no operation named {shown!r}.")
        chosen = named[0]
    kind = chosen.operation.value
    if kind == "subscription" and not streaming:
        return bad_request("A subscription runs over the websocket at /graphql (graphql-transport-ws).")
    if allowed is not None and kind not in {getattr(a, "value", a) for a in allowed}:
        return bad_request(f"A {kind} cannot be sent this way: mutations are sent by POST.")
    return None


async def refused(error: GraphQLError) -> AsyncGenerator[PreExecutionError, None]:
    """A stream (websocket, subscriptions over HTTP) whose only result is ``error``, before execution."""
    yield PreExecutionError(data=None, errors=[error])


class DepthLimit(ValidationRule):
    """Operations at most ``MAX_DEPTH`` fields deep; inside ``__schema`` / ``__type``, ``MAX_INTROSPECTION_DEPTH``.

    Unlike strawberry's ``QueryDepthLimiter``, introspection fields are counted.
    """

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        definitions = context.document.definitions
        self.fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
        for operation in definitions:
            if isinstance(operation, OperationDefinitionNode):
                name = operation.name.value if operation.name else "anonymous"
                self._walk(operation.selection_set, 0, MAX_DEPTH, name, frozenset())

    def _walk(self, selections: SelectionSetNode, depth: int, limit: int, name: str, seen: frozenset[str]) -> bool:
        """False once the limit is passed (reported once, and the walk stops)."""
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                if selection.selection_set is None:
                    continue
                inner = MAX_INTROSPECTION_DEPTH if selection.name.value.startswith("__") else limit
                if depth + 1 > inner:
                    what = "introspection depth" if inner == MAX_INTROSPECTION_DEPTH else "operation depth"
                    self.report_error(bad_request(f"'{name}' exceeds the maximum {what} of {inner}", nodes=[selection]))
                    return False
                if not self._walk(selection.selection_set, depth + 1, inner, name, seen):
                    return False
            elif isinstance(selection, InlineFragmentNode):
                if not self._walk(selection.selection_set, depth, limit, name, seen):
                    return False
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None or fragment.name.value in seen:
                    continue  # unknown or cyclic: graphql-core's own rules report those
                if not self._walk(fragment.selection_set, depth, limit, name, seen | {fragment.name.value}):
                    return False
        return True


# Built once: rule classes made per request would defeat the validation cache (stack notes, G4).
LIMIT_RULES: tuple[type[ASTValidationRule], ...] = (DepthLimit, max_aliases_rule(MAX_ALIASES))
VALIDATIONS = 256  # the validation results kept

_validated: OrderedDict[
    tuple[int, int, tuple[type[ASTValidationRule], ...]], tuple[GraphQLSchema, DocumentNode, list[GraphQLError]]
] = OrderedDict()


def validation_errors(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    """strawberry's validation of ``document`` with ``rules`` and the limits, once per schema, document and rules.

    The document is taken by identity (``parse_document`` gives the same one for the same text): hashing it, as
    an ``lru_cache`` would, walks the whole tree on every request. An entry holds its schema and document, so
    their ids stay theirs while it is kept.
    """
    rules = (*rules, *LIMIT_RULES)
    key = (id(schema), id(document), rules)
    found = _validated.get(key)
    if found is not None:
        _validated.move_to_end(key)
        return found[2]
    errors = validate_document(schema, document, rules)
    _validated[key] = (schema, document, errors)
    if len(_validated) > VALIDATIONS:
        _validated.popitem(last=False)
    return errors


class CachedDocument(SchemaExtension):
    """Parse through ``parse_document``'s cache (the one ``request_problem`` filled) and validate through
    ``validation_errors``: once per distinct query. One extension for both, as each one's hooks run per request."""

    def on_parse(self):  # type: ignore[no-untyped-def]
        context = self.execution_context
        if context.graphql_document is None and context.query:
            context.graphql_document = parse_document(context.query)
        yield

    def on_validate(self):  # type: ignore[no-untyped-def]
        context = self.execution_context
        if context.graphql_document is not None:
            context.pre_execution_errors = validation_errors(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
        yield


BAD_USER_INPUT = ErrorCode.BAD_USER_INPUT
_VARIABLE_PATH = re.compile(r"Variable '\$\w+' has invalid value((?:\[\d+\]|\.\w+)*): ")
_SAFE_REASON = re.compile(r"[A-Z]\w* cannot represent(?: [a-z0-9 -]+)? value")


def present_request_error(error: GraphQLError) -> None:
    """Give a request error its code; a variable's error names the variable and its type, never its value.

    graphql-core's messages quote the value ("String cannot represent a non string value: {...}"), which
    may be a secret sent in the wrong variable: the message is rebuilt from the variable's definition.
    """
    node = error.nodes[0] if error.nodes else None
    if isinstance(node, VariableDefinitionNode) and isinstance(error.original_error, GraphQLError):
        name, kind = node.variable.name.value, print_ast(node.type)
        inner = error.original_error.message
        if "to be provided" in inner:
            message = f"Variable '${name}' of required type '{kind}' was not provided."
        else:
            found = _VARIABLE_PATH.match(error.message)
            at = f" at {found.group(1).lstrip('.')}" if found and found.group(1) else ""
            head = inner.split(": ", 1)[0].rstrip(".")
            if _SAFE_REASON.fullmatch(head):
                reason = head
            elif "not to be None" in head or "not to be null" in head:
                reason = "null is not allowed"
            else:
                reason = "the value does not fit the type"
            message = f"Variable '${name}' got an invalid value{at}: {reason}. Expected type '{kind}'."
        error.message = message
        error.args = (message,)
        error.original_error = None
        error.extensions = {"code": BAD_USER_INPUT, "variable": name}
        return
    if error.message.startswith("Variable values are nested too deeply"):
        error.extensions = {"code": BAD_USER_INPUT}
        return
    error.extensions = {"code": BAD_REQUEST}


REQUEST_ERROR_CODES = frozenset({BAD_REQUEST, BAD_USER_INPUT})


def is_request_error(response: Any) -> bool:
    """A GraphQL-over-HTTP answer whose errors all came before execution: nothing ran (HTTP 400)."""
    if not isinstance(response, dict) or response.get("data") is not None or not response.get("errors"):
        return False
    return all(((e.get("extensions") or {}).get("code")) in REQUEST_ERROR_CODES for e in response["errors"])

"""Length limits on every text argument of every root field, checked before the resolver (and any query) runs.

A value over its limit is answered ``INVALID_INPUT`` naming the argument: as a ``userError`` by a
mutation whose payload has ``userErrors``, otherwise as a top-level GraphQL error with
``extensions.field``. The limits (characters):

=============================  =====  =============================================
argument                       limit  why
=============================  =====  =============================================
``platform``                   64     a plugin's platform id (the column is 64)
``ID`` arguments (``id``,      64     every id the API hands out is a 36-character UUID
``store`` …)
``search``                     255    an order id, number, email or name part
``orderId``                    255    the contract's limit, after trimming
``name``                       200    a store's name, after trimming
``reason``                     1000   a cancel reason, after trimming
``apiBaseUrl``                 2048   the column is 2048
``after``                      200    a cursor this server made (about 110)
any other ``String``           255
a ``JSON`` value (credentials) 16384  characters of its JSON text
=============================  =====  =============================================

Trimmed arguments are refused only when still too long once trimmed; the service applies its exact
rule afterwards. Lists of strings are checked item by item.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLField, GraphQLObjectType, GraphQLSchema, get_named_type

from ..errors import InvalidInput
from .refusals import payload_refusal

LIMITS: Mapping[str, int] = {
    "platform": 64,
    "search": 255,
    "orderId": 255,
    "name": 200,
    "reason": 1000,
    "apiBaseUrl": 2048,
    "after": 200,
}
TRIMMED = frozenset({"orderId", "name", "reason"})
ID_LIMIT = 64
TEXT_LIMIT = 255
JSON_LIMIT = 16 * 1024


def limits_of(field: GraphQLField) -> dict[str, tuple[str, int]]:
    """``{argument: (kind, limit)}`` for the text arguments of ``field`` (kind: String, ID or JSON)."""
    found: dict[str, tuple[str, int]] = {}
    for name, argument in field.args.items():
        kind = get_named_type(argument.type).name
        if kind == "JSON":
            found[name] = (kind, JSON_LIMIT)
        elif kind == "ID":
            found[name] = (kind, LIMITS.get(name, ID_LIMIT))
        elif kind == "String":
            found[name] = (kind, LIMITS.get(name, TEXT_LIMIT))
    return found


def _too_long(name: str, kind: str, limit: int, value: Any) -> InvalidInput | None:
    if value is None:
        return None
    if kind == "JSON":
        try:
            size = len(json.dumps(value, ensure_ascii=False))
        except (TypeError, ValueError):
            return None  # not JSON text: the service says what is wrong with it
        if size > limit:
            return InvalidInput(f"{name} is longer than {limit} characters of JSON", field=name)
        return None
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and len(item) > limit and (name not in TRIMMED or len(item.strip()) > limit):
            return InvalidInput(f"{name} is longer than {limit} characters", field=name)
    return None


def _payload_refusal(field: GraphQLField) -> Callable[[InvalidInput], Any] | None:
    """For a mutation whose payload has ``userErrors``: build that payload carrying the error."""
    definition = (get_named_type(field.type).extensions or {}).get("strawberry-definition")
    return payload_refusal(definition) if definition is not None else None


def _guarded(
    run: Callable[..., Any], limits: dict[str, tuple[str, int]], refusal: Callable[[InvalidInput], Any] | None
) -> Callable[..., Any]:
    @functools.wraps(run)  # so an async resolver's guard is deferred with it (see ``deferred``)
    def guarded(source: Any, info: Any, **arguments: Any) -> Any:
        for name, (kind, limit) in limits.items():
            if (error := _too_long(name, kind, limit, arguments.get(name))) is not None:
                if refusal is not None:
                    return refusal(error)
                raise error
        return run(source, info, **arguments)

    return guarded


def guard_root_arguments(schema: GraphQLSchema) -> None:
    """Put the checks in front of every root field's resolver (and a subscription's event stream)."""
    roots: list[tuple[GraphQLObjectType | None, bool]] = [
        (schema.query_type, False),
        (schema.mutation_type, True),
        (schema.subscription_type, False),
    ]
    for root, is_mutation in roots:
        for field in (root.fields if root else {}).values():
            limits = limits_of(field)
            if not limits:
                continue
            refusal = _payload_refusal(field) if is_mutation else None
            if field.subscribe is not None:
                field.subscribe = _guarded(field.subscribe, limits, None)
            elif field.resolve is not None:
                field.resolve = _guarded(field.resolve, limits, refusal)

"""Async resolvers that start when the executor awaits them, not when it calls them.

graphql-core calls a field's resolver, wraps the coroutine it returns in a coroutine of its own and awaits
that later, often as one task of a group. When a sibling fails first, the group is cancelled, and a task
cancelled before its first step never awaits the resolver's coroutine: created, never awaited, it is reported
as such when it is collected. Here an async resolver returns an awaitable that makes its coroutine only once
awaited, so whatever the executor drops was never started and leaves nothing behind.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema


class _OnAwait:
    __slots__ = ("_arguments", "_info", "_resolve", "_source")

    def __init__(self, resolve: Callable[..., Any], source: Any, info: Any, arguments: dict[str, Any]) -> None:
        self._resolve, self._source, self._info, self._arguments = resolve, source, info, arguments

    def __await__(self) -> Generator[Any, None, Any]:
        result = self._resolve(self._source, self._info, **self._arguments)
        if inspect.isawaitable(result):  # a guard in front of the resolver may answer at once
            result = yield from result.__await__()
        return result


def _deferred(resolve: Callable[..., Any]) -> Callable[..., _OnAwait]:
    def deferred(source: Any, info: Any, **arguments: Any) -> _OnAwait:
        return _OnAwait(resolve, source, info, arguments)

    return deferred


def defer_async_resolvers(schema: GraphQLSchema) -> None:
    """Make every async resolver of ``schema`` (wrapped ones included) start only when awaited."""
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field in named.fields.values():
            if field.resolve is not None and inspect.iscoroutinefunction(inspect.unwrap(field.resolve)):
                field.resolve = _deferred(field.resolve)

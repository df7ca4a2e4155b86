"""Subscription events executed once for all their subscribers.

A subscription resolver that gives one event object to many subscribers (every subscriber of one seller's
pending list in this process, say) makes it a ``SharedEvent``; ``SharedEventExecutor`` then runs each distinct
selection of it (the same operation, with the same variables) once, and every subscriber asking that selection
gets the same result. The resolver promises that every subscriber it gives the event to may see all of it, and
that nothing its selections resolve depends on who asks beyond that.
"""

from __future__ import annotations

import asyncio
from typing import Any

from graphql import ExecutionResult, OperationDefinitionNode
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class SharedEvent:
    """Mixin for an event object given to many subscribers: the results of its selections, once each."""

    _executions: list[tuple[OperationDefinitionNode, dict[str, Any], asyncio.Future[Any]]]

    def executions(self) -> list[tuple[OperationDefinitionNode, dict[str, Any], asyncio.Future[Any]]]:
        """(operation, variables, its result) for each selection run so far."""
        try:
            return self._executions
        except AttributeError:
            self._executions = []
            return self._executions


class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, running a ``SharedEvent``'s selection once for all who ask the same of it.

    The operation is compared by identity: documents are parsed once per distinct query text (``CachedDocument``),
    so subscribers sending the same subscription share its nodes.
    """

    def execute_operation(self, serially: bool | None = None) -> Any:
        event = self.root_value
        if not isinstance(event, SharedEvent):
            return super().execute_operation(serially)
        variables = self.variable_values.coerced
        for operation, values, result in event.executions():
            if operation is self.operation and values == variables:
                return result.result() if result.done() else _result_of(result)
        run = super().execute_operation(serially)
        if self.is_awaitable(run):
            result = asyncio.ensure_future(run)
            result.add_done_callback(_retrieved)  # an error, even once every subscriber left: no warning
        else:
            result = asyncio.get_running_loop().create_future()
            result.set_result(run)
        event.executions().append((self.operation, variables, result))
        return _result_of(result)


def _retrieved(result: asyncio.Future[Any]) -> None:
    if not result.cancelled():
        result.exception()


async def _result_of(result: asyncio.Future[Any]) -> ExecutionResult:
    """The shared result; a subscriber leaving while it runs does not cancel it for the others."""
    shared: ExecutionResult = await asyncio.shield(result)
    return shared

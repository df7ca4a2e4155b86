"""Websocket connections (graphql-transport-ws) that last no longer than their API token."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from starlette.websockets import WebSocketDisconnect, WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from .context import Context

REVOKED = 4403  # as for a token refused at connection_init


class TokenBoundHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's handler; once acknowledged, the connection closes with 4403 when its token is revoked or expires.

    The process's ``TokenWatch`` closes it: at once when the revocation is announced, otherwise at its next
    re-check of the token.
    """

    _forget: Callable[[], None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        token = self.context.token
        if self.connection_acknowledged and token is not None and self._forget is None:
            self._forget = self.context.runtime.token_watch.watch(token.id, self.close_revoked)

    async def handle(self) -> None:
        try:
            await super().handle()
        finally:
            if self._forget is not None:
                self._forget()

    async def close_revoked(self) -> None:
        """End every operation (no event reaches the socket any more), then close it."""
        for operation_id in list(self.operations):
            await self.cleanup_operation(operation_id)
        with contextlib.suppress(WebSocketDisconnect, WebSocketDisconnected):  # the client left first
            await self.websocket.close(code=REVOKED, reason="the API token was revoked or has expired")

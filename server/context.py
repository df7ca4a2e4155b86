"""What every resolver gets in ``info.context``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from .loaders import Loaders
from .models import ApiToken, Seller
from .runtime import Runtime


@dataclass
class Context:
    runtime: Runtime
    request: Request | WebSocket  # a websocket for subscriptions
    response: Response | WebSocket | None
    seller: Seller | None = None
    token: ApiToken | None = None  # the token the seller authenticated with (read-only or not)
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(default_factory=Loaders)

    def fresh_loaders(self) -> None:
        """Forget cached rows; a websocket context lives for many events."""
        self.loaders = Loaders()

"""What a token may run: a read-only API token runs queries and subscriptions, and no mutation but those
marked ``READ_ONLY_ALLOWED`` (marking alerts read: the seller's reading state, not its data)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.base import get_object_definition
from strawberry.types.field import StrawberryField

from ..errors import DomainError, Forbidden
from .refusals import payload_refusal

T = TypeVar("T")

READ_ONLY = "This API token is read-only: it runs queries and subscriptions, not mutations."
READ_ONLY_ALLOWED = {"read_only_tokens": True}
"""The ``metadata`` of a mutation that read-only tokens may run too."""


def refuse_read_only_tokens(mutation: type[T]) -> type[T]:
    """Every field of the root ``Mutation`` type, those added later included, refuses read-only tokens."""
    for field in get_object_definition(mutation, strict=True).fields:
        if not field.metadata.get("read_only_tokens"):
            field.extensions.append(ReadOnlyRefusal())
    return mutation


class ReadOnlyRefusal(FieldExtension):
    """A mutation asked with a read-only token does not run: its payload answers a FORBIDDEN userError."""

    def apply(self, field: StrawberryField) -> None:
        self._refusal = _refusal(field)

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        return self._refusal(Forbidden(READ_ONLY)) if _read_only(info) else next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        return self._refusal(Forbidden(READ_ONLY)) if _read_only(info) else await next_(source, info, **kwargs)


def _read_only(info: Info) -> bool:
    token = getattr(info.context, "token", None)
    return token is not None and token.read_only


def _refusal(field: StrawberryField) -> Callable[[DomainError], Any]:
    refusal = payload_refusal(get_object_definition(field.type, strict=True))
    if refusal is None:
        raise TypeError(f"the payload of {field.name} cannot carry a read-only token's refusal as a userError")
    return refusal

"""What a token may run: a read-only API token runs queries and subscriptions, and no mutation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.base import StrawberryList, StrawberryOptional, get_object_definition
from strawberry.types.field import StrawberryField

from ..errors import Forbidden
from .types import UserError

T = TypeVar("T")

READ_ONLY = "This API token is read-only: it runs queries and subscriptions, not mutations."


def refuse_read_only_tokens(mutation: type[T]) -> type[T]:
    """Every field of the root ``Mutation`` type, those added later included, refuses read-only tokens."""
    for field in get_object_definition(mutation, strict=True).fields:
        field.extensions.append(ReadOnlyRefusal())
    return mutation


class ReadOnlyRefusal(FieldExtension):
    """A mutation asked with a read-only token does not run: its payload answers a FORBIDDEN userError."""

    def apply(self, field: StrawberryField) -> None:
        self._refusal = _refusal(field)

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        return self._refusal() if _read_only(info) else next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        return self._refusal() if _read_only(info) else await next_(source, info, **kwargs)


def _read_only(info: Info) -> bool:
    token = getattr(info.context, "token", None)
    return token is not None and token.read_only


def _refusal(field: StrawberryField) -> Callable[[], Any]:
    """Build the payload of ``field`` with FORBIDDEN, its other fields empty (checked once, at schema build)."""
    payload = field.type
    definition = get_object_definition(payload, strict=True)
    if not any(part.python_name == "user_errors" for part in definition.fields):
        raise TypeError(f"{definition.name} has no userErrors to carry a read-only token's refusal")
    empty: dict[str, Callable[[], Any]] = {}
    for part in definition.fields:
        if part.python_name == "user_errors":
            continue
        if isinstance(part.type, StrawberryOptional):
            empty[part.python_name] = lambda: None
        elif isinstance(part.type, StrawberryList):
            empty[part.python_name] = list
        elif part.type is int:
            empty[part.python_name] = int
        else:
            raise TypeError(f"{definition.name}.{part.name} has no empty value for a read-only token's refusal")

    def refusal() -> Any:
        forbidden = Forbidden(READ_ONLY)
        return payload(
            **{name: make() for name, make in empty.items()},
            user_errors=[UserError(code=forbidden.code, message=forbidden.message, field=None)],
        )

    return refusal

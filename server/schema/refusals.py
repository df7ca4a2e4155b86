"""How a mutation refuses before it runs: its own payload, carrying one userError and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strawberry.types.base import StrawberryList, StrawberryObjectDefinition, StrawberryOptional

from ..errors import DomainError
from .types import UserError


def payload_refusal(definition: StrawberryObjectDefinition) -> Callable[[DomainError], Any] | None:
    """A builder of the payload ``definition`` carrying one error, its other fields empty.

    None when the payload has no ``userErrors``, or a field with no empty value (the refusal
    is then a top-level error). Worked out once, when the schema is built.
    """
    if not any(part.python_name == "user_errors" for part in definition.fields):
        return None
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
            return None

    def refusal(error: DomainError) -> Any:
        field = error.field.split(".") if error.field else None
        user_error = UserError(code=error.code, message=error.message, field=field)
        return definition.origin(**{name: make() for name, make in empty.items()}, user_errors=[user_error])

    return refusal

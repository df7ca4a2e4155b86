"""Scalars the schema writes its own way: every DateTime as JavaScript's toISOString does, Decimal as a string."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.types.base_scalars import DecimalDefinition


def serialize_datetime(value: datetime) -> str:
    """UTC with milliseconds and a Z: "2026-12-07T14:10:30.123Z" (a naive value is taken as UTC)."""
    utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return utc.isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"


def parse_datetime(value: object) -> datetime:
    """Any ISO-8601 time with an offset (or Z), as an aware UTC datetime."""
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise StrawberryInputCoercionError(
            f"Value cannot represent a DateTime: {value!r}. Expected ISO-8601 with an offset."
        )
    return parsed.astimezone(UTC)


DateTime = strawberry.scalar(
    name="DateTime",
    description='A moment in UTC, ISO-8601 with milliseconds and a Z: "2026-12-07T14:10:30.123Z".',
    serialize=serialize_datetime,
    parse_value=parse_datetime,
)

Decimal = strawberry.scalar(
    name="Decimal",
    description='An exact decimal number written as a string ("39.00", "-5", "12.3456"), never a float.',
    serialize=str,
    parse_value=DecimalDefinition.parse_value,
)

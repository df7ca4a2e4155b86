from __future__ import annotations

from strawberry.types import Info

from ..context import Context
from ..schema.types import Platform


def resolve_platforms(info: Info[Context, None]) -> list[Platform]:
    return [Platform.from_connector(cls) for cls in info.context.runtime.registry]

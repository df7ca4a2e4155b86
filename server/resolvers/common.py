from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

from ..context import Context
from ..errors import AlreadyDecided, DomainError, Unauthenticated
from ..models import Seller
from ..platforms import ConnectorError
from ..schema.types import ImportedOrder, PageInfo, UserError
from ..services import audit
from ..services.paging import DEFAULT_PAGE, MAX_PAGE, Page
from . import nodes

R = TypeVar("R")
C = TypeVar("C")

# The arguments every list shares. A bad ``first`` or ``after`` is a top-level INVALID_INPUT error naming it.
First = Annotated[int | None, strawberry.argument(description=f"How many: 1 to {MAX_PAGE}, default {DEFAULT_PAGE}.")]
After = Annotated[
    str | None,
    strawberry.argument(description="Continue after this cursor (pageInfo.endCursor); none: from the start."),
]
PlatformFilter = Annotated[
    str | None, strawberry.argument(description='Only this platform\'s (its id: "shopify" ...); none: every platform.')
]
StoreFilter = Annotated[
    strawberry.ID | None, strawberry.argument(description="Only this store's (its id); none: every store.")
]


def seller_of(info: Info[Context, None]) -> Seller:
    seller = info.context.seller
    if seller is None:  # the view authenticates every operation; an explicit check, never one `python -O` drops
        raise Unauthenticated("Send 'Authorization: Bearer <token>' with a valid API token.")
    return seller


def actor_of(info: Info[Context, None]) -> str:
    """Who the audit trail names for this request: its API token."""
    return audit.token_actor(info.context.token)


def user_errors(exc: DomainError | ConnectorError) -> list[UserError]:
    return [UserError(code=exc.code, message=exc.message, field=exc.field.split(".") if exc.field else None)]


def decided_order(info: Info[Context, None], exc: DomainError | ConnectorError) -> ImportedOrder | None:
    """The order as it now stands, when a decision lost to an earlier one."""
    return nodes.imported_order(info, exc.order) if isinstance(exc, AlreadyDecided) else None


def given(**arguments: Any) -> dict[str, Any]:
    """The optional arguments the caller gave (null included)."""
    return {name: value for name, value in arguments.items() if value is not strawberry.UNSET}


def connection(page: Page[R], kind: Callable[..., C], edge: Callable[..., object], node: Callable[[R], object]) -> C:
    """The Relay connection ``kind`` of ``page``: an ``edge`` per row, holding the row's ``node``; its
    totalCount counted only when asked for."""
    return kind(
        edges=[edge(cursor=cursor, node=node(row)) for row, cursor in zip(page.items, page.cursors)],
        page_info=page_info(page),
        count=page.count,
    )


def page_info(page: Page[object]) -> PageInfo:
    return PageInfo(
        has_next_page=page.has_next_page,
        previous=page.previous,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.cursors[-1] if page.cursors else None,
    )


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:  # a fragment, named or inline: its fields are asked for here too
            yield from _fields(selection.selections)


def node_fields(info: Info[Context, None]) -> set[str]:
    """The names of the fields asked for on the nodes of the connection being resolved
    (``edges { node { ... } }``), through fragments too: what its rows must be read with."""
    level = [child for field in _fields(info.selected_fields) for child in _fields(field.selections)]
    for name in ("edges", "node"):
        level = [child for field in level if field.name == name for child in _fields(field.selections)]
    return {field.name for field in level}


def columns_for(fields: Collection[str], columns: Mapping[str, str]) -> set[str]:
    """The columns (the values of ``columns``) that the ``fields`` asked for (its keys) need."""
    return {column for name, column in columns.items() if name in fields}

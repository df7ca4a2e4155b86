from __future__ import annotations

from strawberry.types import Info

from ..context import Context
from ..errors import DomainError
from ..models import Seller
from ..schema.types import PageInfo, UserError
from ..services.paging import Page


def seller_of(info: Info[Context, None]) -> Seller:
    seller = info.context.seller
    assert seller is not None, "the view authenticates every operation"
    return seller


def user_errors(exc: DomainError) -> list[UserError]:
    return [UserError(code=exc.code, message=exc.message, field=exc.field.split(".") if exc.field else None)]


def page_info(page: Page[object]) -> PageInfo:
    return PageInfo(has_next_page=page.has_next_page, end_cursor=page.cursors[-1] if page.cursors else None)

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from functools import partial
from typing import Annotated

import strawberry
from strawberry.types import Info

from .. import models
from ..context import Context
from ..errors import DomainError
from ..schema.alerts import (
    Alert,
    AlertConnection,
    AlertEdge,
    AlertWebhook,
    JobLoader,
    MarkAlertsReadPayload,
    SetAlertWebhookPayload,
    TransactionLoader,
)
from ..schema.types import ImportJob, Transaction
from ..services import alert_webhooks, alerts
from . import nodes
from .common import After, First, connection, seller_of, user_errors


def alert(info: Info[Context, None], row: models.Alert) -> Alert:
    return Alert.from_row(row, nodes.store_loader(info), _job_loader(info), _transaction_loader(info))


def _job_loader(info: Info[Context, None]) -> JobLoader:
    async def load(job_id: uuid.UUID) -> ImportJob | None:
        row = await info.context.loaders.job.load(job_id)
        return nodes.import_job(info, row) if row is not None and row.seller_id == seller_of(info).id else None

    return load


def _transaction_loader(info: Info[Context, None]) -> TransactionLoader:
    async def load(transaction_id: uuid.UUID) -> Transaction | None:
        row = await info.context.loaders.transaction.load(transaction_id)
        return nodes.transaction(info, row) if row is not None and row.seller_id == seller_of(info).id else None

    return load


async def resolve_alerts(
    info: Info[Context, None],
    unread_only: Annotated[
        bool | None, strawberry.argument(description="Only the alerts not marked read (markAlertsRead).")
    ] = False,
    first: First = 50,
    after: After = None,
) -> AlertConnection:
    page = await alerts.list_alerts(seller_of(info), unread_only=bool(unread_only), first=first, after=after)
    return connection(page, AlertConnection, AlertEdge, partial(alert, info))


async def resolve_unread_alert_count(info: Info[Context, None]) -> int:
    return await alerts.unread_count(seller_of(info))


async def resolve_alert_webhook(info: Info[Context, None]) -> AlertWebhook | None:
    row = await alert_webhooks.get_endpoint(seller_of(info))
    return AlertWebhook.from_row(row) if row is not None else None


async def resolve_mark_alerts_read(
    info: Info[Context, None],
    ids: Annotated[
        list[strawberry.ID] | None,
        strawberry.argument(
            description="1 to 100 alert ids; null or absent: every unread alert of the seller. Ids of alerts read "
            "already, or not the seller's, are not counted."
        ),
    ] = None,
) -> MarkAlertsReadPayload:
    try:
        marked = await alerts.mark_read(seller_of(info), ids)
    except DomainError as exc:
        return MarkAlertsReadPayload(marked=0, user_errors=user_errors(exc))
    return MarkAlertsReadPayload(marked=marked, user_errors=[])


async def resolve_set_alert_webhook(
    info: Info[Context, None],
    url: Annotated[
        str | None,
        strawberry.argument(
            description="An https:// URL with a public address (the rules of apiBaseUrl); null: send alerts nowhere."
        ),
    ] = None,
) -> SetAlertWebhookPayload:
    try:
        row, secret = await alert_webhooks.set_endpoint(info.context.runtime, seller_of(info), url)
    except DomainError as exc:
        return SetAlertWebhookPayload(url=None, secret=None, user_errors=user_errors(exc))
    return SetAlertWebhookPayload(url=row.url if row else None, secret=secret, user_errors=[])


async def subscribe_alerts(info: Info[Context, None]) -> AsyncGenerator[Alert, None]:
    async for row in alerts.watch(info.context.runtime, seller_of(info)):
        info.context.fresh_loaders()
        yield alert(info, row)

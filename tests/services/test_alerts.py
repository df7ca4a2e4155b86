"""Alerts are raised once per open condition until it clears, cleaned of secrets, and queued for the seller's URL."""

from __future__ import annotations

import asyncio
from enum import Enum

from server.models import Alert, AlertDelivery, AlertEndpoint, AlertKind, Seller
from server.schema import alerts as alert_types
from server.services import accounts
from server.services.alerts import clear, raise_alert
from tests.support import Server


async def _seller(name: str = "alice") -> Seller:
    return await accounts.get_or_create_seller(name)


async def test_a_condition_raises_one_alert_until_it_clears(server: Server) -> None:
    rt, seller = server.runtime, await _seller()

    first = await raise_alert(rt, seller_id=seller.id, kind=AlertKind.IMPORT_FAILING, condition="c", message="one")
    again = await raise_alert(rt, seller_id=seller.id, kind=AlertKind.IMPORT_FAILING, condition="c", message="two")
    await clear(rt, seller_id=seller.id, condition="c")
    after = await raise_alert(rt, seller_id=seller.id, kind=AlertKind.IMPORT_FAILING, condition="c", message="three")

    assert first is not None and again is None and after is not None
    rows = {row.message: row for row in await Alert.filter(seller_id=seller.id)}
    assert set(rows) == {"one", "three"}
    assert rows["one"].open_condition is None and rows["one"].cleared_at is not None
    assert rows["three"].open_condition == "c" and rows["three"].cleared_at is None


async def test_the_same_condition_of_another_seller_is_its_own_alert(server: Server) -> None:
    rt = server.runtime
    for name in ("alice", "bob"):
        seller = await _seller(name)
        assert await raise_alert(rt, seller_id=seller.id, kind=AlertKind.WEBHOOK_SILENT, condition="c", message="m")
    assert await Alert.all().count() == 2


async def test_raising_at_the_same_moment_ends_with_one_alert(server: Server) -> None:
    rt, seller = server.runtime, await _seller()

    raised = await asyncio.gather(
        *(
            raise_alert(rt, seller_id=seller.id, kind=AlertKind.WEBHOOK_SILENT, condition="race", message=f"m{n}")
            for n in range(8)
        )
    )

    assert sum(alert is not None for alert in raised) == 1
    assert await Alert.filter(seller_id=seller.id, open_condition="race").count() == 1


async def test_secrets_never_reach_the_message_or_detail(server: Server) -> None:
    rt, seller = server.runtime, await _seller()

    alert = await raise_alert(
        rt,
        seller_id=seller.id,
        kind=AlertKind.CREDENTIALS_REJECTED,
        condition="creds",
        message="refused: Authorization: Bearer shpat_abcdefghijklmnop, token=oi_abcdefghijkl",
        detail={"status": 401, "access_token": "shpat_abcdefghijklmnop", "body": {"client_secret": "s3cr3t-value"}},
    )

    assert alert is not None
    row = await Alert.get(id=alert.id)
    assert "shpat_abcdefghijklmnop" not in row.message and "oi_abcdefghijkl" not in row.message
    assert row.detail == {"status": 401, "body": {}}


async def test_an_alert_is_queued_for_delivery_only_when_the_seller_set_a_url(server: Server) -> None:
    rt, seller = server.runtime, await _seller()
    await raise_alert(rt, seller_id=seller.id, kind=AlertKind.IMPORT_FAILING, condition="a", message="m")
    await AlertEndpoint.create(seller=seller, url="https://alerts.example.com/in", secret="x")
    queued = await raise_alert(rt, seller_id=seller.id, kind=AlertKind.IMPORT_FAILING, condition="b", message="m")

    [delivery] = await AlertDelivery.all()
    assert queued is not None and delivery.alert_id == queued.id
    assert (delivery.url, delivery.attempts, delivery.delivered_at) == ("https://alerts.example.com/in", 0, None)
    assert delivery.next_attempt_at is not None


def test_every_stored_alert_kind_has_its_graphql_value() -> None:
    served: type[Enum] = alert_types.AlertKind
    assert [member.value for member in served] == [member.value for member in AlertKind]

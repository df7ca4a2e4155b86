"""The audit trail: every import, decision, forced accept, store change and token change, with its actor,
written in the transaction of the change it records; a seller reads only their own."""

from __future__ import annotations

from typing import Any

import pytest

from server.models import AuditEvent, ImportedOrder, ImportStatus, Transaction
from server.services import audit
from tests.conftest import new_token
from tests.graphql.queries import ACCEPT, CANCEL, DISCONNECT_STORE, UPDATE_STORE
from tests.graphql.test_bulk_decisions import pending_ids
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.graphql.test_tokens import make_token, revoke
from tests.support import Server

AUDIT_LOG = """
query($store: ID, $importedOrder: ID, $first: Int, $after: String) {
  auditLog(store: $store, importedOrder: $importedOrder, first: $first, after: $after) {
    edges { cursor node { actor action detail store { id } importedOrder { id orderNumber } job { id } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}
"""
HISTORY = """
query($id: ID!) {
  importedOrder(id: $id) {
    decidedBy
    history { actor action detail job { id } }
    transaction { acceptedBy paymentStatus testOrder }
  }
}
"""
FORCE = """
mutation($id: ID!) { acceptImport(id: $id, force: true) { importedOrder { status } userErrors { code } } }
"""
ACTOR = "token:token-1"  # the name of a seller's first token


async def audit_log(server: Server, token: str, **args: Any) -> dict[str, Any]:
    return (await server.execute(AUDIT_LOG, args, token=token))["auditLog"]


async def history(server: Server, token: str, order_id: str) -> dict[str, Any]:
    return (await server.execute(HISTORY, {"id": order_id}, token=token))["importedOrder"]


async def test_an_import_and_each_decision_are_in_the_order_s_history(server, token, store_id, shopify):
    accepted, canceled, unpaid = await pending_ids(server, token, store_id, shopify, 3)
    await ImportedOrder.filter(id=unpaid).update(payment_status="PENDING")

    await server.execute(ACCEPT, {"id": accepted}, token=token)
    await server.execute(CANCEL, {"id": canceled, "reason": "a duplicate"}, token=token)
    forced = (await server.execute(FORCE, {"id": unpaid}, token=token))["acceptImport"]

    assert forced == {"importedOrder": {"status": "ACCEPTED"}, "userErrors": []}
    job = (await ImportedOrder.get(id=accepted)).job_id
    first = await history(server, token, accepted)
    assert first["decidedBy"] == ACTOR
    assert [(e["action"], e["actor"]) for e in first["history"]] == [
        ("ORDER_IMPORTED", ACTOR),
        ("ACCEPTED", ACTOR),
    ]
    assert first["history"][0]["job"] == {"id": str(job)}
    listed = await Transaction.get(imports__id=accepted)
    assert first["history"][1]["detail"] == {"transactionId": str(listed.id)}
    assert first["transaction"] == {"acceptedBy": ACTOR, "paymentStatus": "PAID", "testOrder": False}
    second = await history(server, token, canceled)
    assert (second["decidedBy"], second["transaction"]) == (ACTOR, None)
    assert second["history"][1]["action"] == "CANCELED"
    assert second["history"][1]["detail"] == {"reason": "a duplicate"}
    third = await history(server, token, unpaid)
    [forced_entry] = [e for e in third["history"] if e["action"] == "FORCED_ACCEPT"]
    assert forced_entry["actor"] == ACTOR
    assert forced_entry["detail"] == {
        "refused": "PAYMENT_NOT_CAPTURED",
        "paymentStatus": "PENDING",
        "platformStatus": "PAID",
        "canceled": False,
        "testOrder": False,
        "transactionId": forced_entry["detail"]["transactionId"],
    }
    assert third["transaction"]["paymentStatus"] == "PENDING"
    log = await audit_log(server, token, store=store_id, first=200)
    [started] = [e["node"] for e in log["edges"] if e["node"]["action"] == "IMPORT_STARTED"]
    assert (started["actor"], started["job"]) == (ACTOR, {"id": str(job)})
    assert started["detail"] == {"trigger": "SELLER", "dryRun": False, "hours": 1}


async def test_a_store_s_connection_changes_and_a_token_s_life_are_audited(server, token, store_id):
    await server.execute(UPDATE_STORE, {"id": store_id, "name": "Renamed"}, token=token)
    _, other = await make_token("alice", "laptop")
    await revoke(server, token, other)
    await server.execute(DISCONNECT_STORE, {"id": store_id}, token=token)

    log = await audit_log(server, token)

    entries = [(e["node"]["action"], e["node"]["actor"], e["node"]["detail"]) for e in log["edges"]]
    assert entries == [  # newest first
        ("STORE_DISCONNECTED", ACTOR, {"name": "Renamed"}),
        ("TOKEN_REVOKED", ACTOR, {"tokenId": other, "name": "laptop", "readOnly": False}),
        ("TOKEN_CREATED", "cli", {"tokenId": other, "name": "laptop", "readOnly": False}),
        ("STORE_UPDATED", ACTOR, {"changed": ["name"], "name": "Renamed"}),
        ("STORE_CONNECTED", ACTOR, {"name": "Alice's shop", "platform": "shopify"}),
        ("TOKEN_CREATED", "cli", entries[-1][2]),
    ]
    assert log["totalCount"] == 6
    assert {e["node"]["store"]["id"] for e in log["edges"] if "STORE" in e["node"]["action"]} == {store_id}


async def test_credentials_never_reach_the_audit_trail(server, token, store_id):
    secret = "shpss_a_new_webhook_secret"
    credentials = {
        "shop_domain": "test-shop.myshopify.com",
        "access_token": "shpat_test_token",
        "webhook_secret": secret,
    }
    changed = await server.execute(UPDATE_STORE, {"id": store_id, "credentials": credentials}, token=token)

    assert changed["updateStore"]["userErrors"] == []
    [updated] = [e for e in (await audit_log(server, token))["edges"] if e["node"]["action"] == "STORE_UPDATED"]

    assert updated["node"]["detail"] == {"changed": ["credentials"], "name": "Alice's shop"}
    assert secret not in str([row.detail for row in await AuditEvent.all()])


async def test_an_order_changed_on_the_platform_is_audited_by_the_import_that_saw_it(server, token, store_id, shopify):
    created = add(shopify, 30, total="12.00")
    await import_orders(server, token, store_id, hours=1)
    [row] = await pending(server, token)
    created["displayFinancialStatus"] = "REFUNDED"

    again = await import_orders(server, token, store_id, orderId="#1001")

    changed = [e for e in (await history(server, token, row["id"]))["history"] if e["action"] == "ORDER_CHANGED"]
    assert [(e["actor"], e["job"]) for e in changed] == [(ACTOR, {"id": again["job"]["id"]})]
    assert changed[0]["detail"]["paymentStatus"] == "REFUNDED"
    assert changed[0]["detail"]["was"]["paymentStatus"] == "PAID"


async def test_a_seller_reads_only_their_own_entries(server, token, store_id, shopify):
    [order] = await pending_ids(server, token, store_id, shopify, 1)
    bob = await new_token("bob")

    theirs = await audit_log(server, bob)
    by_store = await audit_log(server, bob, store=store_id)
    by_order = await audit_log(server, bob, importedOrder=order)
    not_an_id = await audit_log(server, token, store="not-an-id")

    assert [e["node"]["action"] for e in theirs["edges"]] == ["TOKEN_CREATED"]  # bob's own token only
    assert by_store["edges"] == by_order["edges"] == not_an_id["edges"] == []
    mine = await audit_log(server, token, importedOrder=order)
    assert [e["node"]["action"] for e in mine["edges"]] == ["ORDER_IMPORTED"]


async def test_the_audit_log_pages_newest_first(server, token, store_id, shopify):
    await pending_ids(server, token, store_id, shopify, 5)

    first = await audit_log(server, token, first=4)
    rest = await audit_log(server, token, first=4, after=first["pageInfo"]["endCursor"])

    assert first["totalCount"] == rest["totalCount"] == 8  # token, store, import started, five orders
    assert first["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]
    actions = [e["node"]["action"] for e in first["edges"] + rest["edges"]]
    assert actions[-3:] == ["IMPORT_STARTED", "STORE_CONNECTED", "TOKEN_CREATED"]


@pytest.mark.database
async def test_an_entry_that_cannot_be_written_undoes_its_decision(server, token, store_id, shopify, monkeypatch):
    [order] = await pending_ids(server, token, store_id, shopify, 1)

    async def broken(conn: Any, entries: Any) -> None:
        raise RuntimeError("the audit table is unavailable")

    monkeypatch.setattr(audit, "record", broken)
    answer = await server.post(ACCEPT, {"id": order}, token=token)

    assert answer.status == 200
    row = await ImportedOrder.get(id=order)
    assert (row.status, row.decided_by, row.transaction_id) == (ImportStatus.PENDING, None, None)
    assert await Transaction.all().count() == 0

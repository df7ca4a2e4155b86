"""The lists read what a request asks for: one query per page, totalCount and the heavy columns only when selected,
and a listed node is the node read alone."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise import connections

from server.services import paging
from tests.databases import on_postgres
from tests.graphql.test_paging import ACCEPT, _imported

ORDER = (
    "id orderId orderNumber status paymentStatus placedAt importedAt buyer { name email } "
    "total { amount currencyCode } lineItems { sku name quantity unitPrice { amount currencyCode } "
    "total { amount currencyCode } } raw decidedAt decidedBy cancelReason testOrder platformStatus "
    "canceledOnPlatform checkedAt store { id name webhookUrl } platform { id name } job { id } transaction { id }"
)
ROW = (
    "id orderId orderNumber status source buyer { name email } total { amount currencyCode } "
    "lineItems { sku name quantity unitPrice { amount currencyCode } total { amount currencyCode } } "
    "placedAt createdAt paymentStatus testOrder acceptedBy store { id name } platform { id name }"
)
JOB = "id method orderId hours status fetched imported skipped startedAt finishedAt trigger startedBy store { id }"


class _Recorded:
    """A database client that notes the SQL of each list query before running it."""

    def __init__(self, client: Any, seen: list[str]) -> None:
        self._client, self._seen = client, seen

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def execute_query_dict(self, sql: str, values: Any = None) -> Any:
        self._seen.append(sql)
        return await self._client.execute_query_dict(sql, values)


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    class Spy:
        def get(self, name: str) -> _Recorded:
            return _Recorded(connections.get(name), seen)

    monkeypatch.setattr(paging, "connections", Spy())
    return seen


async def test_total_count_is_counted_only_when_asked_for(server, token, store_id, shopify, statements):
    await _imported(server, token, store_id, shopify, 3)

    plain = await server.execute("{ pendingImports(first: 2) { edges { node { id } } } }", token=token)
    without = list(statements)
    counted = await server.execute("{ pendingImports(first: 2) { totalCount edges { node { id } } } }", token=token)

    assert len(plain["pendingImports"]["edges"]) == 2
    assert [s for s in without if "COUNT(" in s] == []
    assert len(without) == 1  # the page itself: one query
    assert counted["pendingImports"]["totalCount"] == 3
    assert len([s for s in statements[len(without) :] if "COUNT(" in s]) == 1


async def test_the_payload_and_line_items_are_read_only_when_asked_for(server, token, store_id, shopify, statements):
    await _imported(server, token, store_id, shopify, 1)

    light = await server.execute("{ pendingImports { edges { node { id orderNumber } } } }", token=token)
    [light_sql] = statements
    heavy = await server.execute("{ pendingImports { edges { node { id raw lineItems { sku } } } } }", token=token)

    assert light["pendingImports"]["edges"][0]["node"]["orderNumber"] == "#1001"
    assert '"payload"' not in light_sql and '"line_items"' not in light_sql
    assert '"payload"' in statements[1] and '"line_items"' in statements[1]
    [node] = [edge["node"] for edge in heavy["pendingImports"]["edges"]]
    assert node["raw"] and node["lineItems"]


async def test_a_listed_order_job_and_row_are_what_they_are_read_alone(server, token, store_id, shopify):
    await _imported(server, token, store_id, shopify, 3)
    listed = await server.execute(f"{{ pendingImports {{ edges {{ node {{ {ORDER} }} }} }} }}", token=token)
    orders = [edge["node"] for edge in listed["pendingImports"]["edges"]]
    accepted = await server.execute(ACCEPT, {"id": orders[0]["id"]}, token=token)
    assert accepted["acceptImport"]["userErrors"] == []

    alone = [
        (await server.execute(f'{{ importedOrder(id: "{o["id"]}") {{ {ORDER} }} }}', token=token))["importedOrder"]
        for o in orders[1:]
    ]
    rows = await server.execute(
        f"{{ transactions {{ edges {{ node {{ {ROW} }} }} }} "
        f'importedOrder(id: "{orders[0]["id"]}") {{ transaction {{ {ROW} }} }} }}',
        token=token,
    )
    jobs = await server.execute(f"{{ importJobs {{ edges {{ node {{ {JOB} }} }} }} }}", token=token)
    [job] = [edge["node"] for edge in jobs["importJobs"]["edges"]]
    job_alone = await server.execute(f'{{ importJob(id: "{job["id"]}") {{ {JOB} }} }}', token=token)

    assert orders[1:] == alone
    assert [edge["node"] for edge in rows["transactions"]["edges"]] == [rows["importedOrder"]["transaction"]]
    assert job == job_alone["importJob"]
    assert job["store"]["id"] == store_id


async def test_each_list_pages_through_every_row_once_under_its_filters(server, token, store_id, shopify):
    await _imported(server, token, store_id, shopify, 5)
    query = """
    query($after: String, $store: ID, $platform: String) {
      pendingImports(first: 2, after: $after, store: $store, platform: $platform) {
        pageInfo { hasNextPage endCursor } edges { node { orderNumber } }
      }
    }"""

    async def every(**filters: str) -> list[str]:
        numbers: list[str] = []
        after = None
        while True:
            page = (await server.execute(query, {"after": after, **filters}, token=token))["pendingImports"]
            numbers += [edge["node"]["orderNumber"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return numbers
            after = page["pageInfo"]["endCursor"]

    expected = ["#1001", "#1002", "#1003", "#1004", "#1005"]
    assert await every() == expected
    assert await every(store=store_id, platform="shopify") == expected
    assert await every(platform="ebay") == []
    assert await every(store="not-an-id") == []


@pytest.mark.skipif(on_postgres(), reason="SQLite's plan; PostgreSQL's is printed by bench/list_queries.py")
async def test_a_page_is_read_in_index_order_without_a_sort(server, token):
    db = connections.get("default")
    for sql in (
        'SELECT "id" FROM "imported_order" WHERE "seller_id" = ? AND "status" = ? ORDER BY "placed_at" DESC, "id" DESC',
        'SELECT "id" FROM "imported_order" WHERE "store_id" = ? AND "status" = ? ORDER BY "placed_at" DESC, "id" DESC',
        'SELECT "id" FROM "transaction" WHERE "seller_id" = ? ORDER BY "created_at" DESC, "id" DESC',
        'SELECT "id" FROM "import_job" WHERE "seller_id" = ? ORDER BY "started_at" DESC, "id" DESC',
    ):
        values = ["x", "PENDING"] if "status" in sql else ["x"]
        plan = " / ".join(row["detail"] for row in await db.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}", values))
        assert "USING COVERING INDEX" in plan and "TEMP B-TREE" not in plan, plan

"""Every list pages as the Relay connection spec has it: start and end cursors, and honest previous/next flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from plugins.shopify.emulator import ShopifyEmulator
from tests.graphql.queries import IMPORT_ORDERS
from tests.support import Server

PAGE = """
query($first: Int, $after: String) {
  pendingImports(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id orderNumber } }
  }
}
"""
ACCEPT = "mutation($id: ID!) { acceptImport(id: $id) { userErrors { code } } }"
STORE = "id name webhookUrl webhookHealth { forgedCount quiet usualGapSeconds } platform { id }"
STORE_PATHS = f"""
query {{
  stores {{ {STORE} }}
  pendingImports {{ edges {{ node {{ store {{ {STORE} }} job {{ store {{ {STORE} }} }} }} }} }}
  importJobs {{ edges {{ node {{ store {{ {STORE} }} }} }} }}
  transactions {{ edges {{ node {{ store {{ {STORE} }} }} }} }}
}}
"""


async def _imported(server: Server, token: str, store_id: str, shopify: ShopifyEmulator, count: int) -> None:
    for minutes in range(1, count + 1):
        shopify.add_order(created_at=datetime.now(UTC) - timedelta(minutes=minutes))
    data = await server.execute(IMPORT_ORDERS, {"platform": "shopify", "store": store_id, "hours": 1}, token=token)
    assert data["importOrders"]["job"]["imported"] == count


async def _page(server: Server, token: str, **variables: Any) -> dict[str, Any]:
    return (await server.execute(PAGE, variables, token=token))["pendingImports"]


async def test_two_pages_give_their_cursors_and_what_lies_before_and_after(server, token, store_id, shopify):
    await _imported(server, token, store_id, shopify, 5)

    first = await _page(server, token, first=3)
    second = await _page(server, token, first=3, after=first["pageInfo"]["endCursor"])

    for page, before, after in ((first, False, True), (second, True, False)):
        cursors = [edge["cursor"] for edge in page["edges"]]
        assert page["pageInfo"] == {
            "hasNextPage": after,
            "hasPreviousPage": before,
            "startCursor": cursors[0],
            "endCursor": cursors[-1],
        }
    numbers = [edge["node"]["orderNumber"] for edge in first["edges"] + second["edges"]]
    assert numbers == ["#1001", "#1002", "#1003", "#1004", "#1005"]


async def test_nothing_before_a_page_once_the_earlier_items_left_the_list(server, token, store_id, shopify):
    await _imported(server, token, store_id, shopify, 4)
    first = await _page(server, token, first=2)
    for edge in first["edges"]:
        answer = await server.execute(ACCEPT, {"id": edge["node"]["id"]}, token=token)
        assert answer["acceptImport"]["userErrors"] == []

    rest = await _page(server, token, first=2, after=first["pageInfo"]["endCursor"])

    assert [edge["node"]["orderNumber"] for edge in rest["edges"]] == ["#1003", "#1004"]
    assert rest["pageInfo"]["hasPreviousPage"] is False  # checked, not assumed from `after`


async def test_an_empty_page_has_no_cursors(server, token, store_id, shopify):
    await _imported(server, token, store_id, shopify, 1)
    first = await _page(server, token, first=1)

    empty = await _page(server, token, first=1, after=first["pageInfo"]["endCursor"])

    assert (empty["edges"], empty["totalCount"]) == ([], 1)
    assert empty["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }


async def test_a_store_reached_through_any_path_carries_its_webhook_facts(server, token, store_id, shopify):
    await _imported(server, token, store_id, shopify, 2)
    [order, _] = [edge["node"] for edge in (await _page(server, token))["edges"]]
    assert (await server.execute(ACCEPT, {"id": order["id"]}, token=token))["acceptImport"]["userErrors"] == []

    data = await server.execute(STORE_PATHS, token=token)

    [store] = data["stores"]
    assert store["webhookUrl"].endswith(f"/webhooks/shopify/{store_id}")
    reached = [
        *(edge["node"]["store"] for edge in data["pendingImports"]["edges"]),
        *(edge["node"]["job"]["store"] for edge in data["pendingImports"]["edges"]),
        *(edge["node"]["store"] for edge in data["importJobs"]["edges"]),
        *(edge["node"]["store"] for edge in data["transactions"]["edges"]),
    ]
    assert len(reached) == 4
    assert all(found == store for found in reached)

"""The import job history: the caller's jobs, newest first, paged and narrowed."""

from __future__ import annotations

from typing import Any

import pytest

import plugins.shopify
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.queries import IMPORT_JOBS, IMPORT_ORDERS
from tests.graphql.test_bad_input import _OtherPlatform
from tests.graphql.test_import_flow import add, import_orders
from tests.support import Server, running_server, settings


async def jobs(server: Server, token: str, **variables: Any) -> dict[str, Any]:
    return (await server.execute(IMPORT_JOBS, variables, token=token))["importJobs"]


async def test_jobs_come_newest_first_in_pages(server, token, store_id, shopify):
    add(shopify, 5)
    started = [(await import_orders(server, token, store_id, hours=h))["job"] for h in (1, 2, 3)]
    started += [(await import_orders(server, token, store_id, orderId=ref))["job"] for ref in ("#1001", "#9999")]

    seen, after = [], None
    while True:
        page = await jobs(server, token, first=2, after=after)
        assert page["totalCount"] == 5
        seen += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert [job["id"] for job in seen] == [job["id"] for job in reversed(started)]
    assert seen == [job | {"store": {"id": store_id}} for job in reversed(started)]
    assert [job["errorCode"] for job in seen[:2]] == ["ORDER_NOT_FOUND", None]


@pytest.mark.database
async def test_jobs_narrow_to_a_platform_and_a_store(shopify, shopify_url):
    async with running_server(settings(extra_plugins=(plugins.shopify, _OtherPlatform()))) as server:
        token = await new_token("carol")
        shop = {"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_test_token"}
        stores = {}
        for platform, name, credentials, url in (
            ("shopify", "One", shop, shopify_url),
            ("shopify", "Two", shop, shopify_url),
            ("other", "Three", {"key": "k"}, None),
        ):
            data = await server.execute(
                CONNECT_STORE,
                {"platform": platform, "name": name, "credentials": credentials, "apiBaseUrl": url},
                token=token,
            )
            stores[name] = data["connectStore"]["store"]["id"]
        add(shopify, 5)
        ran = {}
        for name, platform in (("One", "shopify"), ("Two", "shopify"), ("Three", "other"), ("One", "shopify")):
            data = await server.execute(
                IMPORT_ORDERS, {"platform": platform, "store": stores[name], "orderId": "#1001"}, token=token
            )
            ran.setdefault(name, []).append(data["importOrders"]["job"]["id"])

        def ids(page: dict[str, Any]) -> list[str]:
            return [edge["node"]["id"] for edge in page["edges"]]

        assert ids(await jobs(server, token, platform="other")) == ran["Three"]
        assert ids(await jobs(server, token, platform="shopify")) == ran["One"][1:] + ran["Two"] + ran["One"][:1]
        assert ids(await jobs(server, token, store=stores["One"])) == ran["One"][::-1]
        assert ids(await jobs(server, token, platform="other", store=stores["One"])) == []
        assert (await jobs(server, token, platform="amazon"))["totalCount"] == 0
        assert (await jobs(server, token, store="not-an-id"))["totalCount"] == 0
        assert (await jobs(server, await new_token("bob")))["totalCount"] == 0

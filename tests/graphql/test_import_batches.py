"""An import of a list of ids asks the platform with its batch lookup, a request per group of ids, not per id."""

from __future__ import annotations

import math

from server.services.imports import LOOKUP_PAGE
from tests.graphql.test_import_flow import add
from tests.graphql.test_receipts import receipt, run


async def test_a_list_of_ids_is_one_shopify_search_per_group_of_ids(server, token, store_id, shopify):
    orders = [add(shopify, 10 + n) for n in range(29)]
    asked = [order["name"] for order in orders[:25]] + [orders[25]["id"], orders[26]["legacyResourceId"], "#4040"]
    shopify.requests.clear()

    job = await run(server, token, store_id, orderIds=asked)

    assert (job["status"], job["fetched"], job["imported"]) == ("SUCCEEDED", 27, 27)
    lines = await receipt(server, token, job["id"])
    assert [line["outcome"] for line in lines] == ["IMPORTED"] * 27 + ["NOT_FOUND"]
    assert len(shopify.requests) == math.ceil(len(asked) / LOOKUP_PAGE) == 2
    assert all(" OR " in request["json"]["variables"]["query"] for request in shopify.requests)

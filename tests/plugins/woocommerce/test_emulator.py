"""The WooCommerce REST API v3 emulator behaves like WooCommerce's documentation and code say."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from plugins.woocommerce.emulator import WooCommerceEmulator, demo_emulator
from server.platforms.testing import PlatformDouble, SeededOrder
from tests.conftest import SAMPLES

ORDERS = "/wp-json/wc/v3/orders"
T0 = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)  # 10:00 in New York (EST, UTC-5)
NOW = T0 + timedelta(days=1)
KEY = "ck_1111111111111111111111111111111111111111"
SECRET = "cs_2222222222222222222222222222222222222222"
Client = TestClient[Any, Any]


def oauth(
    method: str, url: str, params: Mapping[str, str], *, secret: str = SECRET, **overrides: str
) -> dict[str, str]:
    """RFC 5849 one-legged signing as WooCommerce's docs describe it, written independently of the emulator."""
    signed = {
        **params,
        "oauth_consumer_key": KEY,
        "oauth_timestamp": str(int(NOW.timestamp())),
        "oauth_nonce": uuid.uuid4().hex,
        "oauth_signature_method": "HMAC-SHA1",
        **overrides,
    }

    def enc(text: str) -> str:
        return quote(text, safe="")

    normalized = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(signed.items()))
    base = "&".join((method, enc(url), enc(normalized)))
    digest = hashlib.sha256 if signed["oauth_signature_method"] == "HMAC-SHA256" else hashlib.sha1
    signature = hmac.new(f"{secret}&".encode(), base.encode(), digest).digest()
    return {**signed, "oauth_signature": base64.b64encode(signature).decode()}


class Api:
    """Signed GETs against the emulator over plain HTTP (OAuth 1.0a, as WooCommerce requires there)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def url(self, path: str) -> str:
        return str(self.client.make_url(path))

    async def get(self, path: str = ORDERS, **params: str) -> aiohttp.ClientResponse:
        response = await self.client.get(path, params=oauth("GET", self.url(path), params))
        await response.read()
        return response

    async def json(self, path: str = ORDERS, **params: str) -> Any:
        response = await self.get(path, **params)
        assert response.status == 200, await response.text()
        return await response.json()

    async def ids(self, **params: str) -> list[int]:
        return [order["id"] for order in await self.json(**params)]


def make_emulator(**options: Any) -> WooCommerceEmulator:
    return WooCommerceEmulator(consumer_key=KEY, consumer_secret=SECRET, now=lambda: NOW, **options)


@pytest.fixture
def emulator() -> WooCommerceEmulator:
    return make_emulator()


@pytest.fixture
async def client(emulator: WooCommerceEmulator) -> AsyncIterator[Client]:
    async with TestClient(TestServer(emulator.app())) as test_client:
        yield test_client


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


async def error_of(response: aiohttp.ClientResponse) -> tuple[int, str, str]:
    body = await response.json()
    return response.status, body["code"], body["message"]


# --- authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["HMAC-SHA1", "HMAC-SHA256"])
async def test_oauth_in_the_query_string_over_http(api: Api, emulator: WooCommerceEmulator, algorithm: str) -> None:
    emulator.add_order(created_at=T0)
    response = await api.client.get(
        ORDERS, params=oauth("GET", api.url(ORDERS), {"per_page": "5"}, oauth_signature_method=algorithm)
    )
    assert response.status == 200
    assert len(await response.json()) == 1


async def test_oauth_in_the_authorization_header(api: Api, emulator: WooCommerceEmulator) -> None:
    order = emulator.add_order(created_at=T0)
    path = f"{ORDERS}/{order['id']}"
    signed = oauth("GET", api.url(path), {})
    header = "OAuth " + ", ".join(f'{k}="{quote(v, safe="")}"' for k, v in signed.items())
    response = await api.client.get(path, headers={"Authorization": header})
    assert response.status == 200
    assert (await response.json())["id"] == order["id"]


def basic(key: str = KEY, secret: str = SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}


@pytest.mark.parametrize(
    ("headers", "params"),
    [({}, {}), (basic(), {}), ({}, {"consumer_key": KEY, "consumer_secret": SECRET})],
    ids=["no credentials", "basic over http", "query keys over http"],
)
async def test_over_http_only_oauth_authenticates(
    client: Client, headers: dict[str, str], params: dict[str, str]
) -> None:
    listing = await client.get(ORDERS, headers=headers, params=params)
    assert await error_of(listing) == (401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
    one = await client.get(f"{ORDERS}/1234", headers=headers, params=params)
    assert await error_of(one) == (401, "woocommerce_rest_cannot_view", "Sorry, you cannot view this resource.")


@pytest.mark.parametrize(
    ("overrides", "code", "message"),
    [
        (
            {"secret": "cs_wrong"},
            "woocommerce_rest_authentication_error",
            "Invalid signature - provided signature does not match.",
        ),
        ({"oauth_consumer_key": "ck_unknown"}, "woocommerce_rest_authentication_error", "Consumer key is invalid."),
        (
            {"oauth_timestamp": str(int(NOW.timestamp()) - 901)},
            "woocommerce_rest_authentication_error",
            "Invalid timestamp.",
        ),
        (
            {"oauth_timestamp": str(int(NOW.timestamp()) + 901)},
            "woocommerce_rest_authentication_error",
            "Invalid timestamp.",
        ),
        (
            {"oauth_signature_method": "PLAINTEXT"},
            "woocommerce_rest_authentication_error",
            "Invalid signature - signature method is invalid.",
        ),
        (
            {"oauth_nonce": ""},
            "woocommerce_rest_authentication_missing_parameter",
            "Missing OAuth parameter oauth_nonce",
        ),
    ],
)
async def test_oauth_refusals_are_401_with_woocommerces_body(
    api: Api, overrides: dict[str, str], code: str, message: str
) -> None:
    response = await api.client.get(ORDERS, params=oauth("GET", api.url(ORDERS), {}, **overrides))
    body = await response.json()
    assert response.status == 401
    assert body == {"code": code, "message": message, "data": {"status": 401}}


async def test_partial_oauth_parameters_name_every_missing_one(client: Client) -> None:
    response = await client.get(ORDERS, params={"oauth_consumer_key": KEY, "oauth_nonce": "abc"})
    assert await error_of(response) == (
        401,
        "woocommerce_rest_authentication_missing_parameter",
        "Missing OAuth parameters oauth_timestamp, oauth_signature, oauth_signature_method",
    )


async def test_a_nonce_is_refused_the_second_time(api: Api) -> None:
    signed = oauth("GET", api.url(ORDERS), {})
    assert (await api.client.get(ORDERS, params=signed)).status == 200
    replay = await api.client.get(ORDERS, params=signed)
    assert await error_of(replay) == (
        401,
        "woocommerce_rest_authentication_error",
        "Invalid nonce - nonce has already been used.",
    )


async def test_the_signature_covers_every_query_parameter(api: Api) -> None:
    signed = oauth("GET", api.url(ORDERS), {"per_page": "5"})
    response = await api.client.get(ORDERS, params={**signed, "per_page": "6"})
    assert (await error_of(response))[2] == "Invalid signature - provided signature does not match."


async def test_over_https_basic_and_query_keys_authenticate() -> None:
    emulator = make_emulator(tls=True)
    emulator.add_order(created_at=T0)
    async with TestClient(TestServer(emulator.app())) as client:
        assert (await client.get(ORDERS, headers=basic())).status == 200
        assert (await client.get(ORDERS, params={"consumer_key": KEY, "consumer_secret": SECRET})).status == 200
        assert (await client.get(ORDERS, params=oauth("GET", str(client.make_url(ORDERS)), {}))).status == 200
        wrong = await client.get(ORDERS, headers=basic(secret="cs_wrong"))
        assert await error_of(wrong) == (401, "woocommerce_rest_authentication_error", "Consumer secret is invalid.")
        assert "WWW-Authenticate" not in wrong.headers
        wrong_query = await client.get(ORDERS, params={"consumer_key": KEY, "consumer_secret": "cs_wrong"})
        assert (await error_of(wrong_query))[2] == "Consumer secret is invalid."
        unknown = await client.get(ORDERS, headers=basic(key="ck_unknown"))
        assert await error_of(unknown) == (401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")


async def test_a_host_that_strips_the_authorization_header_leaves_only_query_auth() -> None:
    emulator = make_emulator(tls=True, strip_authorization_header=True)
    async with TestClient(TestServer(emulator.app())) as client:
        stripped = await client.get(ORDERS, headers=basic())
        assert await error_of(stripped) == (401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        assert (await client.get(ORDERS, params={"consumer_key": KEY, "consumer_secret": SECRET})).status == 200


async def test_authentication_errors_come_before_routing_and_validation_before_permissions(api: Api) -> None:
    bad_signature = oauth("GET", api.url("/wp-json/wc/v3/nothing"), {}, secret="cs_wrong")
    response = await api.client.get("/wp-json/wc/v3/nothing", params=bad_signature)
    assert (await error_of(response))[:2] == (401, "woocommerce_rest_authentication_error")
    anonymous_bad_page = await api.client.get(ORDERS, params={"per_page": "500"})
    assert (await error_of(anonymous_bad_page))[:2] == (400, "rest_invalid_param")
    anonymous_unknown_route = await api.client.get("/wp-json/wc/v3/nothing")
    assert await error_of(anonymous_unknown_route) == (
        404,
        "rest_no_route",
        "No route was found matching the URL and request method.",
    )


# --- dates: after / before / dates_are_gmt ------------------------------------------------------


@pytest.fixture
def new_york() -> tuple[WooCommerceEmulator, dict[str, int]]:
    """A site in New York with orders around the 15:00-16:00 UTC (10:00-11:00 local) hour."""
    emulator = make_emulator(timezone="America/New_York")
    offsets = {
        "before": -1,
        "start": 0,
        "middle": 1800,
        "end": 3600,
        "after": 3601,
        "five_hours_early": -5 * 3600 + 1800,
    }
    ids = {name: emulator.add_order(created_at=T0 + timedelta(seconds=s))["id"] for name, s in offsets.items()}
    return emulator, ids


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # naive UTC with dates_are_gmt: compared with date_created_gmt, both bounds exclusive
        ({"after": "2026-03-01T15:00:00", "before": "2026-03-01T16:00:00", "dates_are_gmt": "true"}, ["middle"]),
        (
            {"after": "2026-03-01T14:59:59", "before": "2026-03-01T16:00:01", "dates_are_gmt": "true"},
            ["start", "middle", "end"],
        ),
        # site-local naive time without it
        ({"after": "2026-03-01T09:59:59", "before": "2026-03-01T11:00:01"}, ["start", "middle", "end"]),
        # an offset or Z without it: converted to site time, exact
        ({"after": "2026-03-01T14:59:59Z", "before": "2026-03-01T16:00:01Z"}, ["start", "middle", "end"]),
        ({"after": "2026-03-01T09:59:59-05:00", "before": "2026-03-01T11:00:01-05:00"}, ["start", "middle", "end"]),
        ({"after": "2026-03-01T16:59:59+02", "before": "2026-03-01 18:00:01+02:00"}, ["start", "middle", "end"]),
        # the trap: Z *and* dates_are_gmt shifts the window by the site's offset (five hours early here)
        (
            {"after": "2026-03-01T14:59:59Z", "before": "2026-03-01T16:00:01Z", "dates_are_gmt": "1"},
            ["five_hours_early"],
        ),
        # and naive UTC without dates_are_gmt is read as New York time, five hours late
        ({"after": "2026-03-01T14:59:59", "before": "2026-03-01T16:00:01"}, []),
        # fractions are cut to the second before comparing
        ({"before": "2026-03-01T15:00:00.900Z", "after": "2026-03-01T14:00:00Z"}, ["before"]),
        ({"after": "2026-03-01T16:00:00", "dates_are_gmt": "true"}, ["after"]),
    ],
)
async def test_date_filters_compare_like_wp_date_query(
    new_york: tuple[WooCommerceEmulator, dict[str, int]], params: dict[str, str], expected: list[str]
) -> None:
    emulator, ids = new_york
    async with TestClient(TestServer(emulator.app())) as client:
        found = await Api(client).ids(order="asc", **params)
    assert found == [ids[name] for name in expected]


async def test_changing_the_site_time_zone_moves_naive_bounds_and_local_dates() -> None:
    emulator = make_emulator()
    order = emulator.add_order(created_at=T0)
    assert (order["date_created"], order["date_created_gmt"]) == ("2026-03-01T15:00:00", "2026-03-01T15:00:00")
    window = {"after": "2026-03-01T14:30:00", "before": "2026-03-01T15:30:00"}
    async with TestClient(TestServer(emulator.app())) as client:
        api = Api(client)
        assert await api.ids(**window) == [order["id"]]
        emulator.set_timezone("Asia/Kolkata")
        assert await api.ids(**window) == []
        assert await api.ids(after="2026-03-01T20:00:00", before="2026-03-01T21:00:00") == [order["id"]]
        served = await api.json(f"{ORDERS}/{order['id']}")
    assert (served["date_created"], served["date_created_gmt"]) == ("2026-03-01T20:30:00", "2026-03-01T15:00:00")


@pytest.mark.parametrize(
    "value",
    ["2026-03-01", "2026-03-01T15:00Z", "2026-03-01T15:00:00z", "2026-03-01T15:00:00+0500", "2026-02-30T10:00:00"],
)
async def test_a_date_wordpress_cannot_parse_is_400_invalid_date(api: Api, value: str) -> None:
    response = await api.get(after=value)
    assert response.status == 400
    assert await response.json() == {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): after",
        "data": {
            "status": 400,
            "params": {"after": "Invalid date."},
            "details": {"after": {"code": "rest_invalid_date", "message": "Invalid date.", "data": None}},
        },
    }


async def test_an_unencoded_plus_in_an_offset_arrives_as_a_space(api: Api) -> None:
    decoded = {"after": "2026-03-01T10:00:00 02:00"}  # what PHP's $_GET holds for a raw "+02:00"
    signed = oauth("GET", api.url(ORDERS), decoded)
    query = "&".join(f"{quote_plus(k)}={quote_plus(v, safe=':')}" for k, v in signed.items())
    assert "+02:00" in query
    response = await api.client.get(f"{ORDERS}?{query}")
    assert (await error_of(response))[:2] == (400, "rest_invalid_param")


# --- status, search, order ------------------------------------------------------------------------


@pytest.fixture
def statuses(emulator: WooCommerceEmulator) -> dict[str, int]:
    names = (
        "processing",
        "completed",
        "on-hold",
        "pending",
        "cancelled",
        "refunded",
        "failed",
        "checkout-draft",
        "trash",
    )
    return {
        status: emulator.add_order(created_at=T0 + timedelta(minutes=i), status=status)["id"]
        for i, status in enumerate(names)
    }


async def test_status_any_hides_trash_but_lists_checkout_drafts(api: Api, statuses: dict[str, int]) -> None:
    listed = await api.ids(order="asc")
    assert listed == [statuses[s] for s in statuses if s != "trash"]
    assert await api.ids(status="checkout-draft") == [statuses["checkout-draft"]]
    assert await api.ids(status="trash") == [statuses["trash"]]
    assert await api.ids(status="processing,completed", order="asc") == [statuses["processing"], statuses["completed"]]


async def test_newer_woocommerce_leaves_drafts_out_of_any() -> None:
    emulator = make_emulator(drafts_in_any=False)
    emulator.add_order(created_at=T0, status="checkout-draft")
    paid = emulator.add_order(created_at=T0)
    async with TestClient(TestServer(emulator.app())) as client:
        api = Api(client)
        assert await api.ids() == [paid["id"]]
        assert len(await api.ids(status="checkout-draft")) == 1


async def test_status_array_form_and_unknown_status(api: Api, statuses: dict[str, int]) -> None:
    response = await api.client.get(
        ORDERS, params=_signed_with_array(api.url(ORDERS), "status", ["failed", "refunded"])
    )
    assert sorted(order["status"] for order in await response.json()) == ["failed", "refunded"]
    bad = await api.get(status="shipped")
    body = await bad.json()
    assert bad.status == 400
    assert body["data"]["params"]["status"] == (
        "status[0] is not one of any, trash, pending, processing, on-hold, completed, cancelled, refunded, failed, "
        "and checkout-draft."
    )


def _signed_with_array(url: str, name: str, values: list[str]) -> list[tuple[str, str]]:
    """OAuth over ``name[]`` values: WooCommerce signs them as ``name[0]``, ``name[1]``..."""
    signed = oauth("GET", url, {f"{name}[{i}]": value for i, value in enumerate(values)})
    return [(f"{name}[]" if key.startswith(f"{name}[") else key, value) for key, value in signed.items()]


async def test_search_matches_id_email_name_and_items(api: Api, emulator: WooCommerceEmulator) -> None:
    ada = emulator.add_order(
        created_at=T0,
        billing={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "postcode": "94103"},
        line_items=[{"name": "Analytical Engine Mug", "price": "12.00"}],
    )
    grace = emulator.add_order(
        created_at=T0, billing={"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.org"}
    )
    assert await api.ids(search=str(grace["id"])) == [grace["id"]]
    assert await api.ids(search="LOVELACE") == [ada["id"]]
    assert await api.ids(search="example.org") == [grace["id"]]
    assert await api.ids(search="engine mug") == [ada["id"]]
    assert await api.ids(search="94103") == [ada["id"]]
    assert await api.ids(search="nobody") == []


async def test_custom_numbers_are_searchable_when_the_plugin_allows() -> None:
    for searchable in (True, False):
        emulator = make_emulator(number_format="WC-{year}-{seq:04d}", number_searchable=searchable)
        first = emulator.add_order(created_at=T0)
        second = emulator.add_order(created_at=T0)
        assert (first["number"], second["number"]) == ("WC-2026-0001", "WC-2026-0002")
        async with TestClient(TestServer(emulator.app())) as client:
            found = await Api(client).ids(search="WC-2026-0002")
        assert found == ([second["id"]] if searchable else [])


async def test_order_and_orderby(api: Api, emulator: WooCommerceEmulator) -> None:
    late = emulator.add_order(created_at=T0 + timedelta(hours=1))["id"]
    early = emulator.add_order(created_at=T0)["id"]
    assert await api.ids() == [late, early]  # date, newest first
    assert await api.ids(order="asc") == [early, late]
    assert await api.ids(orderby="id", order="asc") == [late, early]
    response = await api.get(order="ASC")
    assert (await response.json())["data"]["params"] == {"order": "order is not one of asc and desc."}


async def test_include_exclude_and_orderby_include(api: Api, emulator: WooCommerceEmulator) -> None:
    first, second, third = emulator.add_random_orders(3, start=T0, end=T0 + timedelta(hours=1))
    assert await api.ids(include=f"{third},{first}", orderby="include") == [third, first]
    assert await api.ids(exclude=str(second), order="asc") == [first, third]


# --- pagination ------------------------------------------------------------------------------


def links(response: aiohttp.ClientResponse) -> dict[str, str]:
    return {match[2]: match[1] for match in re.finditer(r'<([^>]*)>; rel="([^"]+)"', response.headers["Link"])}


async def test_pages_cover_every_order_exactly_once(api: Api, emulator: WooCommerceEmulator) -> None:
    added = emulator.add_random_orders(250, start=T0, end=T0 + timedelta(hours=6), seed=4)
    seen: list[int] = []
    for page in (1, 2, 3):
        response = await api.get(per_page="100", page=str(page), orderby="date", order="asc")
        assert response.headers["X-WP-Total"] == "250" and response.headers["X-WP-TotalPages"] == "3"
        assert set(links(response)) == {"1": {"next"}, "2": {"prev", "next"}, "3": {"prev"}}[str(page)]
        seen += [order["id"] for order in await response.json()]
    assert seen == added  # oldest first, each once
    stamps = [o["date_created_gmt"] for o in await api.json(per_page="100", order="asc")]
    assert stamps == sorted(stamps)


async def test_following_the_next_link_keeps_the_filters(api: Api, emulator: WooCommerceEmulator) -> None:
    emulator.add_random_orders(30, start=T0, end=T0 + timedelta(hours=2), seed=1)
    emulator.add_random_orders(5, start=T0 + timedelta(hours=3), end=T0 + timedelta(hours=4), seed=2)
    first = await api.get(per_page="20", after="2026-03-01T14:00:00Z", before="2026-03-01T17:00:00Z", order="asc")
    next_url = urlsplit(links(first)["next"])
    assert next_url.path == ORDERS and next_url.netloc == urlsplit(api.url("/")).netloc
    kept = {k: v for k, v in parse_qsl(next_url.query) if not k.startswith("oauth_")}
    assert kept == {
        "per_page": "20",
        "after": "2026-03-01T14:00:00Z",
        "before": "2026-03-01T17:00:00Z",
        "order": "asc",
        "page": "2",
    }
    second = await api.json(**kept)
    assert len(await first.json()) + len(second) == 30


async def test_a_next_link_turns_an_offset_plus_into_a_space(api: Api, emulator: WooCommerceEmulator) -> None:
    emulator.add_random_orders(3, start=T0, end=T0 + timedelta(hours=1))
    first = await api.get(per_page="1", after="2026-03-01T16:00:00+02:00")
    next_query = dict(parse_qsl(urlsplit(links(first)["next"]).query))
    assert next_query["after"] == "2026-03-01T16:00:00 02:00"
    followed = await api.get(**{k: v for k, v in next_query.items() if not k.startswith("oauth_")})
    assert followed.status == 400


async def test_single_page_link_is_the_api_root_and_out_of_range_pages_are_empty(
    api: Api, emulator: WooCommerceEmulator
) -> None:
    emulator.add_random_orders(3, start=T0, end=T0 + timedelta(hours=1))
    only = await api.get()
    assert links(only) == {"https://api.w.org/": api.url("/wp-json/")}
    beyond = await api.get(page="5")
    assert await beyond.json() == []
    assert (beyond.headers["X-WP-Total"], beyond.headers["X-WP-TotalPages"]) == ("3", "1")
    assert dict(parse_qsl(urlsplit(links(beyond)["prev"]).query))["page"] == "1"


async def test_default_page_size_and_offset(api: Api, emulator: WooCommerceEmulator) -> None:
    ids = emulator.add_random_orders(25, start=T0, end=T0 + timedelta(hours=1))
    assert await api.ids(order="asc") == ids[:10]
    assert await api.ids(order="asc", offset="12", per_page="5") == ids[12:17]
    assert await api.ids(order="asc", per_page="100") == ids


@pytest.mark.parametrize(
    ("params", "name", "code", "message"),
    [
        (
            {"per_page": "101"},
            "per_page",
            "rest_out_of_bounds",
            "per_page must be between 1 (inclusive) and 100 (inclusive)",
        ),
        (
            {"per_page": "0"},
            "per_page",
            "rest_out_of_bounds",
            "per_page must be between 1 (inclusive) and 100 (inclusive)",
        ),
        ({"per_page": "ten"}, "per_page", "rest_invalid_type", "per_page is not of type integer."),
        ({"page": "0"}, "page", "rest_out_of_bounds", "page must be greater than or equal to 1"),
        ({"dates_are_gmt": "yes"}, "dates_are_gmt", "rest_invalid_type", "dates_are_gmt is not of type boolean."),
    ],
)
async def test_page_size_and_other_bounds_are_400(
    api: Api, params: dict[str, str], name: str, code: str, message: str
) -> None:
    response = await api.get(**params)
    body = await response.json()
    assert response.status == 400 and body["code"] == "rest_invalid_param"
    assert body["message"] == f"Invalid parameter(s): {name}"
    assert body["data"]["params"] == {name: message}
    assert body["data"]["details"][name]["code"] == code


async def test_every_bad_parameter_is_named_at_once(api: Api) -> None:
    body = await (await api.get(per_page="500", after="yesterday", orderby="total")).json()
    assert body["message"] == "Invalid parameter(s): per_page, after, orderby"


# --- lookups ---------------------------------------------------------------------------------


async def test_one_order_by_id_and_the_documented_404s(api: Api, emulator: WooCommerceEmulator) -> None:
    order = emulator.add_order(created_at=T0, refunded="5.00")
    assert (await api.json(f"{ORDERS}/{order['id']}")) == json.loads(
        json.dumps(order).replace(emulator.site_url, api.url("").rstrip("/"))
    )
    missing = await api.get(f"{ORDERS}/999999")
    assert await error_of(missing) == (404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
    refund = await api.get(f"{ORDERS}/{order['refunds'][0]['id']}")
    assert refund.status == 404
    not_a_number = await api.get(f"{ORDERS}/WC-1")
    assert (await error_of(not_a_number))[:2] == (404, "rest_no_route")
    trailing_slash = await api.get(f"{ORDERS}/{order['id']}/")
    assert trailing_slash.status == 200


async def test_drafts_and_trashed_orders_are_found_by_id(api: Api, statuses: dict[str, int]) -> None:
    for status in ("checkout-draft", "trash"):
        served = await api.json(f"{ORDERS}/{statuses[status]}")
        assert served["status"] == status
    draft = await api.json(f"{ORDERS}/{statuses['checkout-draft']}")
    assert (draft["created_via"], draft["payment_method"], draft["date_paid"]) == ("store-api", "", None)


async def resolve(api: Api, reference: str) -> int | None:
    """A reference resolved the way the platform allows: the id directly, else a search matched on number."""
    wanted = reference.removeprefix("#")
    if wanted.isdigit():
        response = await api.get(f"{ORDERS}/{wanted}")
        if response.status == 200 and wanted in (str((body := await response.json())["id"]), body["number"]):
            return int(body["id"])
    matches = [order["id"] for order in await api.json(search=wanted) if order["number"] == wanted]
    return matches[0] if len(matches) == 1 else None


@pytest.mark.parametrize("number_format", [None, "WC-{year}-{seq:04d}", "{seq}"])
async def test_every_seeded_reference_finds_its_order(number_format: str | None) -> None:
    emulator = make_emulator(number_format=number_format, first_id=50)
    for minute in range(5):
        emulator.add_order(created_at=T0 + timedelta(minutes=minute))
    seeded = emulator.seed_order(T0 + timedelta(hours=1, microseconds=500))
    if number_format is None:
        assert seeded.references == (seeded.order_id, f"#{seeded.order_id}")
    else:
        assert seeded.references == (seeded.order_number, f"#{seeded.order_number}", seeded.order_id)
    async with TestClient(TestServer(emulator.app())) as client:
        api = Api(client)
        for reference in seeded.references:
            assert await resolve(api, reference) == int(seeded.order_id), reference


# --- faults and the rate-limit signal ----------------------------------------------------------


async def test_throttle_next_is_a_hosts_429_with_retry_after(api: Api, emulator: WooCommerceEmulator) -> None:
    emulator.throttle_next(2)
    for _ in range(2):
        response = await api.get()
        assert response.status == 429 and response.headers["Retry-After"] == "1"
        assert "Too Many Requests" in await response.text()
    assert (await api.get()).status == 200


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (503, "wp_die", "Briefly unavailable for scheduled maintenance. Check back in a minute."),
        (500, "internal_server_error", "<p>There has been a critical error on this website.</p>"),
        (502, "wp_die", "Bad Gateway"),
    ],
)
async def test_fail_next_answers_wp_die_json_then_recovers(
    api: Api, emulator: WooCommerceEmulator, status: int, code: str, message: str
) -> None:
    emulator.fail_next(status, times=2, retry_after=30)
    for _ in range(2):
        response = await api.get()
        assert response.status == status and response.headers["Retry-After"] == "30"
        assert await response.json() == {
            "code": code,
            "message": message,
            "data": {"status": status},
            "additional_errors": [],
        }
    assert (await api.get()).status == 200


async def test_garbage_next_is_a_200_with_php_notices_before_the_json(api: Api, emulator: WooCommerceEmulator) -> None:
    emulator.garbage_next()
    response = await api.get()
    text = await response.text()
    assert response.status == 200 and text.startswith("<br />\n<b>Deprecated</b>")
    with pytest.raises(ValueError):
        json.loads(text)
    assert (await api.get()).status == 200


async def test_truncate_next_cuts_the_body_and_a_resent_oauth_url_is_a_replay(
    api: Api, emulator: WooCommerceEmulator
) -> None:
    emulator.add_order(created_at=T0)
    emulator.truncate_next()
    signed = oauth("GET", api.url(ORDERS), {})
    response = await api.client.get(ORDERS, params=signed)
    with pytest.raises(aiohttp.ClientPayloadError):
        await response.read()
    resent = await api.client.get(ORDERS, params=signed)  # WordPress saw the nonce before the body was cut
    assert (await error_of(resent))[2] == "Invalid nonce - nonce has already been used."
    assert (await api.get()).status == 200


async def test_delay_next_answers_late(api: Api, emulator: WooCommerceEmulator) -> None:
    emulator.delay_next(0.2)
    started = time.monotonic()
    assert (await api.get()).status == 200
    assert time.monotonic() - started >= 0.2


async def test_faults_are_consumed_one_per_request_in_order_before_authentication(
    client: Client, emulator: WooCommerceEmulator
) -> None:
    emulator.fail_next(503)
    emulator.throttle_next()
    emulator.garbage_next()
    statuses = [(await client.get(ORDERS)).status for _ in range(4)]
    assert statuses == [503, 429, 200, 401]


# --- payload shape -----------------------------------------------------------------------------


def shape(value: Any) -> Any:
    """Keys and JSON types; a list's shape is its items' merged shape."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [merged_shape(value)] if value else []
    return "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__


def merged_shape(samples: list[Any]) -> Any:
    """The first value's shape, with its empty lists and nulls filled in from the others."""
    result = shape(samples[0])
    for other in map(shape, samples[1:]):
        result = _fill(result, other)
    return result


def _fill(mine: Any, other: Any) -> Any:
    if isinstance(mine, dict) and isinstance(other, dict):
        return {key: _fill(value, other.get(key)) for key, value in mine.items()}
    if mine in ([], "NoneType") and other not in (None, [], "NoneType"):
        return other
    if isinstance(mine, list) and mine and isinstance(other, list) and other:
        return [_fill(mine[0], other[0])]
    return mine


async def test_payloads_have_the_real_samples_shape(api: Api, emulator: WooCommerceEmulator) -> None:
    samples = [json.loads((SAMPLES / "woocommerce" / "order.json").read_text())]
    samples += json.loads((SAMPLES / "woocommerce" / "orders-page.json").read_text())
    emulator.add_random_orders(40, start=T0, end=T0 + timedelta(hours=3), seed=9)
    served = await api.json(per_page="100")
    expected = merged_shape(samples)
    for order in served:
        actual = shape(order)
        for key in ("date_paid", "date_paid_gmt", "date_completed", "date_completed_gmt"):
            assert actual[key] in ("str", "NoneType")
            actual[key] = expected[key]
        assert set(actual["_links"]) <= {"self", "collection", "customer"}
        actual["_links"] = expected["_links"]
        for key in ("line_items", "tax_lines", "shipping_lines", "refunds", "meta_data"):
            if actual[key] == [] or expected[key] == []:
                actual[key] = expected[key]
            elif key == "line_items":
                assert actual[key][0]["meta_data"] in ([], expected[key][0]["meta_data"])
                actual[key][0]["meta_data"] = expected[key][0]["meta_data"]
                if not actual[key][0]["taxes"]:
                    actual[key][0]["taxes"] = expected[key][0]["taxes"]
        assert actual == expected
        money_keys = (
            "discount_total",
            "discount_tax",
            "shipping_total",
            "shipping_tax",
            "cart_tax",
            "total",
            "total_tax",
        )
        assert all(re.fullmatch(r"\d+\.\d{2}", order[key]) for key in money_keys)
        for key in ("date_created", "date_created_gmt", "date_modified", "date_modified_gmt"):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", order[key])
        line_sum = sum(Decimal(line["total"]) for line in order["line_items"])
        assert Decimal(order["total"]) == line_sum + Decimal(order["shipping_total"]) + Decimal(order["total_tax"])
        for line in order["line_items"]:
            assert Decimal(str(line["price"])) * line["quantity"] == pytest.approx(Decimal(line["total"]))


async def test_json_is_encoded_like_wp_json_encode(api: Api, emulator: WooCommerceEmulator) -> None:
    emulator.add_order(created_at=T0, billing={"first_name": "João", "last_name": "Silva"})
    response = await api.get()
    raw = await response.text()
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert '"Jo\\u00e3o"' in raw and "http:\\/\\/" in raw and ": " not in raw


async def test_line_price_is_a_number_integer_when_exact(api: Api, emulator: WooCommerceEmulator) -> None:
    lines: list[dict[str, Any]] = [
        {"name": "Cap", "price": "16.00", "quantity": 2},
        {"name": "Pennant", "price": "11.05"},
        {"name": "Tee", "price": "10", "quantity": 3},
    ]
    order = emulator.add_order(created_at=T0, line_items=lines, shipping="10.00")
    served = await api.json(f"{ORDERS}/{order['id']}")
    assert [line["price"] for line in served["line_items"]] == [16, 11.05, 10]
    assert (served["total"], served["shipping_total"]) == ("83.05", "10.00")


# --- the PlatformDouble surface ----------------------------------------------------------------


async def test_platform_double_methods(api: Api, emulator: WooCommerceEmulator) -> None:
    assert isinstance(emulator, PlatformDouble) and emulator.page_size == 100
    assert set(emulator.credentials()) == {"site_url", "consumer_key", "consumer_secret", "webhook_secret"}
    wrong = emulator.wrong_credentials()
    assert (
        wrong["consumer_key"] == KEY
        and wrong["consumer_secret"] != SECRET
        and len(wrong["consumer_secret"]) == len(SECRET)
    )
    refused = await api.client.get(ORDERS, params=oauth("GET", api.url(ORDERS), {}, secret=wrong["consumer_secret"]))
    assert refused.status == 401
    seeded = emulator.seed_order(T0 + timedelta(seconds=12, microseconds=345))
    assert isinstance(seeded, SeededOrder) and seeded.placed_at == T0 + timedelta(seconds=12)
    served = await api.json(f"{ORDERS}/{seeded.order_id}")
    assert (served["number"], served["status"], served["currency"]) == (
        seeded.order_number,
        "processing",
        seeded.currency,
    )
    assert Decimal(served["total"]) == seeded.total and served["date_paid_gmt"] is not None
    assert datetime.fromisoformat(served["date_created_gmt"]).replace(tzinfo=UTC) == seeded.placed_at


async def test_requests_are_recorded_with_secrets_redacted(
    client: Client, api: Api, emulator: WooCommerceEmulator
) -> None:
    await api.get(per_page="3")
    await client.get(ORDERS, headers=basic(), params={"consumer_key": KEY, "consumer_secret": SECRET})
    signed, keyed = emulator.requests
    assert (signed["method"], signed["path"], signed["query"]["per_page"]) == ("GET", ORDERS, "3")
    assert signed["query"]["oauth_signature"] == "[redacted]" and signed["query"]["oauth_consumer_key"] == KEY
    assert keyed["headers"]["Authorization"] == "[redacted]" and keyed["query"]["consumer_secret"] == "[redacted]"
    assert SECRET not in json.dumps(emulator.requests)


# --- webhooks ------------------------------------------------------------------------------------

WEBHOOK_HEADERS = {
    "X-WC-Webhook-Source",
    "X-WC-Webhook-Topic",
    "X-WC-Webhook-Resource",
    "X-WC-Webhook-Event",
    "X-WC-Webhook-Signature",
    "X-WC-Webhook-ID",
    "X-WC-Webhook-Delivery-ID",
}


def wc_signature(body: bytes, secret: str) -> str:
    """WC_Webhook::generate_signature, computed here independently: the secret HTML-decoded, HMAC-SHA256, base64."""
    return base64.b64encode(hmac.new(html.unescape(secret).encode(), body, hashlib.sha256).digest()).decode()


async def test_order_created_deliveries_are_the_rest_resource_signed_like_wc_webhook(
    api: Api, emulator: WooCommerceEmulator
) -> None:
    late = emulator.add_order(created_at=T0 + timedelta(hours=1), billing={"first_name": "João", "last_name": "Silva"})
    early = emulator.add_order(created_at=T0, status="pending")
    emulator.add_order(created_at=T0 + timedelta(minutes=5), status="checkout-draft")
    emulator.add_order(created_at=T0 + timedelta(minutes=6), status="trash")
    deliveries = emulator.order_webhooks()
    assert len(deliveries) == 2  # no order.created for a checkout draft (nor for a trashed order)
    secret = emulator.credentials()["webhook_secret"]
    for (headers, body), order in zip(deliveries, (early, late)):
        assert WEBHOOK_HEADERS <= set(headers)
        assert headers["Content-Type"] == "application/json"
        assert headers["User-Agent"].startswith("WooCommerce/") and " Hookshot (WordPress/" in headers["User-Agent"]
        assert headers["X-WC-Webhook-Source"] == "https://shop.example.com/"
        assert (headers["X-WC-Webhook-Topic"], headers["X-WC-Webhook-Resource"], headers["X-WC-Webhook-Event"]) == (
            "order.created",
            "order",
            "created",
        )
        assert headers["X-WC-Webhook-ID"] == "1"
        assert re.fullmatch(r"[0-9a-f]{32}", headers["X-WC-Webhook-Delivery-ID"])
        assert hmac.compare_digest(headers["X-WC-Webhook-Signature"], wc_signature(body, secret))
        assert headers["X-WC-Webhook-Signature"] != wc_signature(body + b" ", secret)
        assert b": " not in body and body == body.strip() and body.isascii()  # wp_json_encode, trimmed
        payload = json.loads(body)
        served = await api.json(f"{ORDERS}/{order['id']}")
        assert {k: v for k, v in payload.items() if k != "_links"} == {k: v for k, v in served.items() if k != "_links"}
        assert payload["_links"]["self"] == [{"href": f"https://shop.example.com/wp-json/wc/v3/orders/{order['id']}"}]
    assert b'"Jo\\u00e3o"' in deliveries[1][1] and b"https:\\/\\/shop.example.com" in deliveries[1][1]


async def test_delivery_ids_are_wp_hash_of_the_webhook_and_second_so_stable_but_shared_within_a_second(
    emulator: WooCommerceEmulator,
) -> None:
    emulator.add_order(created_at=T0)
    emulator.add_order(created_at=T0 + timedelta(milliseconds=300))  # the same second: WooCommerce reuses the id
    emulator.add_order(created_at=T0 + timedelta(seconds=1))
    first = emulator.order_webhooks()
    assert first == emulator.order_webhooks()
    ids = [headers["X-WC-Webhook-Delivery-ID"] for headers, _ in first]
    assert ids[0] == ids[1] != ids[2]
    assert len({body for _, body in first}) == 3


@pytest.mark.parametrize(
    ("stored", "key"),
    [
        ("p&amp;ss&#039;w&lt;rd&gt;&quot;", "p&ss'w<rd>\""),  # as the admin's sanitize_text_field may store it
        ("plain-secret_0123", "plain-secret_0123"),
    ],
)
def test_the_signature_key_is_the_secret_through_wp_specialchars_decode(stored: str, key: str) -> None:
    emulator = make_emulator(webhook_secret=stored)
    emulator.add_order(created_at=T0)
    assert emulator.credentials()["webhook_secret"] == stored
    ((headers, body),) = emulator.order_webhooks()
    expected = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()
    assert headers["X-WC-Webhook-Signature"] == expected == wc_signature(body, stored)


def test_the_creation_ping_is_an_unsigned_form_post(emulator: WooCommerceEmulator) -> None:
    headers, body = emulator.ping_delivery(42)
    assert body == b"webhook_id=42" and dict(parse_qsl(body.decode())) == {"webhook_id": "42"}
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert not any(name.lower().startswith("x-wc-") for name in headers)
    assert emulator.ping_delivery()[1] == b"webhook_id=1"  # the emulator's own webhook


def test_a_double_without_orders_has_no_deliveries(emulator: WooCommerceEmulator) -> None:
    assert emulator.order_webhooks() == []


async def test_demo_deliveries_are_signed_with_the_demo_credentials() -> None:
    demo = demo_emulator()
    now = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
    double = demo.make_double(now, 7)
    assert isinstance(double, WooCommerceEmulator)
    deliveries = double.order_webhooks()
    orders = await demo_orders(now, 7)
    statuses = [o["status"] for o in orders]
    assert len(deliveries) == len(statuses) - statuses.count("checkout-draft")  # trash is not listed either
    ids = []
    for headers, body in deliveries:
        expected = wc_signature(body, demo.credentials["webhook_secret"])
        assert hmac.compare_digest(headers["X-WC-Webhook-Signature"], expected)
        assert headers["X-WC-Webhook-Source"] == demo.credentials["site_url"] + "/"
        ids.append(json.loads(body)["id"])
    created = {o["id"]: o["date_created_gmt"] for o in orders}
    assert [created[i] for i in ids] == sorted(created[i] for i in ids)  # oldest first
    again = demo.make_double(now, 7)
    assert isinstance(again, WooCommerceEmulator) and deliveries == again.order_webhooks()


# --- demo and scale ----------------------------------------------------------------------------


async def demo_orders(now: datetime, seed: int) -> list[dict[str, Any]]:
    demo = demo_emulator()
    async with TestClient(TestServer(demo.make_double(now, seed).app())) as client:
        params = oauth(
            "GET",
            str(client.make_url(ORDERS)),
            {"per_page": "100"},
            oauth_consumer_key=demo.credentials["consumer_key"],
            oauth_timestamp=str(int(time.time())),
            secret=demo.credentials["consumer_secret"],
        )
        response = await client.get(ORDERS, params=params)
        assert response.status == 200
        return list(await response.json())


def _without_links(order: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in order.items() if key != "_links"}


async def test_demo_store_has_recent_realistic_orders() -> None:
    demo = demo_emulator()
    assert (demo.platform_id, demo.store_name) == ("woocommerce", "Demo WooCommerce store")
    assert set(demo.credentials) == {"site_url", "consumer_key", "consumer_secret", "webhook_secret"}
    now = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
    orders = await demo_orders(now, 7)
    created = [datetime.fromisoformat(o["date_created_gmt"]).replace(tzinfo=UTC) for o in orders]
    assert 30 <= sum(now - timedelta(hours=8) <= c <= now for c in created) <= 40
    assert any(c < now - timedelta(hours=8) for c in created)
    listed = {o["status"] for o in orders}
    assert {
        "processing",
        "completed",
        "on-hold",
        "pending",
        "failed",
        "cancelled",
        "refunded",
        "checkout-draft",
    } <= listed
    assert "trash" not in listed
    assert orders[0]["date_created"] != orders[0]["date_created_gmt"]  # a New York site, not UTC
    assert all(datetime.fromisoformat(o["date_modified_gmt"]).replace(tzinfo=UTC) <= now for o in orders)
    assert [_without_links(o) for o in await demo_orders(now, 7)] == [_without_links(o) for o in orders]
    assert [o["id"] for o in await demo_orders(now, 8)] != [o["id"] for o in orders]


async def test_ten_thousand_orders_list_quickly(emulator: WooCommerceEmulator, api: Api) -> None:
    ids = emulator.add_random_orders(10_000, start=T0, end=T0 + timedelta(hours=6), seed=3)
    started = time.monotonic()
    seen: list[int] = []
    for page in range(1, 101):
        seen += await api.ids(per_page="100", page=str(page), order="asc")
    assert seen == ids
    assert time.monotonic() - started < 10

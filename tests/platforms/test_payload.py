"""``server.platforms.payload``: each reader on good input, and on every wrong shape a PlatformBadResponse."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.platforms import Money, PayloadReader, PlatformBadResponse, clean, join, shorten
from tests.conftest import SAMPLES

read = PayloadReader("Demo")


def refused(field: str) -> Any:
    """``pytest.raises`` for a PlatformBadResponse whose message names the platform, then ``field`` in quotes."""
    return pytest.raises(PlatformBadResponse, match=rf"^Demo .*'{re.escape(field)}'")


def sample(path: str) -> Any:
    return json.loads((SAMPLES / path).read_text())


# --- objects and lists -----------------------------------------------------------------------------------


def test_obj_returns_the_object_itself() -> None:
    value = {"id": 1}
    assert read.obj(value, "order") is value
    assert read.optional_obj(value, "order") is value
    assert read.optional_obj(None, "order") == {}


@pytest.mark.parametrize("value", [None, [], [{"id": 1}], "order", 1, True])
def test_obj_refuses_everything_but_an_object(value: Any) -> None:
    with refused("lineItems[0]"):
        read.obj(value, "lineItems[0]")


@pytest.mark.parametrize("value", [[], "", "billing", 0, False])
def test_optional_obj_refuses_a_present_value_that_is_no_object(value: Any) -> None:
    with refused("billing"):
        read.optional_obj(value, "billing")


def test_list_returns_the_list_itself() -> None:
    value = [1, "two"]
    assert read.list(value, "items") is value
    assert read.optional_list(value, "items") is value
    assert read.optional_list(None, "items") == []


@pytest.mark.parametrize("value", [None, {}, {"0": "item"}, "items", (1, 2), 3])
def test_list_refuses_everything_but_a_list(value: Any) -> None:
    with refused("items"):
        read.list(value, "items")


@pytest.mark.parametrize("value", [{}, "", "items", 0])
def test_optional_list_refuses_a_present_value_that_is_no_list(value: Any) -> None:
    with refused("items"):
        read.optional_list(value, "items")


# --- text and integers ---------------------------------------------------------------------------------


def test_text_is_stripped() -> None:
    assert read.text("  #1001 ", "name") == "#1001"


@pytest.mark.parametrize("value", [None, "", "   ", 1001, True, ["#1001"], {"name": "x"}])
def test_text_refuses_blank_or_non_string_values(value: Any) -> None:
    with refused("name"):
        read.text(value, "name")


def test_integer() -> None:
    assert read.integer(3, "quantity") == 3
    assert read.integer(0, "quantity", minimum=0) == 0
    assert read.integer(-2, "quantity") == -2


@pytest.mark.parametrize("value", [None, True, False, 1.0, "1", [1]])
def test_integer_refuses_bools_floats_and_strings(value: Any) -> None:
    with refused("items[].quantity"):
        read.integer(value, "items[].quantity")


def test_integer_below_the_minimum_is_refused() -> None:
    with refused("id"):
        read.integer(0, "id", minimum=1)


# --- numbers, currencies, money --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.50", "12.50"),
        (" 69.8400 ", "69.8400"),
        ("-5.00", "-5.00"),
        ("+3", "3"),
        (".5", "0.5"),
        ("1e3", "1E+3"),
        (10, "10"),
        (12345678901234567890, "12345678901234567890"),
        (0.1, "0.1"),  # through str(): never the float's binary value 0.1000000000000000055...
        (598.94, "598.94"),
    ],
)
def test_decimal_from_strings_and_json_numbers(value: Any, expected: str) -> None:
    amount = read.decimal(value, "total")
    assert isinstance(amount, Decimal)
    assert str(amount) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        "",
        " ",
        "ten",
        "1,00",
        "1_000",
        "١٢",  # Arabic-Indic digits, which Decimal() itself would accept
        "0x10",
        "NaN",
        "Infinity",
        "-inf",
        float("nan"),
        float("inf"),
        [],
        {"value": "1"},
        Decimal("1"),
    ],
)
def test_decimal_refuses_what_is_no_finite_number(value: Any) -> None:
    with refused("pricingSummary.total.value"):
        read.decimal(value, "pricingSummary.total.value")


def test_accept_narrows_the_json_types() -> None:
    assert read.decimal("100.00", "amount.value", accept=(str,)) == Decimal("100.00")
    with refused("amount.value"):
        read.decimal(100, "amount.value", accept=(str,))
    assert read.decimal(100, "amount", accept=(str, int)) == Decimal(100)
    with refused("amount"):
        read.decimal(100.0, "amount", accept=(str, int))
    with refused("amount"):
        read.decimal(True, "amount", accept=(str, int, bool))


def test_currency() -> None:
    assert read.currency("EUR", "currency") == "EUR"
    assert read.currency(" USD ", "currency") == "USD"


@pytest.mark.parametrize("value", [None, "", "usd", "US", "USDX", "U$D", "€", 840, True])
def test_currency_refuses_what_is_no_iso_4217_code(value: Any) -> None:
    with refused("total.currency_code"):
        read.currency(value, "total.currency_code")


def test_money() -> None:
    assert read.money("75.28", "EUR", "total") == Money(Decimal("75.28"), "EUR")
    assert read.money(10, " USD", "total") == Money(Decimal(10), "USD")


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("1,00", "USD"), (None, "USD"), (True, "USD"), ("NaN", "USD"), ("1.00", "usd"), ("1.00", None), ("1.00", 1)],
)
def test_money_errors_name_the_field(amount: Any, currency: Any) -> None:
    with refused("line_items[1].total"):
        read.money(amount, currency, "line_items[1].total")


def test_money_keeps_a_platforms_stricter_types() -> None:
    with refused("unit_amount"):
        read.money(100.0, "USD", "unit_amount", accept=(str,))


# --- times -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-08-04T19:09:02.768Z", datetime(2015, 8, 4, 19, 9, 2, 768000, tzinfo=UTC)),
        ("2008-01-10T11:00:00-05:00", datetime(2008, 1, 10, 16, 0, tzinfo=UTC)),
        ("2024-05-01T01:30:00+02:00", datetime(2024, 4, 30, 23, 30, tzinfo=UTC)),
        ("2024-05-01T12:00:00+00:00", datetime(2024, 5, 1, 12, 0, tzinfo=UTC)),
    ],
)
def test_time_is_converted_to_utc(value: str, expected: datetime) -> None:
    moment = read.time(value, "createdAt")
    assert moment == expected
    assert moment.tzinfo is UTC


@pytest.mark.parametrize(
    "value",
    [None, "", "yesterday", "2024-05-01T12:30:05", "2024-05-01", "22/03/2017 19:28", 1714555800, True, ["2024"]],
)
def test_time_without_an_offset_or_not_iso_8601_is_refused(value: Any) -> None:
    with refused("creationDate"):
        read.time(value, "creationDate")


def test_time_out_of_range_in_utc_is_refused() -> None:
    with refused("created_at"):
        read.time("0001-01-01T00:30:00+01:00", "created_at")


def test_assume_utc_reads_a_time_without_offset_as_utc() -> None:
    assert read.time("2017-03-22T19:28:02", "date_created_gmt", assume_utc=True) == datetime(
        2017, 3, 22, 19, 28, 2, tzinfo=UTC
    )
    assert read.time("2017-03-22T19:28:02+01:00", "date_created_gmt", assume_utc=True) == datetime(
        2017, 3, 22, 18, 28, 2, tzinfo=UTC
    )


@pytest.fixture
def local_time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time is far from UTC (what a naive parse would silently use)."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("local_time_zone")
def test_times_never_depend_on_the_local_time_zone() -> None:
    assert time.localtime().tm_gmtoff == 14 * 3600  # the zone is in effect
    assert read.time("2024-05-01T12:00:00Z", "t") == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert read.time("2024-05-01T12:00:00", "t", assume_utc=True) == datetime(2024, 5, 1, 12, tzinfo=UTC)
    with refused("t"):
        read.time("2024-05-01T12:00:00", "t")


def test_aware_utc() -> None:
    eastern = timezone(timedelta(hours=-5))
    assert read.aware_utc(datetime(2019, 3, 5, 16, 40, tzinfo=eastern), "date_created") == datetime(
        2019, 3, 5, 21, 40, tzinfo=UTC
    )
    with refused("date_created"):
        read.aware_utc(datetime(2019, 3, 5, 21, 40), "date_created")


# --- real payloads ---------------------------------------------------------------------------------------


def test_real_payloads() -> None:
    shopify = read.obj(sample("shopify/order.json").get("order"), "order")
    money = read.obj(read.obj(shopify.get("total_price_set"), "total_price_set").get("shop_money"), "shop_money")
    assert read.money(money.get("amount"), money.get("currency_code"), "shop_money") == Money(Decimal("598.94"), "USD")
    assert read.time(shopify.get("created_at"), "created_at") == datetime(2008, 1, 10, 16, tzinfo=UTC)

    paypal = sample("paypal/order.json")
    amount = read.obj(read.list(paypal.get("purchase_units"), "purchase_units")[0], "purchase_units[0]")["amount"]
    assert read.money(amount["value"], amount["currency_code"], "amount", accept=(str,)) == Money(
        Decimal("100.00"), "USD"
    )
    assert read.time(paypal.get("create_time"), "create_time") == datetime(2018, 4, 1, 21, 18, 49, tzinfo=UTC)

    woo = sample("woocommerce/order.json")
    assert read.time(woo.get("date_created_gmt"), "date_created_gmt", assume_utc=True) == datetime(
        2017, 3, 22, 19, 28, 2, tzinfo=UTC
    )
    assert read.money(woo["line_items"][0]["price"], woo["currency"], "line_items[0].price").amount == 3

    ecwid = sample("ecwid/order.json")
    assert read.money(ecwid.get("total"), "EUR", "total") == Money(Decimal(10), "EUR")
    assert read.time(ecwid.get("createDate"), "createDate") == datetime(2024, 9, 4, 7, 22, 9, tzinfo=UTC)


# --- any JSON value: a value or PlatformBadResponse, nothing else ----------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
READERS: list[Callable[[Any], object]] = [
    lambda v: read.obj(v, "f"),
    lambda v: read.optional_obj(v, "f"),
    lambda v: read.list(v, "f"),
    lambda v: read.optional_list(v, "f"),
    lambda v: read.text(v, "f"),
    lambda v: read.integer(v, "f", minimum=1),
    lambda v: read.decimal(v, "f"),
    lambda v: read.currency(v, "f"),
    lambda v: read.money(v, v, "f"),
    lambda v: read.money(v, "USD", "f"),
    lambda v: read.time(v, "f"),
    lambda v: read.time(v, "f", assume_utc=True),
]


@given(value=JSON | st.from_regex(r"[0-9T:.+Z -]{0,30}", fullmatch=True), reader=st.sampled_from(READERS))
def test_any_json_value_is_read_or_refused_as_a_bad_response(value: Any, reader: Callable[[Any], object]) -> None:
    try:
        reader(value)
    except PlatformBadResponse as exc:
        assert exc.message.startswith("Demo field 'f' ")


# --- error texts -----------------------------------------------------------------------------------------


def test_clean_and_join() -> None:
    assert clean("  Jane ") == "Jane"
    assert clean("   ") is None
    assert clean(42) is None
    assert join(" Jane ", None, "", "Doe") == "Jane Doe"
    assert join(None, "  ") is None


def test_shorten_makes_one_line_within_the_limit() -> None:
    assert shorten("Access\n  denied\tfor this   shop") == "Access denied for this shop"
    assert shorten("x" * 10, 10) == "x" * 10
    cut = shorten("word " * 100, 20)
    assert len(cut) == 20
    assert cut == "word word word word…"
    assert len(shorten("y" * 1000)) == 200
    assert shorten(None) == ""
    assert shorten([{"message": "boom"}]) == "[{'message': 'boom'}]"


class _Text(str):
    """A string that is not exactly ``str``: read by the readers' general checks, not their fast paths."""


def _read(reader: Callable[[], object]) -> object:
    try:
        return repr(reader())
    except PlatformBadResponse as exc:
        return exc.message


@given(
    amount=st.from_regex(r"[ +\-0-9.eE_a-z]{0,12}", fullmatch=True) | st.sampled_from(["1e999999999999999999", " 7 "]),
    currency=st.sampled_from(["USD", " EUR ", "usd", "", "  ", "US", "USDX"]),
    accept=st.sampled_from([(str, int, float), (str, int), (str,), (int,)]),
)
def test_fast_paths_read_a_string_as_the_general_checks_do(
    amount: str, currency: str, accept: tuple[type, ...]
) -> None:
    assert _read(lambda: read.decimal(amount, "f", accept=accept)) == _read(
        lambda: read.decimal(_Text(amount), "f", accept=accept)
    )
    assert _read(lambda: read.money(amount, currency, "f", accept=accept)) == _read(
        lambda: read.money(_Text(amount), _Text(currency), "f", accept=accept)
    )

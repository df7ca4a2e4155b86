"""``decode_json`` gives exactly what ``json.loads`` gives: the same values of the same types, or the same error."""

from __future__ import annotations

import gc
import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.platforms import decode_json


def shape(value: Any) -> Any:
    """``value`` with every scalar paired with its type and its ``repr``: ``1`` and ``1.0``, ``0.0`` and ``-0.0``,
    ``nan`` and ``nan`` are told apart, or equal, as they should be."""
    if isinstance(value, dict):
        return ("dict", [(key, shape(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [shape(item) for item in value])
    return (type(value).__name__, repr(value))


def outcome(decode: Any, body: bytes) -> Any:
    try:
        return shape(decode(body))
    except (ValueError, RecursionError) as exc:
        return (type(exc).__name__, str(exc))


def same_as_json_loads(body: bytes) -> None:
    assert outcome(decode_json, body) == outcome(json.loads, body)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)
NUMBER = st.from_regex(r"-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,30})?([eE][+-]?[0-9]{1,3})?", fullmatch=True)


@given(value=JSON, ascii_only=st.booleans())
def test_any_json_value_decodes_as_json_loads_decodes_it(value: Any, ascii_only: bool) -> None:
    same_as_json_loads(json.dumps(value, ensure_ascii=ascii_only).encode())


@given(number=NUMBER)
def test_every_form_of_a_json_number_gives_the_same_int_or_float(number: str) -> None:
    """Amounts sent as JSON numbers become ``Decimal`` through their float's ``repr``: it must be the same float."""
    same_as_json_loads(number.encode())
    same_as_json_loads(f'{{"total": {number}, "items": [{number}]}}'.encode())


@pytest.mark.parametrize(
    "body",
    [
        b"18446744073709551616",  # past 64 bits: an exact int, never a float
        b"-9223372036854775809",
        b"123456789012345678901234567890.5",
        b"0.30000000000000004",
        b"5e-324",
        b"1e-400",
        b"-0",
        b"-0.0",
        b'{"a": 1, "a": 2}',  # the last of duplicate keys
        b"NaN",  # what json.loads accepts beyond the standard
        b"[Infinity, -Infinity]",
        b"1e400",
        b'"\\ud800"',  # a lone surrogate
        b'{"name": "\xed\xa0\x80"}',
        b'\xef\xbb\xbf{"a": 1}',  # a UTF-8 byte order mark
        '{"a": "é"}'.encode("utf-16"),
        '{"a": "é"}'.encode("utf-32-le"),
        b" \n[1] \t",
        b"",  # what json.loads refuses, with its own message
        b"[1,]",
        b'{"a" 1}',
        b"[1] [2]",
        b'"\x01"',
        b"\xff",
        b'{"a": "\xc3"}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_what_a_fast_decoder_may_read_otherwise(body: bytes) -> None:
    same_as_json_loads(body)


def test_a_float_amount_keeps_its_shortest_text() -> None:
    assert repr(decode_json(b'{"price": 19.99}')["price"]) == "19.99"
    assert math.isnan(decode_json(b"NaN"))


def garbage_collector_states() -> Iterator[bool]:
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            yield enabled
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("body", [b'{"orders": [1, 2]}', b"NaN", b"[1,"])
def test_the_garbage_collector_is_left_as_it_was(body: bytes) -> None:
    for enabled in garbage_collector_states():
        try:
            decode_json(body)
        except ValueError:
            pass
        assert gc.isenabled() is enabled

"""One error vocabulary: every code a client can see is an ``ErrorCode``, raised by one class, documented."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from server import errors as core_errors
from server.platforms import ConnectorError, ErrorCode, errors, webhooks
from server.ratelimits import RateLimited
from tests.support import assert_known_codes, running_server, settings

DOC = Path(__file__).parents[1] / "docs" / "errors.md"


def _subclasses(base: type) -> list[type]:
    found = [base]
    for sub in base.__subclasses__():
        found += _subclasses(sub)
    return found


def _coded_classes() -> list[type]:
    """Every exception class of the product that names its own code."""
    classes = _subclasses(core_errors.DomainError) + _subclasses(ConnectorError)
    ours = ("server.errors", "server.ratelimits", errors.__name__, webhooks.__name__)
    return [cls for cls in classes if cls.__module__ in ours and "code" in vars(cls)]


def test_every_code_is_an_error_code_raised_by_one_class() -> None:
    by_code: dict[str, list[str]] = {}
    for cls in _coded_classes():
        assert isinstance(cls.code, ErrorCode), f"{cls.__name__}.code is {cls.code!r}, not an ErrorCode"
        by_code.setdefault(cls.code, []).append(cls.__name__)
    shared = {code: names for code, names in by_code.items() if len(names) > 1}
    # One exception each, except where the core and the connector contract both report a refused address.
    assert shared == {ErrorCode.ADDRESS_NOT_ALLOWED: ["DisallowedAddress", "AddressNotAllowed"]}
    assert RateLimited.code is ErrorCode.RATE_LIMITED


def test_the_values_are_the_contracts_strings() -> None:
    assert all(member.value == name for name, member in ErrorCode.__members__.items())
    assert ErrorCode.ALREADY_DECIDED == "ALREADY_DECIDED"


def test_docs_describe_every_code_and_no_other() -> None:
    documented = re.findall(r"^\| `([A-Z_]+)` \|", DOC.read_text(), flags=re.MULTILINE)
    assert sorted(documented) == sorted(ErrorCode.__members__)


def test_a_code_outside_the_vocabulary_is_caught() -> None:
    assert_known_codes({"data": {"x": {"userErrors": [{"code": "INVALID_INPUT"}]}}, "errors": []})
    with pytest.raises(AssertionError, match="'NOPE' reached a client"):
        assert_known_codes({"data": {"importJob": {"errorCode": "NOPE"}}})


@pytest.mark.database
async def test_webhook_answers_carry_their_code() -> None:
    async with running_server(settings()) as server:
        unknown = await server.session.post(f"{server.url}/webhooks/shopify/00000000-0000-0000-0000-000000000000")
        big = io.BytesIO(b"x" * (1024 * 1024 + 1))
        too_big = await server.session.post(f"{server.url}/webhooks/shopify/x", data=big)
        answers = {unknown.status: await unknown.json(), too_big.status: await too_big.json()}
    assert answers == {
        404: {"error": "not found", "code": "NOT_FOUND"},
        413: {"error": "body too large", "code": "PAYLOAD_TOO_LARGE"},
    }

"""The kit's ``verify_credentials`` check, against Tinyshop connectors (see ``test_conformance_kit``).

It passes a connector whose check tells the double's credentials from its wrong
ones, fails one that lets wrong credentials through or refuses them with the
wrong error, and is skipped, naming the method, for a connector without one.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.platforms import PlatformAuthError, PlatformBadResponse
from tests.platforms.test_conformance_kit import TinyConnector

pytest_plugins = ["pytester"]

CHECK = "test_verify_credentials_tells_right_from_wrong"


class Verifies(TinyConnector):
    async def verify_credentials(self) -> None:
        now = datetime.now(UTC)
        self.body(await self.get("/api/orders", {**self.window(now, now), "page": "1"}))


class LetsWrongOnesThrough(TinyConnector):
    async def verify_credentials(self) -> None:
        try:
            await Verifies.verify_credentials(self)
        except PlatformAuthError:
            return


class RefusesAsBadResponse(TinyConnector):
    async def verify_credentials(self) -> None:
        try:
            await Verifies.verify_credentials(self)
        except PlatformAuthError:
            raise PlatformBadResponse("Tinyshop answered oddly") from None


def _outcomes(pytester: pytest.Pytester, *connectors: str) -> dict[str, tuple[str, str]]:
    """``{connector: (outcome, report text)}`` of the check run as a partner runs it."""
    lines = [
        "from server.platforms.testing import ConnectorConformanceSuite",
        "from tests.platforms import test_conformance_kit as tiny",
        "from tests.platforms import test_kit_verify_credentials as here",
    ]
    for name in connectors:
        module = "tiny" if name == "TinyConnector" else "here"
        lines += [
            f"class Test{name}(ConnectorConformanceSuite):",
            f"    connector_class = {module}.{name}",
            "    def make_double(self):",
            "        return tiny.TinyDouble()",
        ]
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings = error\n")
    pytester.makepyfile(test_partner="\n".join(lines) + "\n")
    recorder = pytester.inline_run("-p", "no:cacheprovider", "-k", CHECK)
    found = {}
    for report in recorder.getreports("pytest_runtest_logreport"):
        if report.when == "call" or report.outcome != "passed":
            cls = report.nodeid.split("::")[1].removeprefix("Test")
            found[cls] = (report.outcome, report.longreprtext)
    return found


def test_the_check_passes_a_right_check_fails_wrong_ones_and_skips_without_one(pytester: pytest.Pytester) -> None:
    found = _outcomes(pytester, "Verifies", "LetsWrongOnesThrough", "RefusesAsBadResponse", "TinyConnector")

    assert found["Verifies"][0] == "passed"
    assert found["LetsWrongOnesThrough"][0] == "failed"
    assert (
        "verify_credentials() with double.wrong_credentials() returned; expected PlatformAuthError"
        in (found["LetsWrongOnesThrough"][1])
    )
    assert found["RefusesAsBadResponse"][0] == "failed"
    assert (
        "raised PlatformBadResponse: Tinyshop answered oddly; expected PlatformAuthError"
        in (found["RefusesAsBadResponse"][1])
    )
    assert found["TinyConnector"][0] == "skipped"
    assert "TinyConnector does not override verify_credentials" in found["TinyConnector"][1]

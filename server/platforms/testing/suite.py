"""``ConnectorConformanceSuite``: the one test class a platform plugin's tests subclass.

Using it
--------
Name the connector and the platform double (an emulator of the platform's API,
or a small fake, implementing ``PlatformDouble``); nothing else is needed::

    from server.platforms.testing import ConnectorConformanceSuite, PlatformDouble

    from my_plugin import MyConnector
    from my_plugin.emulator import MyEmulator


    class TestMyConnector(ConnectorConformanceSuite):
        connector_class = MyConnector

        def make_double(self) -> PlatformDouble:
            return MyEmulator()

The suite is opt-in: its base class is not collected (its name does not start
with ``Test``), only your subclass is. It needs pytest and pytest-asyncio; each
async test carries ``@pytest.mark.asyncio`` itself, so it runs whether your
project uses pytest-asyncio's ``strict`` mode (the default) or ``auto`` mode,
and it needs no async fixtures. ``make_double`` is called once per test, so
every test starts from an empty store.

The ``SeededOrder`` that ``seed_order`` returns is what the kit expects the
connector to report: write its values in the double (the total as the
platform shows it, the number as the seller sees it), never with the
connector's own mapping or money helpers, or a bug in them cancels out.

Optional overrides (class attributes and methods of your subclass):

- ``retry_policy``: the ``RetryPolicy`` of the connector's ``HttpClient``.
  Default: 3 attempts, millisecond backoff, waits capped at 20 ms, a 10 s
  timeout. Keep ``attempts`` at 3 or more: the retry tests inject two
  faults and expect success.
- ``timeout_seconds``: the client timeout of the timeout tests (default 0.3 s;
  the double holds those answers three times as long).
- ``timezones``: the store time zones the window test runs in (default UTC,
  America/Los_Angeles, Asia/Kolkata, Pacific/Chatham).
- ``local_timezone``: the process's local time zone in the local-time test
  (default Asia/Kathmandu, UTC+05:45).
- ``wrong_shapes_limit``: at most this many wrong-shaped answers per operation
  in the wrong-shape test (default 240, spread over the answer).
- ``connector_kwargs(double, *, credentials, http, api_base_url, state)``:
  the keyword arguments the connector class is built with; extend it when
  your connector takes more (call ``super()`` and add to the dict).

How it runs a connector
-----------------------
Each test serves ``make_double().app()`` on 127.0.0.1 (aiohttp ``AppRunner``
and ``TCPSite``) and builds the connector as the core does: the double's
``credentials()``, an ``HttpClient`` over a fresh ``aiohttp.ClientSession``
with ``retry_policy``, ``api_base_url`` = the double's URL, and one
``ConnectorState`` per set of credentials. The connector's requests go to the
double over real HTTP; the double's fault injection (``fail_next``,
``throttle_next``, ``garbage_next``, ``truncate_next``, ``delay_next``, and
the optional ``reshape_next``) is the only way the kit provokes errors. The
app is served with ``reshape_middleware`` first among its middlewares (it
applies ``FaultQueueDouble``'s reshapes). Listing windows lie in the recent
past (ending at least an hour before now), with whole-second order times.

Checked on every call, in every test:

- results are ``Order``s keeping the normalized invariants: ``Money.amount`` a
  ``Decimal`` with a 3-letter currency, ``placed_at`` aware and in UTC, a
  non-empty ``raw`` payload, non-empty string ids, ``PaymentStatus`` values,
  line items whose money is in the order's currency;
- errors are ``server.platforms`` errors (``ConnectorError``): anything else
  (``KeyError``, ``ValueError`` from a float given to ``Money``...) is a bug;
- no error message contains a secret: the value of a credential field marked
  ``secret``, or one that differs between ``credentials()`` and
  ``wrong_credentials()``.

The tests, and what gates them
------------------------------
A test whose operation the connector's ``capabilities`` do not declare is
skipped, naming the missing ``Capability``; parametrized tests skip only the
cases of the undeclared operation. ``[op]`` below is ``fetch_order`` (needs
``FETCH_ORDER``; it fetches a seeded order by its first reference) or
``orders_created`` (needs ``LIST_ORDERS_CREATED``; it lists a window holding
two seeded orders).

``test_declares_its_platform`` (always)
    ``platform_id`` is a lowercase identifier; ``display_name`` and
    ``order_id_label`` are non-blank; ``credential_fields`` are
    ``CredentialField``s with unique names, and every field whose value differs
    in ``wrong_credentials()`` is marked ``secret``; ``capabilities`` is a
    non-empty frozenset of ``Capability`` and declares ``LIST_ORDERS_CREATED``
    exactly when ``orders_created`` is implemented, ``WEBHOOKS`` exactly when
    ``parse_webhook`` is.
``test_check_credentials_accepts_the_doubles_credentials`` (always)
    ``check_credentials`` accepts ``credentials()`` and ``wrong_credentials()``
    (well-formed, only refused by the platform) and keeps every required field.
``test_check_credentials_names_a_missing_field[field]`` (always, per required field)
    Without the field, or with it blank, ``check_credentials`` raises
    ``InvalidCredentials`` whose ``field`` names it, with no secret in the message.
``test_undeclared_operations_raise_unsupported_operation`` (skipped when all are declared)
    An operation missing from ``capabilities`` raises ``UnsupportedOperation``
    (``fetch_order``, ``orders_created``, ``parse_webhook``, ``register_webhooks``).
``test_fetch_order_finds_every_reference`` (``FETCH_ORDER``)
    With three orders seeded, every form in each ``SeededOrder.references``
    finds that order, with its ``order_id``, ``order_number``, total, currency
    and ``placed_at``; never another order.
``test_fetch_order_returns_none_for_an_unknown_reference`` (``FETCH_ORDER``)
    Near misses of each reference form (same shape with other digits, one
    digit longer) give ``None``, not another order and not an error.
``test_parse_webhook_reads_the_platforms_deliveries`` (``WEBHOOKS``; needs ``double.order_webhooks()``)
    With two orders seeded, each delivery ``order_webhooks()`` gives leads to
    its order (``WebhookEvent.order``, or an ``order_reference`` that
    ``fetch_order`` resolves), with the same ``delivery_id`` when read twice,
    and ``updated`` false (it announces a new order). Skipped when the double
    produces no deliveries.
``test_parse_webhook_marks_change_deliveries`` (``WEBHOOKS``; needs ``double.change_order()``)
    With two orders seeded and changed (``change_order``: a refund, or a
    cancellation), each delivery ``order_change_webhooks()`` gives is read
    with ``updated`` true and leads to one of them, every changed order is
    reached, the same delivery always has the same ``delivery_id`` and two
    deliveries never share one (the core would drop the second as a replay);
    each delivery without its headers, or with its body tampered with, is
    refused. Skipped, naming the method, for a double without ``change_order``,
    and for one whose ``order_change_webhooks()`` stays empty (a platform that
    sends no such deliveries, such as eBay).
``test_parse_webhook_refuses_forged_deliveries[forgery]`` (``WEBHOOKS``; needs ``double.order_webhooks()``)
    Each delivery, forged, is refused with ``WebhookRejected`` (an event
    returned or another exception fails): ``unsigned``, without any headers
    (``WebhookMalformed`` is accepted too); ``tampered-body``, every digit of
    the body changed under the same headers (all of it, so the change reaches
    whatever part the platform signs: Ecwid signs only an event's time and
    id); ``altered-signature``, one character of the signature header changed
    to another of its kind (the header is ``double.webhook_signature_header``,
    else every header named like a signature: ``signature``, ``hmac``,
    ``-sig``; skipped, naming the attribute, when there is none);
    ``another-stores-secret``, the deliveries ``double.order_webhooks_for()``
    signs for ``credentials()`` with every secret credential field's value
    changed (those signed for ``credentials()`` must first be read; skipped,
    naming the method, for a double without ``order_webhooks_for``).
``test_orders_created_lists_every_order_exactly_once_across_pages`` (``LIST_ORDERS_CREATED``)
    ``2 * double.page_size + 3`` orders inside a six-hour window (in groups
    of three sharing a second, so groups straddle page boundaries) and three
    well outside on each side: every order inside appears exactly once across
    all pages, each page is a list of ``Order``, each order matches its seed.
    Orders outside the window may appear (the core re-checks ``placed_at``).
``test_orders_created_includes_the_window_edges[bounds]`` (``LIST_ORDERS_CREATED``)
    Orders placed exactly at the start and at the end are included (the
    window is inclusive), with the bounds on whole seconds and, in a second
    case, half a second outside the first and last orders.
``test_orders_created_in_the_store_time_zone[timezone]`` (``LIST_ORDERS_CREATED``)
    After ``double.set_timezone(timezone)``, a window around the store's local
    midnight: the orders at its edges and one second either side of midnight
    are all included.
``test_wrong_credentials_raise_platform_auth_error[op]``
    With ``wrong_credentials()`` the operation raises ``PlatformAuthError``
    (not ``None``, not another error), its message free of secrets.
``test_transient_fault_is_retried[op-fault]``
    After the platform's own throttle signal twice (``throttle_next``), HTTP
    503 twice, a body cut short once, or an answer held past the client
    timeout once, the operation still succeeds.
``test_persistent_fault_is_reported[op-fault]``
    When every attempt fails: HTTP 503 or the throttle signal give
    ``PlatformUnavailable``; timeouts give ``PlatformUnavailable`` whose message
    mentions the timeout; a body that is not JSON gives ``PlatformBadResponse``;
    a body cut short gives ``PlatformUnavailable`` or ``PlatformBadResponse``.
``test_returned_orders_are_normalized[op]``
    The invariants above, and the payment status below, on a fetched order
    and on listed orders.
``test_orders_created_lists_an_order_added_mid_listing_once[position]`` (``LIST_ORDERS_CREATED``)
    ``2 * double.page_size + 3`` orders inside the window; when the first
    page has arrived (before the connector is asked for the next), the double
    gets one more order at the window's start (``oldest``: offset pages shift)
    or at its end (``newest``): every order seeded before appears exactly once,
    the new one at most once. Numbered pages fetched ahead (``pages_ahead``)
    may already hold the old order of things; the invariant is the same.
``test_times_read_the_same_under_another_local_time_zone[op]``
    With the process's local time zone set to ``local_timezone`` (``TZ`` and
    ``time.tzset()``, restored after the test; pytest-xdist runs tests in
    processes, so this is parallel-safe): fetched orders (at the window's
    start and inside it) and listed ones (the window's edges, one second
    inside them and its middle) carry their seeded ``placed_at``. Catches
    ``datetime.fromtimestamp()`` without a zone, ``.astimezone()`` on a naive
    time, ``time.mktime``. Skipped where the system has no such zone.
``test_wrong_shaped_json_is_a_bad_response[op]`` (needs ``double.reshape_next``)
    The operation runs once to fill caches, once more to record the JSON
    answer to its first request, then once per wrong shape of that answer
    (``shapes.wrong_shapes``: each member removed; each value replaced by
    null and by wrong types: a string where an object, list or number goes,
    an object where a string, list or number goes, an empty and a one-item
    list where an object goes; lists entered by their first item; at most
    ``wrong_shapes_limit``), the double reshaping only that answer. Each run
    ends in ``PlatformBadResponse``, or returns what the connector can still
    read: ``None``, fewer orders, another ``order_number`` are allowed (an
    optional member may be missing), but an order it returns carries its
    seeded total, currency and ``placed_at`` (a value that cannot be read is
    never replaced by a default). Any other exception (``KeyError``,
    ``TypeError``...) or ``ConnectorError`` fails, naming the change. Skipped,
    naming the method, for a double without ``reshape_next``.
``test_verify_credentials_tells_right_from_wrong`` (skipped unless the connector overrides ``verify_credentials``)
    ``verify_credentials()`` returns with ``credentials()`` and raises
    ``PlatformAuthError`` with ``wrong_credentials()``, its message free of secrets.

Soft checks emit ``ConformanceWarning`` instead of failing (see its
docstring): a seeded order, which is paid, should map to ``PaymentStatus.PAID``;
credential fields named like secrets (token, secret, password, key) should be
marked ``secret``; no secret in exceptions chained to an error.

Failures name the call and what went wrong, for example
``fetch_order('#1001') returned order '5829' (#1002); expected order '5828'
(#1001, placed ...)`` or ``order '17' (#1017) appeared 2 times, on pages 1 and 2``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
from multidict import CIMultiDict

from ..contract import Capability, ConnectorState, PlatformConnector
from ..errors import (
    ConnectorError,
    InvalidCredentials,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformUnavailable,
    UnsupportedOperation,
)
from ..http import HttpClient, RetryPolicy
from ..models import CredentialField, Order, PaymentStatus
from ..webhooks import WebhookEvent, WebhookMalformed, WebhookRejected
from .checks import (
    ConformanceWarning,
    describe,
    mask,
    secret_problems,
    secret_values,
    seeded_problems,
    unknown_references,
    value_problems,
)
from .double import PlatformDouble, SeededOrder
from .forgeries import altered_signature, another_store, signature_headers, tampered_body
from .harness import (
    KIT_RETRY_POLICY,
    Harness,
    core_connector_kwargs,
    local_time_zone,
    serve_double,
    show_call,
    summarize,
)
from .shapes import Reshape, wrong_shapes

__all__ = ["ConnectorConformanceSuite"]

_OPERATIONS = {"fetch_order": Capability.FETCH_ORDER, "orders_created": Capability.LIST_ORDERS_CREATED}
"""The operations the parametrized tests run (``[op]``)."""
_OPTIONAL_METHODS = {
    Capability.LIST_ORDERS_CREATED: "orders_created",
    Capability.WEBHOOKS: "parse_webhook",
    Capability.REGISTER_WEBHOOKS: "register_webhooks",
}
"""Capabilities whose method has a default that raises ``UnsupportedOperation``."""
_HOOK_URL = "https://orders.example.com/webhooks/kit/store"  # where register_webhooks is asked to send them
_SECRET_NAMES = re.compile(r"token|secret|password|passwd|(?:^|_)key$|private", re.IGNORECASE)
_TIMEOUT_WORDS = re.compile(r"time[sd]?[ -]?out", re.IGNORECASE)
_WINDOW = timedelta(hours=6)
_WINDOW_AGO = timedelta(hours=2)  # windows end this long before now, so orders after them are in the past too
_WELL_OUTSIDE = timedelta(hours=1)
_SECOND = timedelta(seconds=1)
_FORGERIES = {
    "unsigned": "without any headers",
    "tampered-body": "its body changed under the same headers",
    "altered-signature": "its signature altered",
    "another-stores-secret": "signed with another store's secret",
}
"""The forged deliveries of ``test_parse_webhook_refuses_forged_deliveries``, and how messages name them."""


@dataclass(frozen=True, slots=True)
class _Fault:
    """A fault the double injects before an operation, and what the connector must then do."""

    name: str
    what: str  # how messages name it; "{n}" is the number of faulty answers
    inject: Callable[[PlatformDouble, int, float], None]  # (double, n, the client timeout in seconds)
    expected: tuple[type[ConnectorError], ...] = ()  # empty: the operation succeeds
    times_out: bool = False

    def describe(self, n: int) -> str:
        return self.what.format(n=n)


_TRANSIENT = (
    _Fault("throttled-twice", "throttle signal on {n} requests", lambda d, n, t: d.throttle_next(n)),
    _Fault("http-503-twice", "HTTP 503 on {n} requests", lambda d, n, t: d.fail_next(503, n)),
    _Fault("truncated-once", "body cut short once", lambda d, n, t: d.truncate_next(1)),
    _Fault(
        "timeout-once",
        "answer held past the client timeout once",
        lambda d, n, t: d.delay_next(3 * t, 1),
        times_out=True,
    ),
)
_PERSISTENT = (
    _Fault(
        "http-503-every-attempt",
        "HTTP 503 on all {n} attempts",
        lambda d, n, t: d.fail_next(503, n),
        (PlatformUnavailable,),
    ),
    _Fault(
        "throttled-every-attempt",
        "throttle signal on all {n} attempts",
        lambda d, n, t: d.throttle_next(n),
        (PlatformUnavailable,),
    ),
    _Fault(
        "timeout-every-attempt",
        "answers held past the client timeout on all {n} attempts",
        lambda d, n, t: d.delay_next(3 * t, n),
        (PlatformUnavailable,),
        times_out=True,
    ),
    _Fault(
        "garbage-every-attempt",
        "non-JSON body on all {n} attempts",
        lambda d, n, t: d.garbage_next(n),
        (PlatformBadResponse,),
    ),
    _Fault(
        "truncated-every-attempt",
        "bodies cut short on all {n} attempts",
        lambda d, n, t: d.truncate_next(n),
        (PlatformUnavailable, PlatformBadResponse),
    ),
)


def _with_faults(faults: tuple[_Fault, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a test to be parametrized by operation and by each of ``faults``."""

    def mark(test: Callable[..., Any]) -> Callable[..., Any]:
        test._kit_faults = faults  # type: ignore[attr-defined]
        return test

    return mark


class ConnectorConformanceSuite:
    """The conformance tests every platform connector passes; subclass it as ``Test<Platform>``.

    Set ``connector_class`` and implement ``make_double``; see the module
    docstring for the optional overrides and what each test checks.
    """

    connector_class: ClassVar[type[PlatformConnector]]
    """The connector under test."""

    retry_policy: ClassVar[RetryPolicy] = KIT_RETRY_POLICY
    """The policy of the connector's ``HttpClient``: few attempts, millisecond backoff."""

    timeout_seconds: ClassVar[float] = 0.3
    """The client timeout in the timeout tests; the double holds answers three times as long."""

    timezones: ClassVar[tuple[str, ...]] = ("UTC", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham")
    """Store time zones (IANA names) the time-zone window test runs in."""

    local_timezone: ClassVar[str] = "Asia/Kathmandu"
    """The process's local time zone in the local-time test (UTC+05:45, all year)."""

    wrong_shapes_limit: ClassVar[int] = 240
    """At most this many wrong-shaped answers per operation in the wrong-shape test (spread over the answer)."""

    def make_double(self) -> PlatformDouble:
        """A new double of the platform, with no orders; called once per test."""
        raise NotImplementedError(f"{type(self).__name__} must implement make_double() returning a PlatformDouble")

    def connector_kwargs(
        self,
        double: PlatformDouble,
        *,
        credentials: Mapping[str, str],
        http: HttpClient,
        api_base_url: str,
        state: ConnectorState,
    ) -> dict[str, Any]:
        """Keyword arguments for ``connector_class``; override to add what your connector also takes."""
        return core_connector_kwargs(double, credentials=credentials, http=http, api_base_url=api_base_url, state=state)

    # --- parametrization (pytest calls this for the class's tests) ------------------------------

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Parametrize by the subclass's own settings: operations, faults, time zones, credential fields."""
        declared: frozenset[Capability] = getattr(getattr(self, "connector_class", None), "capabilities", frozenset())
        names = metafunc.fixturenames
        if "timezone" in names:
            metafunc.parametrize("timezone", self.timezones)
        if "operation" in names:
            faults: tuple[_Fault, ...] | None = getattr(metafunc.function, "_kit_faults", None)
            params = []
            for operation, capability in _OPERATIONS.items():
                marks = [] if capability in declared else [pytest.mark.skip(reason=_undeclared(self, capability))]
                if faults is None:
                    params.append(pytest.param(operation, id=operation, marks=marks))
                else:
                    params += [pytest.param(operation, f, id=f"{operation}-{f.name}", marks=marks) for f in faults]
            metafunc.parametrize(["operation"] if faults is None else ["operation", "fault"], params)
        if "required_field" in names:
            fields = [
                f.name for f in getattr(getattr(self, "connector_class", None), "credential_fields", ()) if f.required
            ]
            metafunc.parametrize(
                "required_field",
                fields or [pytest.param(None, marks=pytest.mark.skip(reason="no required credential field"))],
            )

    # --- declarations ------------------------------------------------------------------------------

    def test_declares_its_platform(self) -> None:
        cls = self._connector_class()
        problems = []
        platform_id = getattr(cls, "platform_id", None)
        if not isinstance(platform_id, str) or not platform_id.isidentifier() or platform_id != platform_id.lower():
            problems.append(f"platform_id is {platform_id!r}; it must be a lowercase identifier such as 'shopify'")
        for name in ("display_name", "order_id_label"):
            value = getattr(cls, name, None)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{name} is {value!r}; it must be a non-blank string")
        fields = getattr(cls, "credential_fields", None)
        if not isinstance(fields, tuple) or not fields or not all(isinstance(f, CredentialField) for f in fields):
            problems.append(f"credential_fields is {fields!r}; it must be a non-empty tuple of CredentialField")
            fields = ()
        names = [f.name for f in fields]
        if duplicates := sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"credential_fields declares {duplicates[0]!r} more than once")
        double = self.make_double()
        right, wrong = dict(double.credentials()), dict(double.wrong_credentials())
        if right == wrong:
            problems.append("the double's wrong_credentials() equal its credentials(); the kit cannot test refusal")
        for field in fields:
            if not field.secret and right.get(field.name) != wrong.get(field.name):
                problems.append(
                    f"credential field {field.name!r} holds the secret the double's wrong_credentials() change, "
                    "but is not marked secret=True"
                )
            elif not field.secret and _SECRET_NAMES.search(field.name):
                warnings.warn(
                    ConformanceWarning(
                        f"credential field {field.name!r} is named like a secret but not marked secret=True"
                    ),
                    stacklevel=1,
                )
        capabilities = getattr(cls, "capabilities", None)
        if not isinstance(capabilities, frozenset) or not all(isinstance(c, Capability) for c in capabilities):
            problems.append(f"capabilities is {capabilities!r}; it must be a frozenset of Capability")
        elif not capabilities:
            problems.append("capabilities is empty: the connector offers no operation")
        else:
            for capability, method in _OPTIONAL_METHODS.items():
                implemented = getattr(cls, method) is not getattr(PlatformConnector, method)
                if capability in capabilities and not implemented:
                    problems.append(f"capabilities declares {capability.name} but {method} is not implemented")
                if implemented and capability not in capabilities:
                    problems.append(f"{method} is implemented but capabilities does not declare {capability.name}")
        if problems:
            raise AssertionError(f"{cls.__name__}: {summarize(problems, limit=10)}")

    def test_check_credentials_accepts_the_doubles_credentials(self) -> None:
        cls = self._connector_class()
        double = self.make_double()
        for which, credentials in (
            ("credentials()", double.credentials()),
            ("wrong_credentials()", double.wrong_credentials()),
        ):
            call = f"{cls.__name__}.check_credentials(double.{which})"
            try:
                cleaned = cls.check_credentials(credentials)
            except InvalidCredentials as exc:
                shown = mask(str(exc), _secrets(cls, double))
                raise AssertionError(f"{call} raised InvalidCredentials (field {exc.field!r}): {shown}") from None
            missing = [f.name for f in cls.credential_fields if f.required and not cleaned.get(f.name)]
            if missing:
                raise AssertionError(f"{call} returned credentials without the required field {missing[0]!r}")

    def test_check_credentials_names_a_missing_field(self, required_field: str) -> None:
        cls = self._connector_class()
        double = self.make_double()
        credentials = dict(double.credentials())
        secrets = _secrets(cls, double)
        absent = {k: v for k, v in credentials.items() if k != required_field}
        for how, given in (("without", absent), ("with a blank", {**absent, required_field: "  "})):
            call = f"{cls.__name__}.check_credentials() {how} {required_field!r}"
            try:
                cls.check_credentials(given)
            except InvalidCredentials as exc:
                if exc.field != required_field:
                    raise AssertionError(
                        f"{call} raised InvalidCredentials naming field {exc.field!r}; expected {required_field!r}"
                    ) from exc
                if leaked := secret_problems(str(exc), secrets):
                    raise AssertionError(
                        f"{call} raised InvalidCredentials whose message contains {', '.join(leaked)}: "
                        f"{mask(str(exc), secrets)!r}"
                    ) from None
            except Exception as exc:
                raise AssertionError(
                    f"{call} raised {type(exc).__name__}: {mask(str(exc), secrets)}; expected InvalidCredentials"
                ) from exc
            else:
                raise AssertionError(
                    f"{call} accepted the credentials; expected InvalidCredentials(field={required_field!r})"
                )

    @pytest.mark.asyncio
    async def test_undeclared_operations_raise_unsupported_operation(self) -> None:
        cls = self._connector_class()
        undeclared = [c for c in Capability if c not in cls.capabilities]
        if not undeclared:
            pytest.skip(f"{cls.__name__} declares every capability")
        async with self._platform() as h:
            start, end = _recent_window()
            connector = h.connector()
            calls: dict[Capability, tuple[str, Callable[[], Awaitable[Any]]]] = {
                Capability.FETCH_ORDER: (show_call("fetch_order", "#1001"), lambda: h.fetch(connector, "#1001")),
                Capability.LIST_ORDERS_CREATED: (
                    show_call("orders_created", start, end),
                    lambda: h.pages(connector, start, end, max_pages=10),
                ),
                Capability.WEBHOOKS: (
                    "parse_webhook({}, b'{}')",
                    lambda: h.run("parse_webhook({}, b'{}')", connector.parse_webhook({}, b"{}")),
                ),
                Capability.REGISTER_WEBHOOKS: (
                    "register_webhooks(url)",
                    lambda: h.run("register_webhooks(url)", connector.register_webhooks(_HOOK_URL)),
                ),
            }
            for capability in (c for c in undeclared if c in calls):
                call, operation = calls[capability]
                why = f"{_undeclared(self, capability)}, so it must raise UnsupportedOperation"
                try:
                    await operation()
                except UnsupportedOperation:
                    continue
                except ConnectorError as exc:
                    raise AssertionError(
                        f"{call} raised {type(exc).__name__}: {mask(str(exc), h.secrets)}; {why}"
                    ) from exc
                raise AssertionError(f"{call} answered; {why}")

    # --- fetch_order -------------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_fetch_order_finds_every_reference(self) -> None:
        self._require(Capability.FETCH_ORDER)
        async with self._platform() as h:
            start, _ = _recent_window()
            seeded = h.seed([start + _WINDOW / 4 + n * timedelta(minutes=7) for n in range(3)])
            connector = h.connector()
            for expected in seeded:
                if not expected.references:
                    raise AssertionError(f"the double's SeededOrder for {describe(expected)} lists no references")
                for reference in expected.references:
                    call = show_call("fetch_order", reference)
                    order = await _succeed(h, call, h.fetch(connector, reference))
                    if order is None:
                        raise AssertionError(f"{call} returned None; expected {describe(expected)}")
                    if order.order_id != expected.order_id:
                        raise AssertionError(f"{call} returned {describe(order)}; expected {describe(expected)}")
                    if problems := seeded_problems(order, expected):
                        raise AssertionError(f"{call} returned {describe(order)} with {summarize(problems)}")
                    _check_paid(call, order)

    @pytest.mark.asyncio
    async def test_fetch_order_returns_none_for_an_unknown_reference(self) -> None:
        self._require(Capability.FETCH_ORDER)
        async with self._platform() as h:
            start, _ = _recent_window()
            seeded = h.seed([start + _WINDOW / 4 + n * timedelta(minutes=7) for n in range(3)])
            taken = [r for s in seeded for r in (*s.references, s.order_id, s.order_number)]
            connector = h.connector()
            for reference in dict.fromkeys(u for r in seeded[0].references for u in unknown_references(r, taken)):
                call = show_call("fetch_order", reference)
                order = await _succeed(h, call, h.fetch(connector, reference), "None")
                if order is not None:
                    raise AssertionError(
                        f"{call} returned {describe(order)}; the platform has no order {reference!r}, so it must "
                        "return None (never another order)"
                    )

    @pytest.mark.asyncio
    async def test_fetch_orders_finds_exactly_the_known_references(self) -> None:
        """``fetch_orders`` of every reference of one order and a near miss: that order under each reference."""
        self._require(Capability.FETCH_ORDER)
        async with self._platform() as h:
            start, _ = _recent_window()
            [seeded] = h.seed([start + _WINDOW / 4])
            known = list(seeded.references)
            unknown = unknown_references(known[0], [*known, seeded.order_id, seeded.order_number])[0]
            call = show_call("fetch_orders", [*known, unknown])
            found = await _succeed(h, call, h.run(call, h.connector().fetch_orders([*known, unknown])))
            if not isinstance(found, dict) or sorted(found) != sorted(known):
                shown = sorted(found) if isinstance(found, dict) else found
                raise AssertionError(f"{call} returned the keys {shown!r:.200}; expected exactly {known!r}")
            for reference, order in found.items():
                if not isinstance(order, Order):
                    raise AssertionError(f"{call}[{reference!r}] is a {type(order).__name__}, not an Order")
                if problems := seeded_problems(order, seeded):
                    raise AssertionError(f"{call}[{reference!r}] is {describe(order)} with {summarize(problems)}")

    # --- parse_webhook -----------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_parse_webhook_reads_the_platforms_deliveries(self) -> None:
        """Each delivery the double signs yields that order (or a reference ``fetch_order`` resolves), and
        the same delivery always carries the same ``delivery_id``."""
        self._require(Capability.WEBHOOKS)
        async with self._platform() as h:
            seeded, deliveries = _webhook_deliveries(h)
            connector = h.connector()
            for expected, (headers, body) in zip(seeded, deliveries):
                await _expect_delivered(
                    h, connector, f"parse_webhook(<delivery of {describe(expected)}>)", expected, headers, body
                )

    @pytest.mark.asyncio
    @pytest.mark.parametrize("forgery", list(_FORGERIES))
    async def test_parse_webhook_refuses_forged_deliveries(self, forgery: str) -> None:
        """Each delivery the double signs, forged: refused with ``WebhookRejected``, never read."""
        self._require(Capability.WEBHOOKS)
        async with self._platform() as h:
            seeded, deliveries = _webhook_deliveries(h)
            connector = h.connector()
            double = type(h.double).__name__
            if forgery == "altered-signature":
                named = h.double.webhook_signature_header
                if not signature_headers(deliveries[0][0], named):
                    where = f"has no header {named!r}" if named else "has no header named like a signature"
                    pytest.skip(
                        f"{double}'s delivery {where}; name the header that carries the signature in "
                        f"{double}.webhook_signature_header"
                    )
                forged = [(altered_signature(hs, signature_headers(hs, named)), b) for hs, b in deliveries]
            elif forgery == "another-stores-secret":
                if _lacks(h.double, "order_webhooks_for"):
                    pytest.skip(
                        f"{double} does not implement order_webhooks_for(credentials), so deliveries signed with "
                        "another store's secret are not tried; implement it where the platform signs with a "
                        "secret of the store"
                    )
                secret = [f.name for f in h.connector_class.credential_fields if f.secret]
                ours = h.double.order_webhooks_for(h.double.credentials())
                theirs = h.double.order_webhooks_for(another_store(h.double.credentials(), secret))
                for expected, (headers, body) in zip(seeded, ours):
                    call = f"parse_webhook(<delivery of {describe(expected)} from order_webhooks_for(credentials())>)"
                    await _expect_delivered(h, connector, call, expected, headers, body)
                if theirs == ours or len(theirs) != len(seeded):
                    raise AssertionError(
                        f"{double}.order_webhooks_for(<credentials with other secrets>) gave "
                        f"{'the same deliveries' if theirs == ours else f'{len(theirs)} deliveries'}; it must sign "
                        f"the {len(seeded)} orders' deliveries with the secrets it is given"
                    )
                forged = theirs
            elif forgery == "tampered-body":
                forged = [(headers, tampered_body(body)) for headers, body in deliveries]
            else:
                forged = [({}, body) for _, body in deliveries]
            refusals = (WebhookRejected, WebhookMalformed) if forgery == "unsigned" else (WebhookRejected,)
            for expected, (headers, body) in zip(seeded, forged):
                call = f"parse_webhook(<delivery of {describe(expected)}, {_FORGERIES[forgery]}>)"
                await _expect_refused(h, connector, call, headers, body, refusals)

    @pytest.mark.asyncio
    async def test_parse_webhook_marks_change_deliveries(self) -> None:
        """Each delivery about a change to an order is read with ``updated`` true and leads to that order;
        deliveries keep distinct ids, and their forgeries are refused."""
        self._require(Capability.WEBHOOKS)
        async with self._platform() as h:
            double = type(h.double).__name__
            if _lacks(h.double, "change_order"):
                pytest.skip(
                    f"{double} does not implement change_order(order_id), so deliveries about changed orders are "
                    "not tried; implement it (and order_change_webhooks()) where the platform sends them"
                )
            start, _ = _recent_window()
            seeded = h.seed([start + _WINDOW / 4 + n * timedelta(minutes=7) for n in range(2)])
            for seed in seeded:
                h.double.change_order(seed.order_id)
            deliveries = h.double.order_change_webhooks()
            if not deliveries:
                pytest.skip(
                    f"{double}.order_change_webhooks() gave no delivery about the orders change_order() changed: "
                    "the platform sends none (its changes are seen by reading the orders again)"
                )
            connector = h.connector()
            wanted = {seed.order_id: seed for seed in seeded}
            reached: set[str] = set()
            seen: dict[str, int] = {}
            for n, (headers, body) in enumerate(deliveries, 1):
                call = f"parse_webhook(<change delivery {n} of {len(deliveries)}>)"
                event = await _read_twice(h, connector, call, headers, body)
                if not event.updated:
                    raise AssertionError(
                        f"{call} returned updated=False; a delivery about a change to an order must set "
                        "WebhookEvent.updated, or the core takes it for a new order"
                    )
                order = await _event_order(h, connector, call, event)
                if order is None or order.order_id not in wanted:
                    got = "None" if order is None else describe(order)
                    expected = " or ".join(describe(seed) for seed in seeded)
                    raise AssertionError(f"{call} led to {got}; expected {expected}")
                reached.add(order.order_id)
                if event.delivery_id in seen:
                    raise AssertionError(
                        f"{call} has delivery_id {event.delivery_id!r}, as change delivery {seen[event.delivery_id]} "
                        "has: the core would drop it as a replay of that one"
                    )
                seen[event.delivery_id] = n
                for forgery, forged_headers, forged_body, refusals in (
                    ("unsigned", {}, body, (WebhookRejected, WebhookMalformed)),
                    ("tampered-body", headers, tampered_body(body), (WebhookRejected,)),
                ):
                    forged_call = f"parse_webhook(<change delivery {n} of {len(deliveries)}, {_FORGERIES[forgery]}>)"
                    await _expect_refused(h, connector, forged_call, forged_headers, forged_body, refusals)
            if missed := [wanted[order_id] for order_id in wanted if order_id not in reached]:
                raise AssertionError(
                    f"no delivery of order_change_webhooks() led to {', '.join(describe(o) for o in missed)}, "
                    "which change_order() changed"
                )

    # --- orders_created ----------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_orders_created_lists_every_order_exactly_once_across_pages(self) -> None:
        self._require(Capability.LIST_ORDERS_CREATED)
        async with self._platform() as h:
            start, end = _recent_window()
            count = 2 * h.double.page_size + 3
            if count < 5:
                raise AssertionError(f"the double's page_size is {h.double.page_size!r}; it must be a positive int")
            before = [start - _WELL_OUTSIDE - n * timedelta(minutes=10) for n in (2, 1, 0)]
            after = [end + _WELL_OUTSIDE + n * timedelta(minutes=10) for n in range(3)]
            h.seed(before)
            inside = h.seed(_spread(start, end, count))
            h.seed(after)
            await self._expect_listed(h, start, end, {}, inside)

    @pytest.mark.asyncio
    @pytest.mark.parametrize("bounds", ["whole-seconds", "fractional-seconds"])
    async def test_orders_created_includes_the_window_edges(self, bounds: str) -> None:
        self._require(Capability.LIST_ORDERS_CREATED)
        async with self._platform() as h:
            start, end = _recent_window()
            h.seed([start - _WELL_OUTSIDE])
            roles = [
                "at the window's start",
                "1s after the start",
                "mid-window",
                "1s before the end",
                "at the window's end",
            ]
            inside = h.seed([start, start + _SECOND, start + _WINDOW / 2, end - _SECOND, end])
            h.seed([end + _WELL_OUTSIDE])
            if bounds == "fractional-seconds":
                start, end = start - _SECOND / 2, end + _SECOND / 2
            await self._expect_listed(h, start, end, {s.order_id: r for s, r in zip(inside, roles)}, inside)

    @pytest.mark.asyncio
    async def test_orders_created_in_the_store_time_zone(self, timezone: str) -> None:
        self._require(Capability.LIST_ORDERS_CREATED)
        zone = ZoneInfo(timezone)
        async with self._platform(timezone=timezone) as h:
            local = (datetime.now(UTC) - 3 * _WELL_OUTSIDE).astimezone(zone)
            midnight = datetime(local.year, local.month, local.day, tzinfo=zone).astimezone(UTC)
            start, end = midnight - 2 * _WELL_OUTSIDE, midnight + _WELL_OUTSIDE
            h.seed([start - _WELL_OUTSIDE])
            times = {
                "at the window's start": start,
                "1s before the store's midnight": midnight - _SECOND,
                "at the store's midnight": midnight,
                "1s after the store's midnight": midnight + _SECOND,
                "at the window's end": end,
            }
            inside = h.seed(list(times.values()))
            h.seed([end + _WELL_OUTSIDE])
            roles = {s.order_id: f"{role} in {timezone}" for s, role in zip(inside, times)}
            await self._expect_listed(h, start, end, roles, inside)

    @pytest.mark.asyncio
    @pytest.mark.parametrize("position", ["oldest", "newest"])
    async def test_orders_created_lists_an_order_added_mid_listing_once(self, position: str) -> None:
        self._require(Capability.LIST_ORDERS_CREATED)
        async with self._platform() as h:
            start, end = _recent_window()
            h.seed([start - _WELL_OUTSIDE, end + _WELL_OUTSIDE])
            inside = h.seed(_spread(start, end, 2 * h.double.page_size + 3))
            added: list[SeededOrder] = []
            at = start if position == "oldest" else end

            def add(page: int) -> None:
                if page == 1:
                    added.extend(h.seed([at]))

            when = f" with an order added at the window's {'start' if position == 'oldest' else 'end'} after page 1"
            await self._expect_listed(h, start, end, {}, inside, after_page=add, when=when)
            if not added:
                raise AssertionError(f"{show_call('orders_created', start, end)} yielded no page")

    @pytest.mark.asyncio
    async def test_times_read_the_same_under_another_local_time_zone(self, operation: str) -> None:
        try:
            with local_time_zone(self.local_timezone):
                async with self._platform() as h:
                    start, end = _recent_window()
                    if operation == "fetch_order":
                        await self._expect_fetched(h, h.seed([start, start + _WINDOW / 3]))
                    else:
                        h.seed([start - _WELL_OUTSIDE])
                        inside = h.seed([start, start + _SECOND, start + _WINDOW / 2, end - _SECOND, end])
                        h.seed([end + _WELL_OUTSIDE])
                        await self._expect_listed(h, start, end, {}, inside, when=f" under TZ={self.local_timezone}")
        except LookupError as exc:
            pytest.skip(str(exc))

    async def _expect_fetched(self, h: Harness, seeded: list[SeededOrder]) -> None:
        """Each of ``seeded`` fetched by its first reference, as seeded."""
        connector = h.connector()
        for expected in seeded:
            call = show_call("fetch_order", expected.references[0])
            order = await _succeed(h, call, h.fetch(connector, expected.references[0]))
            if order is None or order.order_id != expected.order_id:
                got = "None" if order is None else describe(order)
                raise AssertionError(f"{call} returned {got}; expected {describe(expected)}")
            if problems := seeded_problems(order, expected):
                raise AssertionError(
                    f"{call} returned {describe(order)} under TZ={self.local_timezone} with {summarize(problems)}; "
                    "parse the platform's times without the process's local time zone"
                )

    async def _expect_listed(
        self,
        h: Harness,
        start: datetime,
        end: datetime,
        roles: dict[str, str],
        inside: list[SeededOrder],
        *,
        after_page: Callable[[int], None] | None = None,
        when: str = "",
    ) -> None:
        """List ``[start, end]`` and check that every order of ``inside`` appears exactly once, as seeded."""
        call = show_call("orders_created", start, end) + when
        max_pages = len(h.seeded) + 10
        pages = await _succeed(h, call, h.pages(h.connector(), start, end, max_pages=max_pages, after_page=after_page))
        seen: dict[str, list[int]] = {}
        returned: dict[str, Order] = {}
        for number, page in enumerate(pages, 1):
            for order in page:
                seen.setdefault(order.order_id, []).append(number)
                returned.setdefault(order.order_id, order)
        sizes = f"page sizes {[len(p) for p in pages]}"
        repeated = [(i, p) for i, p in seen.items() if len(p) > 1]
        if repeated:
            order_id, on_pages = repeated[0]
            where = f"on page {on_pages[0]}" if len(set(on_pages)) == 1 else f"on pages {_and(sorted(set(on_pages)))}"
            raise AssertionError(
                f"{call}: {describe(returned[order_id])} appeared {len(on_pages)} times, {where} "
                f"({_count(len(repeated), 'order')} repeated; {sizes}); every order must appear exactly once"
            )
        missing = [s for s in inside if s.order_id not in returned]
        if missing:
            shown = [f"{describe(s)}{' ' + roles[s.order_id] if roles.get(s.order_id) else ''}" for s in missing]
            raise AssertionError(
                f"{call} missed {len(missing)} of the {len(inside)} orders inside the window: "
                f"{summarize(shown, limit=3)} ({_count(len(pages), 'page')}, {sizes})"
            )
        for expected in inside:
            order = returned[expected.order_id]
            if problems := seeded_problems(order, expected):
                raise AssertionError(f"{call} returned {describe(order)} with {summarize(problems)}")
            _check_paid(call, order)

    # --- credentials refused -----------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_wrong_credentials_raise_platform_auth_error(self, operation: str) -> None:
        async with self._platform() as h:
            window, seeded = _small_window(h)
            connector = h.connector(h.double.wrong_credentials())
            await self._expect_error(
                h, connector, operation, seeded, window, (PlatformAuthError,), "with wrong_credentials()"
            )

    # --- faults ------------------------------------------------------------------------------------

    @pytest.mark.asyncio
    @_with_faults(_TRANSIENT)
    async def test_transient_fault_is_retried(self, operation: str, fault: _Fault) -> None:
        times = self._fault_times()
        async with self._platform() as h:
            window, seeded = _small_window(h)
            connector = h.connector(policy=self._policy_for(fault))
            fault.inject(h.double, times, self.timeout_seconds)
            after = f"after the double's {fault.describe(times)}"
            await self._expect_success(h, connector, operation, seeded, window, after)

    @pytest.mark.asyncio
    @_with_faults(_PERSISTENT)
    async def test_persistent_fault_is_reported(self, operation: str, fault: _Fault) -> None:
        times = self._policy_for(fault).attempts
        async with self._platform() as h:
            window, seeded = _small_window(h)
            connector = h.connector(policy=self._policy_for(fault))
            fault.inject(h.double, times, self.timeout_seconds)
            after = f"after the double's {fault.describe(times)}"
            error = await self._expect_error(h, connector, operation, seeded, window, fault.expected, after)
            if fault.times_out and not _TIMEOUT_WORDS.search(str(error)):
                raise AssertionError(
                    f"{_call_of(operation, seeded, window)} raised {type(error).__name__} {after} whose message does "
                    f"not mention the timeout: {str(error)!r}"
                )

    # --- normalization -----------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_returned_orders_are_normalized(self, operation: str) -> None:
        async with self._platform() as h:
            window, seeded = _small_window(h)
            await self._expect_success(h, h.connector(), operation, seeded, window, "")

    # --- verify_credentials ------------------------------------------------------------------------

    @pytest.mark.asyncio
    async def test_verify_credentials_tells_right_from_wrong(self) -> None:
        cls = self._connector_class()
        if cls.verify_credentials is PlatformConnector.verify_credentials:
            pytest.skip(f"{cls.__name__} does not override verify_credentials (optional)")
        async with self._platform() as h:
            call = "verify_credentials()"
            await _succeed(h, f"{call} with double.credentials()", h.run(call, h.connector().verify_credentials()))
            wrong = f"{call} with double.wrong_credentials()"
            try:
                await h.run(wrong, h.connector(h.double.wrong_credentials()).verify_credentials())
            except PlatformAuthError:
                return
            except ConnectorError as exc:
                raise AssertionError(
                    f"{wrong} raised {type(exc).__name__}: {mask(str(exc), h.secrets)}; expected PlatformAuthError"
                ) from exc
            raise AssertionError(f"{wrong} returned; expected PlatformAuthError, so sellers learn at connect time")

    @pytest.mark.asyncio
    async def test_wrong_shaped_json_is_a_bad_response(self, operation: str) -> None:
        async with self._platform() as h:
            double = type(h.double).__name__
            if _lacks(h.double, "reshape_next"):
                pytest.skip(
                    f"{double} does not implement reshape_next(transform, times), so JSON of the wrong shape is not "
                    "tried; subclass FaultQueueDouble, which has it, or implement it"
                )
            window, seeded = _small_window(h)
            connector = h.connector()
            await self._expect_success(h, connector, operation, seeded, window, "")  # caches filled, as in use
            answers: list[Any] = []

            def keep(document: Any) -> Any:
                answers.append(document)
                return document

            h.double.reshape_next(keep)
            await self._expect_success(h, connector, operation, seeded, window, "")
            if not answers:
                pytest.skip(
                    f"{double}.reshape_next() did not reach the JSON answer of the connector's first request; "
                    "an emulator takes a fault in every API request (FaultQueueDouble.take_fault)"
                )
            for reshape in _evenly(wrong_shapes(answers[0]), self.wrong_shapes_limit):
                h.double.reshape_next(reshape)
                await self._expect_bad_response_or_seeded(h, connector, operation, seeded, window, reshape)

    async def _expect_bad_response_or_seeded(
        self,
        h: Harness,
        connector: PlatformConnector,
        operation: str,
        seeded: list[SeededOrder],
        window: tuple[datetime, datetime],
        reshape: Reshape,
    ) -> None:
        """After ``reshape`` of the next answer: ``PlatformBadResponse``, or orders carrying their seeded values."""
        call = _call_of(operation, seeded, window)
        change = f"with {reshape.describe()} in the double's answer"
        try:
            if operation == "fetch_order":
                order = await h.fetch(connector, seeded[0].references[0])
                found = [] if order is None else [order]
            else:
                pages = await h.pages(connector, *window, max_pages=len(h.seeded) + 10)
                found = [o for page in pages for o in page]
        except PlatformBadResponse:
            return
        except ConnectorError as exc:
            raise AssertionError(
                f"{change}, {call} raised {type(exc).__name__}: {mask(str(exc), h.secrets)}; expected "
                "PlatformBadResponse (an answer the connector cannot read), or the orders as seeded"
            ) from exc
        except AssertionError as exc:
            raise AssertionError(f"{change}, {exc}") from None
        by_seed = {s.order_id: s for s in seeded}
        for order in found:
            expected = by_seed.get(order.order_id)
            if expected is not None and (problems := value_problems(order, expected)):
                raise AssertionError(
                    f"{change}, {call} returned {describe(order)} with {summarize(problems)}; a value the connector "
                    "cannot read must give PlatformBadResponse, never a default"
                )

    # --- helpers -----------------------------------------------------------------------------------

    def _connector_class(self) -> type[PlatformConnector]:
        cls = getattr(self, "connector_class", None)
        if not (isinstance(cls, type) and issubclass(cls, PlatformConnector)):
            raise AssertionError(
                f"{type(self).__name__}.connector_class is {cls!r}; set it to your PlatformConnector subclass"
            )
        return cls

    def _require(self, capability: Capability) -> None:
        if capability not in self._connector_class().capabilities:
            pytest.skip(_undeclared(self, capability))

    def _fault_times(self) -> int:
        attempts = self.retry_policy.attempts
        if attempts < 3:
            raise AssertionError(f"retry_policy.attempts is {attempts}; the retry tests need 3 or more")
        return 2

    def _policy_for(self, fault: _Fault) -> RetryPolicy:
        return replace(self.retry_policy, timeout=self.timeout_seconds) if fault.times_out else self.retry_policy

    @asynccontextmanager
    async def _platform(self, *, timezone: str | None = None) -> AsyncIterator[Harness]:
        cls = self._connector_class()
        double = self.make_double()
        if not isinstance(double, PlatformDouble):
            raise AssertionError(f"make_double() returned {type(double).__name__}, not a PlatformDouble")
        if timezone is not None:
            double.set_timezone(timezone)
        async with serve_double(cls, double, policy=self.retry_policy, build_kwargs=self.connector_kwargs) as h:
            yield h

    async def _expect_success(
        self,
        h: Harness,
        connector: PlatformConnector,
        operation: str,
        seeded: list[SeededOrder],
        window: tuple[datetime, datetime],
        after: str,
    ) -> None:
        call = _call_of(operation, seeded, window)
        when = f" {after}" if after else ""
        if operation == "fetch_order":
            order = await _succeed(h, call, h.fetch(connector, seeded[0].references[0]), when=when)
            if order is None or order.order_id != seeded[0].order_id:
                got = "None" if order is None else describe(order)
                raise AssertionError(f"{call} returned {got}{when}; expected {describe(seeded[0])}")
            found = [order]
        else:
            pages = await _succeed(h, call, h.pages(connector, *window, max_pages=len(h.seeded) + 10), when=when)
            by_id = {o.order_id: o for page in pages for o in page}
            if missing := [s for s in seeded if s.order_id not in by_id]:
                raise AssertionError(f"{call} missed {describe(missing[0])}{when} (it returned {len(by_id)} orders)")
            found = [by_id[s.order_id] for s in seeded]
        for order, expected in zip(found, seeded):
            if problems := seeded_problems(order, expected):
                raise AssertionError(f"{call} returned {describe(order)}{when} with {summarize(problems)}")
            _check_paid(call, order)

    async def _expect_error(
        self,
        h: Harness,
        connector: PlatformConnector,
        operation: str,
        seeded: list[SeededOrder],
        window: tuple[datetime, datetime],
        expected: tuple[type[ConnectorError], ...],
        after: str,
    ) -> ConnectorError:
        call = _call_of(operation, seeded, window)
        wanted = " or ".join(e.__name__ for e in expected)
        try:
            if operation == "fetch_order":
                result: Any = await h.fetch(connector, seeded[0].references[0])
                got = "None" if result is None else describe(result)
            else:
                pages = await h.pages(connector, *window, max_pages=len(h.seeded) + 10)
                got = f"{sum(map(len, pages))} orders"
        except expected as exc:
            return exc
        except ConnectorError as exc:
            raise AssertionError(
                f"{call} raised {type(exc).__name__} {after}: {mask(str(exc), h.secrets)}; expected {wanted}"
            ) from exc
        raise AssertionError(f"{call} returned {got} {after}; expected {wanted}")


# --- module helpers ----------------------------------------------------------------------------


def _undeclared(suite: Any, capability: Capability) -> str:
    cls = getattr(suite, "connector_class", None)
    return f"{getattr(cls, '__name__', 'the connector')} does not declare Capability.{capability.name}"


def _secrets(cls: type[PlatformConnector], double: PlatformDouble) -> dict[str, str]:
    return secret_values(cls.credential_fields, double.credentials(), double.wrong_credentials())


def _recent_window() -> tuple[datetime, datetime]:
    """Six hours ending two hours ago, on whole seconds."""
    end = datetime.now(UTC).replace(microsecond=0) - _WINDOW_AGO
    return end - _WINDOW, end


def _spread(start: datetime, end: datetime, count: int) -> list[datetime]:
    """``count`` whole-second times strictly inside ``(start, end)``, ascending, in groups of three per second."""
    groups = (count + 2) // 3
    span = int((end - start).total_seconds()) - 2
    step = max(1, span // groups)
    return [start + _SECOND + (n // 3) * step * _SECOND for n in range(count)]


def _evenly(items: list[Reshape], limit: int) -> list[Reshape]:
    """At most ``limit`` of ``items``, spread evenly over them."""
    if len(items) <= limit:
        return items
    return [items[n * len(items) // limit] for n in range(limit)]


def _lacks(double: PlatformDouble, method: str) -> bool:
    """Whether ``double`` keeps ``PlatformDouble``'s default of an optional ``method`` (one that raises)."""
    return getattr(type(double), method) is getattr(PlatformDouble, method)


def _webhook_deliveries(h: Harness) -> tuple[list[SeededOrder], list[tuple[dict[str, str], bytes]]]:
    """Two seeded orders and their deliveries (the test is skipped when the double produces none)."""
    start, _ = _recent_window()
    seeded = h.seed([start + _WINDOW / 4 + n * timedelta(minutes=7) for n in range(2)])
    deliveries = h.double.order_webhooks()
    if not deliveries:
        pytest.skip(f"{type(h.double).__name__}.order_webhooks() produces no deliveries")
    if len(deliveries) != len(seeded):
        raise AssertionError(f"the double produced {len(deliveries)} deliveries for {len(seeded)} orders")
    return seeded, deliveries


async def _expect_delivered(
    h: Harness, connector: PlatformConnector, call: str, expected: SeededOrder, headers: dict[str, str], body: bytes
) -> None:
    """``parse_webhook`` reads the delivery, twice with the same ``delivery_id``, as a new order (``updated``
    false), and it leads to ``expected``."""
    event = await _read_twice(h, connector, call, headers, body)
    if event.updated:
        raise AssertionError(
            f"{call} returned updated=True; the delivery announces a new order, so WebhookEvent.updated must be False"
        )
    order = await _event_order(h, connector, call, event)
    if order is None or order.order_id != expected.order_id:
        got = "None" if order is None else describe(order)
        raise AssertionError(f"{call} led to {got}; expected {describe(expected)}")


async def _read_twice(
    h: Harness, connector: PlatformConnector, call: str, headers: dict[str, str], body: bytes
) -> WebhookEvent:
    """``parse_webhook`` reads the delivery, and again with the same ``delivery_id``."""
    event = await _succeed(h, call, h.run(call, connector.parse_webhook(CIMultiDict(headers), body)))
    if not isinstance(event, WebhookEvent):
        raise AssertionError(f"{call} returned {event!r}, not a WebhookEvent")
    again = await _succeed(h, call, h.run(call, connector.parse_webhook(CIMultiDict(headers), body)))
    if again.delivery_id != event.delivery_id:
        raise AssertionError(f"{call} gave delivery ids {event.delivery_id!r} and {again.delivery_id!r}")
    return event


async def _event_order(h: Harness, connector: PlatformConnector, call: str, event: WebhookEvent) -> Order | None:
    """The order a delivery carries, or the one ``fetch_order`` finds by its reference."""
    if event.order is not None:
        return event.order
    if event.order_reference is not None:
        found: Order | None = await _succeed(h, call, h.fetch(connector, event.order_reference))
        return found
    raise AssertionError(f"{call} returned neither the order nor a reference to it")


async def _expect_refused(
    h: Harness,
    connector: PlatformConnector,
    call: str,
    headers: Mapping[str, str],
    body: bytes,
    refusals: tuple[type[ConnectorError], ...],
) -> None:
    """``parse_webhook`` refuses a forged delivery with one of ``refusals``."""
    try:
        event = await h.run(call, connector.parse_webhook(CIMultiDict(headers), body))
    except refusals:
        return
    except ConnectorError as exc:
        raise AssertionError(
            f"{call} raised {type(exc).__name__}: {mask(str(exc), h.secrets)}; expected WebhookRejected"
        ) from exc
    raise AssertionError(f"{call} was accepted ({event!r:.120}); it must raise WebhookRejected")


def _small_window(h: Harness) -> tuple[tuple[datetime, datetime], list[SeededOrder]]:
    start, end = _recent_window()
    return (start, end), h.seed([start + _WINDOW / 3, start + 2 * _WINDOW / 3])


def _call_of(operation: str, seeded: list[SeededOrder], window: tuple[datetime, datetime]) -> str:
    return (
        show_call(operation, seeded[0].references[0]) if operation == "fetch_order" else show_call(operation, *window)
    )


async def _succeed(h: Harness, call: str, operation: Any, expected: str = "", *, when: str = "") -> Any:
    """Await an operation that must not raise a ``ConnectorError``."""
    try:
        return await operation
    except ConnectorError as exc:
        wanted = f"; expected {expected}" if expected else ""
        raise AssertionError(f"{call} raised {type(exc).__name__}{when}: {mask(str(exc), h.secrets)}{wanted}") from exc


def _check_paid(call: str, order: Order) -> None:
    if order.payment_status is not PaymentStatus.PAID:
        warnings.warn(
            ConformanceWarning(
                f"{call} returned {describe(order)}, a paid order, with payment_status {order.payment_status.name}; "
                "expected PAID"
            ),
            stacklevel=2,
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _and(numbers: list[int]) -> str:
    shown = [str(n) for n in numbers]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"

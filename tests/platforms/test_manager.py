"""The plugin registry: discovery, validation of connector classes, conflicts, emulators."""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import AsyncIterator
from datetime import datetime
from types import ModuleType, SimpleNamespace
from typing import Any

import pluggy
import pytest
from aiohttp import web

import plugins.shopify
from plugins.shopify.connector import ShopifyConnector
from server.platforms import Capability, CredentialField, DemoEmulator, Order, PlatformConnector, hookimpl, manager
from server.platforms.manager import PlatformRegistry, PluginConflict, Provider, get_plugin_manager


class _Complete(PlatformConnector):
    """A valid connector, the base of the ones the tests make."""

    platform_id = "base"
    display_name = "Base"
    order_id_label = "Order id"
    credential_fields = (CredentialField("api_key", "API key", secret=True),)
    capabilities = frozenset({Capability.FETCH_ORDER})

    async def fetch_order(self, reference: str) -> Order | None:
        return None


def connector(platform_id: str, base: type[PlatformConnector] = _Complete, **attrs: Any) -> type[PlatformConnector]:
    name = "".join(part.title() for part in str(platform_id).split("_")) + "Connector"
    return type(name, (base,), {"platform_id": platform_id, "display_name": str(platform_id).title(), **attrs})


def plugin(name: str, *connectors: Any, emulators: tuple[DemoEmulator, ...] = ()) -> ModuleType:
    """An in-memory plugin module, as an entry point would name."""
    module = ModuleType(name)

    @hookimpl
    def register_platforms() -> list[Any]:
        return list(connectors)

    module.register_platforms = register_platforms  # type: ignore[attr-defined]
    if emulators:

        @hookimpl
        def register_demo_emulators() -> list[DemoEmulator]:
            return list(emulators)

        module.register_demo_emulators = register_demo_emulators  # type: ignore[attr-defined]
    return module


def registry(*plugins: Any) -> PlatformRegistry:
    return PlatformRegistry(get_plugin_manager(load_entry_points=False, plugins=plugins))


class _Double:
    def __init__(self, now: datetime, seed: int) -> None:
        self.now, self.seed = now, seed

    def app(self) -> web.Application:
        return web.Application()


def emulator(platform_id: str) -> DemoEmulator:
    return DemoEmulator(platform_id, f"{platform_id} demo", {"api_key": "k"}, _Double)


def test_platforms_are_found_and_sorted_by_id() -> None:
    zeta, beta, alpha = connector("zeta"), connector("beta"), connector("alpha")
    found = registry(plugin("zeta_plugin", zeta), plugin("two_platforms", beta, alpha))

    assert list(found) == [alpha, beta, zeta]
    assert found.get("beta") is beta
    assert "alpha" in found and "gamma" not in found and 3 not in found
    assert found.provider("zeta") == Provider("zeta_plugin", None)
    assert found.provider("alpha") == found.provider("beta") == Provider("two_platforms", None)


def test_a_plugin_may_be_any_object_with_hook_implementations() -> None:
    acme = connector("acme")

    class AcmePlugin:
        @hookimpl
        def register_platforms(self) -> list[type[PlatformConnector]]:
            return [acme]

    assert list(registry(AcmePlugin())) == [acme]


def test_a_plugin_that_registers_nothing_is_fine() -> None:
    empty = ModuleType("empty")

    @hookimpl
    def register_platforms() -> None:
        return None

    empty.register_platforms = register_platforms  # type: ignore[attr-defined]
    assert list(registry(empty, ModuleType("no_hooks_at_all"))) == []


def test_provider_names_distribution_and_version() -> None:
    assert str(Provider("order-import-acme", "1.2.0")) == "order-import-acme 1.2.0"
    assert str(Provider("acme_plugin", None)) == "acme_plugin"


def test_two_plugins_claiming_one_platform_id_conflict_naming_both() -> None:
    first, second = plugin("first_plugin", connector("acme")), plugin("second_plugin", connector("acme"))
    with pytest.raises(PluginConflict, match="platform 'acme' is provided by both") as raised:
        registry(first, second)
    assert "first_plugin" in str(raised.value) and "second_plugin" in str(raised.value)


def test_one_plugin_claiming_a_platform_id_twice_conflicts() -> None:
    with pytest.raises(PluginConflict, match="'acme'.*twice_plugin and twice_plugin"):
        registry(plugin("twice_plugin", connector("acme"), connector("acme")))


class _NoFetch(PlatformConnector):
    platform_id = "nofetch"
    display_name = "No fetch"
    order_id_label = "Order id"
    credential_fields = (CredentialField("api_key", "API key"),)


async def _orders_created(self: Any, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
    yield []


@pytest.mark.parametrize(
    ("registered", "message"),
    [
        pytest.param(
            dict, r"bad_plugin registered <class 'dict'>, which is not a PlatformConnector subclass", id="class"
        ),
        pytest.param(
            _Complete(credentials={"api_key": "k"}, http=None),  # type: ignore[arg-type]
            r"bad_plugin registered <.*_Complete object at .*>, which is not a PlatformConnector subclass",
            id="instance",
        ),
        pytest.param("acme", r"registered 'acme', which is not a PlatformConnector subclass", id="string"),
        pytest.param(
            connector("acme", display_name=""),
            r"^bad_plugin: AcmeConnector\.display_name is not set$",
            id="display_name",
        ),
        pytest.param(
            connector("acme", order_id_label=None),
            r"^bad_plugin: AcmeConnector\.order_id_label is not set$",
            id="label",
        ),
        pytest.param(
            connector("acme", credential_fields=()),
            r"^bad_plugin: AcmeConnector\.credential_fields is not set$",
            id="credential_fields",
        ),
        pytest.param(
            type("Nameless", (PlatformConnector,), {}),
            r"^bad_plugin: Nameless\.platform_id is not set$",
            id="platform_id",
        ),
        pytest.param(
            connector("Acme"), r"^bad_plugin: platform_id 'Acme' must be a lowercase identifier$", id="uppercase"
        ),
        pytest.param(
            connector("acme-shop"), r"^bad_plugin: platform_id 'acme-shop' must be a lowercase identifier$", id="dash"
        ),
        pytest.param(connector(5), r"^bad_plugin: platform_id 5 must be a lowercase identifier$", id="not_str"),
        pytest.param(_NoFetch, r"^bad_plugin: _NoFetch leaves abstract methods unimplemented$", id="abstract"),
        pytest.param(
            connector("acme", capabilities=frozenset({Capability.FETCH_ORDER, Capability.LIST_ORDERS_CREATED})),
            r"^bad_plugin: AcmeConnector declares LIST_ORDERS_CREATED but does not implement orders_created$",
            id="capability",
        ),
    ],
)
def test_invalid_connector_classes_are_refused_with_a_readable_message(registered: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        registry(plugin("bad_plugin", registered))


def test_declaring_list_orders_created_with_an_implementation_is_accepted() -> None:
    listing = connector(
        "acme",
        capabilities=frozenset({Capability.FETCH_ORDER, Capability.LIST_ORDERS_CREATED}),
        orders_created=_orders_created,
    )
    assert list(registry(plugin("good_plugin", listing))) == [listing]


def test_one_invalid_connector_fails_the_whole_start_up() -> None:
    with pytest.raises(TypeError, match="bad_plugin"):
        registry(plugin("good_plugin", connector("good")), plugin("bad_plugin", connector("bad", display_name="")))


def test_an_unknown_hook_name_is_refused() -> None:
    typo = ModuleType("typo_plugin")

    @hookimpl
    def register_platform() -> list[type[PlatformConnector]]:
        return []

    typo.register_platform = register_platform  # type: ignore[attr-defined]
    with pytest.raises(pluggy.PluginValidationError, match="register_platform"):
        get_plugin_manager(load_entry_points=False, plugins=[typo])


def test_unknown_platform() -> None:
    found = registry(plugin("acme_plugin", connector("acme")))
    assert found.get("nope") is None
    assert "nope" not in found and "acme" in found
    with pytest.raises(KeyError):
        found.provider("nope")


def test_emulators_are_sorted_and_only_for_installed_platforms() -> None:
    found = registry(
        plugin("zeta_plugin", connector("zeta"), emulators=(emulator("zeta"),)),
        plugin("alpha_plugin", connector("alpha"), connector("mid"), emulators=(emulator("alpha"), emulator("ghost"))),
    )
    assert [e.platform_id for e in found.emulators()] == ["alpha", "zeta"]
    assert found.emulators()[0].store_name == "alpha demo"


def test_no_emulators() -> None:
    assert registry(plugin("acme_plugin", connector("acme"))).emulators() == []


def test_the_built_in_entry_point_provides_shopify_from_the_project_distribution() -> None:
    found = PlatformRegistry(get_plugin_manager(load_entry_points=True))
    assert found.get("shopify") is ShopifyConnector
    assert found.provider("shopify") == Provider("order-import", importlib.metadata.version("order-import"))
    assert "shopify" in [e.platform_id for e in found.emulators()]
    assert found.pm.get_plugin("shopify") is plugins.shopify


def _entry_point(name: str, dist: str | None, version: str | None, module: ModuleType) -> SimpleNamespace:
    return SimpleNamespace(
        name=name,
        value=module.__name__,
        dist=SimpleNamespace(name=dist, version=version) if dist else None,
        load=lambda: module,
    )


def test_entry_points_are_registered_under_their_names_with_their_distributions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    acme, local = plugin("acme_module", connector("acme")), plugin("local_module", connector("local"))
    eps = [_entry_point("acme", "order-import-acme", "2.0.1", acme), _entry_point("local", None, None, local)]
    monkeypatch.setattr(manager, "entry_points", lambda group: eps if group == "order_import.platforms" else [])

    found = PlatformRegistry(get_plugin_manager())
    assert found.pm.get_plugin("acme") is acme
    assert str(found.provider("acme")) == "order-import-acme 2.0.1"
    assert str(found.provider("local")) == "local_module"


def test_two_distributions_with_one_entry_point_name_conflict(monkeypatch: pytest.MonkeyPatch) -> None:
    eps = [
        _entry_point("acme", "order-import-acme", "1.0", plugin("acme_one", connector("acme"))),
        _entry_point("acme", "acme-fork", "9.9", plugin("acme_two", connector("acme_fork"))),
    ]
    monkeypatch.setattr(manager, "entry_points", lambda group: eps)
    expected = (
        "entry point 'acme' in group 'order_import.platforms' is declared by both "
        "order-import-acme 1.0 and acme-fork 9.9"
    )
    with pytest.raises(PluginConflict, match=f"^{re.escape(expected)}$"):
        get_plugin_manager()


def test_two_distributions_claiming_one_platform_conflict_naming_both(monkeypatch: pytest.MonkeyPatch) -> None:
    eps = [
        _entry_point("acme", "order-import-acme", "1.0", plugin("acme_one", connector("acme"))),
        _entry_point("acme_too", "acme-fork", "9.9", plugin("acme_two", connector("acme"))),
    ]
    monkeypatch.setattr(manager, "entry_points", lambda group: eps)
    expected = "platform 'acme' is provided by both order-import-acme 1.0 and acme-fork 9.9"
    with pytest.raises(PluginConflict, match=f"^{re.escape(expected)}$"):
        PlatformRegistry(get_plugin_manager())


class _Listener:
    """A plugin hearing order_canceled, in the way its flags say."""

    def __init__(self, name: str, heard: list[str], *, fails: bool = False) -> None:
        self.__name__, self.heard, self.fails = name, heard, fails

    async def _canceled(self, reason: str | None) -> None:
        self.heard.append(self.__name__)
        if self.fails:
            raise RuntimeError(f"{self.__name__} is broken")


def _listener(name: str, heard: list[str], *, fails: bool = False, **marks: bool) -> Any:
    listener = _Listener(name, heard, fails=fails)

    @hookimpl(**marks)
    def order_canceled(reason: str | None) -> Any:
        return listener._canceled(reason)

    listener.order_canceled = order_canceled  # type: ignore[attr-defined]
    return listener


async def test_notifications_go_through_pluggys_caller_in_its_order_and_a_failing_one_stops_none(
    caplog: pytest.LogCaptureFixture,
) -> None:
    heard: list[str] = []
    pm = get_plugin_manager(
        load_entry_points=False,
        plugins=[
            _listener("late", heard, trylast=True),
            _listener("broken", heard, fails=True),
            _listener("early", heard, tryfirst=True),
        ],
    )
    traced: list[str] = []
    pm.add_hookcall_monitoring(lambda name, impls, kwargs: traced.append(name), lambda *args: None)

    await manager.notify(pm, "order_canceled", platform="acme", store_id="s", order=None, reason="dup")

    assert heard == ["early", "broken", "late"]  # tryfirst / trylast honoured, the failure isolated
    assert traced == ["order_canceled"]  # pluggy's own tracing sees the call
    assert "a plugin failed in order_canceled" in caplog.text

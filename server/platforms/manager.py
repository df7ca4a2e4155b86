"""Plugin discovery (pluggy) and the registry that dispatches by platform id."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy
from pluggy import HookCaller

from . import hookspecs
from .contract import Capability, DemoEmulator, PlatformConnector

log = logging.getLogger(__name__)

__all__ = ["PluginConflict", "PlatformRegistry", "Provider", "get_plugin_manager", "notify", "plugin_providers"]


class PluginConflict(RuntimeError):
    """Two plugins claim the same name or platform id; raised at start-up."""


@dataclass(frozen=True, slots=True)
class Provider:
    """Where a plugin came from: its distribution and version, when installed."""

    distribution: str
    version: str | None

    def __str__(self) -> str:
        return f"{self.distribution} {self.version}" if self.version else self.distribution


def get_plugin_manager(*, load_entry_points: bool = True, plugins: Iterable[Any] = ()) -> pluggy.PluginManager:
    """A plugin manager with our hook specs, the entry-point plugins and any ``plugins`` given.

    Entry points are loaded by this function rather than by pluggy, so that two
    distributions registering the same entry-point name fail loudly instead of
    one being skipped.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    if load_entry_points:
        seen: dict[str, Provider] = {}
        for ep in entry_points(group=hookspecs.ENTRY_POINT_GROUP):
            provider = _provider_of(ep)
            if ep.name in seen:
                raise PluginConflict(
                    f"entry point {ep.name!r} in group {hookspecs.ENTRY_POINT_GROUP!r} is declared by both "
                    f"{seen[ep.name]} and {provider}"
                )
            seen[ep.name] = provider
            pm.register(ep.load(), name=ep.name)
    for plugin in plugins:
        name = getattr(plugin, "__name__", None) or repr(plugin)
        if pm.is_registered(plugin) or pm.has_plugin(name):
            raise PluginConflict(f"plugin {name} is registered twice (entry point and explicitly?)")
        pm.register(plugin, name=name)
    pm.check_pending()
    return pm


def _provider_of(ep: EntryPoint) -> Provider:
    return Provider(ep.dist.name, ep.dist.version) if ep.dist else Provider(ep.value, None)


def plugin_providers(pm: pluggy.PluginManager) -> dict[str, Provider]:
    """Where each plugin registered in ``pm`` came from: its entry point's distribution, else its name."""
    providers = {name: Provider(name, None) for name, _ in pm.list_name_plugin()}
    for ep in entry_points(group=hookspecs.ENTRY_POINT_GROUP):
        plugin = pm.get_plugin(ep.name)
        if plugin is not None and getattr(plugin, "__name__", None) == ep.value.partition(":")[0]:
            providers[ep.name] = _provider_of(ep)
    return providers


def _check_connector(cls: Any, origin: Provider) -> type[PlatformConnector]:
    if not (inspect.isclass(cls) and issubclass(cls, PlatformConnector)):
        raise TypeError(f"{origin} registered {cls!r}, which is not a PlatformConnector subclass")
    for attr in ("platform_id", "display_name", "order_id_label", "credential_fields"):
        if not getattr(cls, attr, None):
            raise TypeError(f"{origin}: {cls.__name__}.{attr} is not set")
    platform_id = cls.platform_id
    if not isinstance(platform_id, str) or platform_id != platform_id.lower() or not platform_id.isidentifier():
        raise TypeError(f"{origin}: platform_id {platform_id!r} must be a lowercase identifier")
    if inspect.isabstract(cls):
        raise TypeError(f"{origin}: {cls.__name__} leaves abstract methods unimplemented")
    for capability, method in (
        (Capability.LIST_ORDERS_CREATED, "orders_created"),
        (Capability.WEBHOOKS, "parse_webhook"),
    ):
        if capability in cls.capabilities and getattr(cls, method) is getattr(PlatformConnector, method):
            raise TypeError(f"{origin}: {cls.__name__} declares {capability.name} but does not implement {method}")
    return cls


def _per_plugin(pm: pluggy.PluginManager, hook: str) -> Iterator[tuple[str, list[Any]]]:
    """Each plugin's own answer to a collecting hook, through pluggy's hook caller, so the answer keeps its origin."""
    caller: HookCaller = getattr(pm.hook, hook)
    names = {impl.plugin_name for impl in caller.get_hookimpls()}
    for name in sorted(names):
        others = [plugin for other, plugin in pm.list_name_plugin() if other != name]
        for result in pm.subset_hook_caller(hook, remove_plugins=others)():
            yield name, result


def _listed(result: Any, origin: Provider, hook: str) -> list[Any]:
    if result is None:
        return []
    if not isinstance(result, (list, tuple)):
        raise TypeError(f"{origin}: {hook} must return a list, not {type(result).__name__}")
    return list(result)


class PlatformRegistry:
    """The installed platforms, by id, and the plugins that provide them. Built once at start-up.

    ``providers`` maps each plugin's registered name to its origin; by default it is read from the
    entry points (see ``plugin_providers``).
    """

    def __init__(self, pm: pluggy.PluginManager, providers: dict[str, Provider] | None = None) -> None:
        self.pm = pm
        self.providers = providers if providers is not None else plugin_providers(pm)
        self._classes: dict[str, type[PlatformConnector]] = {}
        self._providers: dict[str, Provider] = {}
        for name, result in _per_plugin(pm, "register_platforms"):
            origin = self._origin(name)
            for cls in _listed(result, origin, "register_platforms"):
                cls = _check_connector(cls, origin)
                if cls.platform_id in self._classes:
                    raise PluginConflict(
                        f"platform {cls.platform_id!r} is provided by both "
                        f"{self._providers[cls.platform_id]} and {origin}"
                    )
                self._classes[cls.platform_id] = cls
                self._providers[cls.platform_id] = origin

    def _origin(self, plugin_name: str) -> Provider:
        return self.providers.get(plugin_name) or Provider(plugin_name, None)

    def get(self, platform_id: str) -> type[PlatformConnector] | None:
        """The connector class of ``platform_id``, or ``None`` when no installed plugin provides it."""
        return self._classes.get(platform_id)

    def __contains__(self, platform_id: object) -> bool:
        return platform_id in self._classes

    def __iter__(self) -> Iterator[type[PlatformConnector]]:
        return iter(sorted(self._classes.values(), key=lambda c: c.platform_id))

    def provider(self, platform_id: str) -> Provider:
        return self._providers[platform_id]

    def emulators(self) -> list[DemoEmulator]:
        """The demo emulators, asked for only when wanted: serving never imports emulator code."""
        found: dict[str, DemoEmulator] = {}
        for name, result in _per_plugin(self.pm, "register_demo_emulators"):
            origin = self._origin(name)
            for emulator in _listed(result, origin, "register_demo_emulators"):
                # Only the plugin that provides a platform may emulate it.
                if self._providers.get(emulator.platform_id) == origin:
                    found[emulator.platform_id] = emulator
        return [found[p] for p in sorted(found)]


async def notify(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> None:
    """Call a notification hook through pluggy's hook caller and await what the implementations return.

    Each awaitable is awaited on its own: a failing one is logged and the others still run. A synchronous
    implementation that raises is logged too, but pluggy ends that call there. Nothing is raised.
    """
    hook: HookCaller = getattr(pm.hook, hook_name)
    try:
        results = hook(**kwargs)
    except Exception:
        log.exception("a plugin failed in %s", hook_name)
        return
    for result in results:
        if inspect.isawaitable(result):
            try:
                await result
            except Exception:
                log.exception("a plugin failed in %s (%s)", hook_name, getattr(result, "__qualname__", result))

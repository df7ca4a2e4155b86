"""Plugin discovery (pluggy) and the registry that dispatches by platform id."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

import pluggy

from . import hookspecs
from .contract import Capability, DemoEmulator, PlatformConnector

__all__ = ["PluginConflict", "PlatformRegistry", "Provider", "UnknownPlatform", "get_plugin_manager"]


class PluginConflict(RuntimeError):
    """Two plugins claim the same name or platform id; raised at start-up."""


class UnknownPlatform(KeyError):
    """No installed plugin provides this platform id."""


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
    providers: dict[str, Provider] = {}
    if load_entry_points:
        for ep in entry_points(group=hookspecs.ENTRY_POINT_GROUP):
            dist = ep.dist
            provider = Provider(dist.name, dist.version) if dist else Provider(ep.value, None)
            if ep.name in providers:
                raise PluginConflict(
                    f"entry point {ep.name!r} in group {hookspecs.ENTRY_POINT_GROUP!r} is declared by both "
                    f"{providers[ep.name]} and {provider}"
                )
            providers[ep.name] = provider
            pm.register(ep.load(), name=ep.name)
    for plugin in plugins:
        name = getattr(plugin, "__name__", None) or repr(plugin)
        if pm.is_registered(plugin) or pm.has_plugin(name):
            raise PluginConflict(f"plugin {name} is registered twice (entry point and explicitly?)")
        providers[name] = Provider(name, None)
        pm.register(plugin, name=name)
    pm.check_pending()
    pm.providers = providers  # type: ignore[attr-defined]
    return pm


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


def _listed(result: Any, origin: Provider, hook: str) -> list[Any]:
    if result is None:
        return []
    if not isinstance(result, (list, tuple)):
        raise TypeError(f"{origin}: {hook} must return a list, not {type(result).__name__}")
    return list(result)


class PlatformRegistry:
    """The installed platforms, by id. Built once at start-up from the plugin manager."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        providers: dict[str, Provider] = getattr(pm, "providers", {})
        self._classes: dict[str, type[PlatformConnector]] = {}
        self._providers: dict[str, Provider] = {}
        for impl in pm.hook.register_platforms.get_hookimpls():
            origin = providers.get(impl.plugin_name, Provider(impl.plugin_name, None))
            for cls in _listed(impl.function(), origin, "register_platforms"):
                cls = _check_connector(cls, origin)
                if cls.platform_id in self._classes:
                    raise PluginConflict(
                        f"platform {cls.platform_id!r} is provided by both "
                        f"{self._providers[cls.platform_id]} and {origin}"
                    )
                self._classes[cls.platform_id] = cls
                self._providers[cls.platform_id] = origin

    def get(self, platform_id: str) -> type[PlatformConnector]:
        try:
            return self._classes[platform_id]
        except KeyError:
            raise UnknownPlatform(platform_id) from None

    def __contains__(self, platform_id: object) -> bool:
        return platform_id in self._classes

    def __iter__(self) -> Iterator[type[PlatformConnector]]:
        return iter(sorted(self._classes.values(), key=lambda c: c.platform_id))

    def provider(self, platform_id: str) -> Provider:
        return self._providers[platform_id]

    def emulators(self) -> list[DemoEmulator]:
        """The demo emulators, asked for only when wanted: serving never imports emulator code."""
        providers: dict[str, Provider] = getattr(self.pm, "providers", {})
        found: dict[str, DemoEmulator] = {}
        for impl in self.pm.hook.register_demo_emulators.get_hookimpls():
            origin = providers.get(impl.plugin_name, Provider(impl.plugin_name, None))
            for emulator in _listed(impl.function(), origin, "register_demo_emulators"):
                # Only the plugin that provides a platform may emulate it.
                if self._providers.get(emulator.platform_id) == origin:
                    found[emulator.platform_id] = emulator
        return [found[p] for p in sorted(found)]

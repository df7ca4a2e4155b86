"""``order-import new-plugin NAME``: a working platform plugin to start from.

The skeleton (``plugin_template/``, shipped with the package) is a distribution
``order-import-NAME`` with the package ``order_import_<name>``, its entry point,
a connector with ``FETCH_ORDER``, ``LIST_ORDERS_CREATED`` and ``WEBHOOKS`` over a
small made-up REST API, the emulator serving that API, and tests: the
conformance kit and the mapping of payloads. As written it passes the kit.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["ScaffoldError", "Skeleton", "write_plugin"]

_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_MAX_NAME = 40
_SUFFIX = ".tmpl"


class ScaffoldError(ValueError):
    """The name or the folder cannot be used; nothing was written."""


class Skeleton:
    """The names one plugin's files use, derived from its ``NAME`` (``demo-platform``)."""

    def __init__(self, name: str) -> None:
        if len(name) > _MAX_NAME or not _NAME.fullmatch(name):
            raise ScaffoldError(
                f"{name!r} is not a plugin name: use lowercase letters, digits and single hyphens, starting with a "
                f"letter, at most {_MAX_NAME} characters (such as demo-platform)"
            )
        words = name.split("-")
        self.name = name
        self.platform_id = "_".join(words)
        self.distribution = f"order-import-{name}"
        self.package = f"order_import_{self.platform_id}"
        self.display_name = " ".join(w.capitalize() for w in words)
        self.class_prefix = "".join(w.capitalize() for w in words)

    def substitutions(self) -> dict[str, str]:
        low, high = _contract_range()
        return {
            "__NAME__": self.name,
            "__PLATFORM_ID__": self.platform_id,
            "__DISTRIBUTION__": self.distribution,
            "__PACKAGE__": self.package,
            "__DISPLAY_NAME__": self.display_name,
            "__CLASS__": self.class_prefix,
            "__CONTRACT_MIN__": low,
            "__CONTRACT_MAX__": high,
        }

    def target(self, template: str) -> str:
        """Where the template at ``template`` (relative, ``/``-separated) is written in the plugin's folder."""
        path = template.removesuffix(_SUFFIX)
        if path.startswith("package/"):
            return f"{self.package}/{path.removeprefix('package/')}"
        if path.startswith("tests/test_"):
            return f"tests/test_{self.platform_id}_{path.removeprefix('tests/test_')}"
        return path


def write_plugin(name: str, folder: Path, *, taken: frozenset[str] = frozenset()) -> list[Path]:
    """Write the skeleton of plugin ``name`` into the new ``folder``; return the files written.

    ``taken`` holds the platform ids already installed: a plugin claiming one would stop the server.
    """
    skeleton = Skeleton(name)
    if skeleton.platform_id in taken:
        raise ScaffoldError(f"the platform {skeleton.platform_id!r} is already installed: choose another name")
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists: name a new folder with --directory")
    substitutions = skeleton.substitutions()
    written = []
    for template, text in _templates(files("server") / "plugin_template", ""):
        for placeholder, value in substitutions.items():
            text = text.replace(placeholder, value)
        path = folder / skeleton.target(template)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _templates(folder: Traversable, prefix: str) -> list[tuple[str, str]]:
    """``(relative path, text)`` of every template under ``folder``, in a stable order."""
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            found += _templates(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(_SUFFIX):
            found.append((f"{prefix}{entry.name}", entry.read_text(encoding="utf-8")))
    return found


def _contract_range() -> tuple[str, str]:
    """The releases of order-import whose contract the plugin is written against: this minor series."""
    try:
        major, minor = (int(part) for part in version("order-import").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        major, minor = 0, 1
    return f"{major}.{minor}", f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"

"""The code's floors: a module imports from its own floor or lower ones, never higher.

0. ``server.platforms``: the connector contract, importing nothing else of the server;
1. the core: models, errors, settings, database, events, outbound HTTP, the runtime and what it holds;
2. ``server.services``: domain logic, knowing nothing of GraphQL; and ``server.queue``, the task queue's tasks
   over it;
3. ``server.schema``: the GraphQL types, calling no service;
4. ``server.resolvers``: thin, from GraphQL arguments to services and back to types;
5. the application: the root schema, the ASGI app, the command line, the demo.

And an imported order's status is written by ``server.services.orders`` only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVER = Path(__file__).parents[1] / "server"
FLOORS = {"platforms": 0, "services": 2, "queue": 2, "schema": 3, "resolvers": 4}
TOP = {"api", "app", "cli", "demo", "scaffold", "connections", "console_routes", "access_log", "migrations"}


def _module(path: Path) -> str:
    parts = path.relative_to(SERVER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _floor(module: str) -> int:
    first = module.split(".")[1] if "." in module else ""
    if first in FLOORS:
        return FLOORS[first]
    return 5 if first in TOP else 1


def _sources() -> list[Path]:
    return [p for p in SERVER.rglob("*.py") if not {"console", "migrations"} & set(p.relative_to(SERVER).parts)]


def _imports(path: Path) -> list[str]:
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                found += [target] if node.module else [f"{target}.{alias.name}" for alias in node.names]
            elif node.module:
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return [name for name in found if name == "server" or name.startswith("server.")]


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(SERVER)))
def test_no_module_imports_from_a_higher_floor(path: Path) -> None:
    module = _module(path)
    higher = [name for name in _imports(path) if _floor(name) > _floor(module)]
    assert not higher, f"{module} (floor {_floor(module)}) imports {higher}"


def test_only_the_orders_service_writes_an_imported_orders_status() -> None:
    writers = []
    for path in _sources():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("update", "bulk_create", "create") and "ImportedOrder" in ast.unparse(node):
                    writers.append(_module(path))
                if node.func.attr == "update" and any(k.arg == "status" for k in node.keywords):
                    if "ImportedOrder" in ast.unparse(node.func.value):
                        writers.append(_module(path))
    assert set(writers) == {"server.services.orders"}

"""JSON of the wrong shape: the ways the kit rewrites one answer of a double (no pytest).

``wrong_shapes(document)`` lists ``Reshape``s of one JSON answer: each member
removed in turn, and each value replaced by ``null`` and by values of the wrong
type (a string where an object, a list or a number goes; an object where a
string or a list goes; an empty list and a one-item list where an object goes).
Lists are entered through their first item only (the others have its shape), so
the count follows the shape of an answer, not its length.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Reshape", "wrong_shapes"]

Path = tuple[str | int, ...]

_GONE = object()
_WORD = "n/a"  # a string no number, date, id or object can be read from


@dataclass(eq=False)
class Reshape:
    """One change at ``path`` of a JSON document; calling it applies the change to a copy.

    ``applied`` counts the documents it changed (a document without ``path`` is returned as it is).
    """

    path: Path
    change: str  # how messages say it: "removed", "replaced by null", ...
    value: Any = _GONE
    applied: int = field(default=0, compare=False)

    def __call__(self, document: Any) -> Any:
        if not self.path:
            self.applied += 1
            return copy.deepcopy(self.value)
        document = copy.deepcopy(document)
        *parents, last = self.path
        holder = document
        for step in parents:
            holder = _child(holder, step)
            if holder is _GONE:
                return document
        if _child(holder, last) is _GONE:
            return document
        if self.value is _GONE:
            del holder[last]
        else:
            holder[last] = copy.deepcopy(self.value)
        self.applied += 1
        return document

    def describe(self) -> str:
        """``order.lines[0].qty removed`` / ``the whole answer replaced by a string``."""
        if not self.path:
            return f"the whole answer {self.change}"
        shown = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in self.path).lstrip(".")
        return f"{shown} {self.change}"


def wrong_shapes(document: Any) -> list[Reshape]:
    """Every reshape of ``document``, in document order (a member's own reshapes before its children's)."""
    found: list[Reshape] = []
    for path, value in _walk(document, ()):
        if path and isinstance(path[-1], str):
            found.append(Reshape(path, "removed"))
        found += [Reshape(path, change, replacement) for change, replacement in _replacements(value)]
    return found


def _walk(value: Any, path: Path) -> list[tuple[Path, Any]]:
    found = [(path, value)]
    if isinstance(value, dict):
        for key, member in value.items():
            found += _walk(member, (*path, key))
    elif isinstance(value, list) and value:
        found += _walk(value[0], (*path, 0))
    return found


def _replacements(value: Any) -> list[tuple[str, Any]]:
    if value is None:
        return []
    nulled = [("replaced by null", None)]
    if isinstance(value, dict):
        return [*nulled, ("replaced by a string", _WORD), ("replaced by an empty list", []), ("put in a list", [value])]
    if isinstance(value, list):
        return [*nulled, ("replaced by a string", _WORD), ("replaced by an object", {})]
    if isinstance(value, str):
        return [*nulled, ("replaced by an object", {})]
    # numbers and booleans
    return [*nulled, ("replaced by a string", _WORD), ("replaced by an object", {})]


def _child(holder: Any, step: str | int) -> Any:
    if isinstance(holder, dict) and isinstance(step, str):
        return holder.get(step, _GONE)
    if isinstance(holder, list) and isinstance(step, int) and step < len(holder):
        return holder[step]
    return _GONE

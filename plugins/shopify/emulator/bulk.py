"""Bulk query operations: ``bulkOperationRunQuery``, their progress over time and their JSONL results.

As the bulk operations guide (https://shopify.dev/docs/api/usage/bulk-operations/queries) and the
``BulkOperation`` reference (https://shopify.dev/docs/api/admin-graphql/latest/objects/BulkOperation)
describe them:

- ``bulkOperationRunQuery(query:, groupObjects:)`` starts an operation (a mutation: 10 points) and
  answers ``{bulkOperation, userErrors}``. The query takes no variables, has exactly one top-level
  field, a connection, and at most five connections nested at most two levels deep; a parent of a
  nested connection must select ``id``. An unusable query is a ``userErrors`` entry (code ``INVALID``).
- Before API version 2026-01 an app runs one bulk query at a time per shop (a second is refused with
  ``OPERATION_IN_PROGRESS``); from 2026-01 up to five (the sixth gets ``LIMIT_REACHED``).
- The operation is polled with ``node(id:)`` or ``currentBulkOperation``: ``status`` goes CREATED,
  RUNNING, then COMPLETED (or FAILED with ``errorCode`` and a ``partialDataUrl`` when some data was
  written); ``objectCount`` and ``rootObjectCount`` grow while it runs. Pagination arguments inside
  the query are ignored: every matching object is written.
- The result is a JSONL file at ``url`` (null when nothing matched), one object per line; an object of
  a nested connection is a line of its own carrying ``__parentId``, its parent's ``id``. With
  ``groupObjects: false`` (the default from 2026-01) nothing says where a child line comes: here the
  children of each block of 50 parents follow that block, or precede it in every other block, so a
  reader cannot rely on any order. ``url`` and ``partialDataUrl`` stop working 7 days after the end
  (status EXPIRED).

Shopify publishes no figure for how long an operation takes; the emulator's model is settable: an
operation stays CREATED for ``startup`` seconds, then RUNNING while it writes ``objects_per_second``
objects (half that rate with ``groupObjects: true``: "grouping is costly"). The objects are those
matching when the operation was created. Files are served under ``/bulk-operation-results/<token>``
with a random, unguessable token and no authentication, like the signed storage URLs Shopify hands out.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
    parse,
    validate,
)
from graphql.error import GraphQLError
from graphql.execution.values import get_argument_values

RESULTS_PATH = "/bulk-operation-results"
CONCURRENT_SINCE = "2026-01"
"""The first API version letting an app run five bulk queries per shop at once (one before)."""
MAX_CONCURRENT = 5
MAX_CONNECTIONS = 5
MAX_DEPTH = 2
EXPIRY = timedelta(days=7)
UNGROUPED_BLOCK = 50
_FIRST_ID = 1_099_511_627_776


@dataclass(frozen=True, slots=True)
class BulkModel:
    """How long operations take: ``startup`` seconds CREATED, then ``objects_per_second`` written."""

    startup: float = 1.0
    objects_per_second: float = 2_000.0

    def duration(self, objects: int, *, grouped: bool) -> float:
        rate = self.objects_per_second / 2 if grouped else self.objects_per_second
        return self.startup + objects / rate


@dataclass(frozen=True, slots=True)
class BulkFailure:
    """An injected failure: the operation ends FAILED with ``error_code``; ``partial`` of its lines were written."""

    error_code: str = "INTERNAL_SERVER_ERROR"
    partial: float = 0.0


@dataclass(slots=True)
class BulkOperation:
    numeric_id: int
    query: str
    created: float  # on the emulator's clock
    created_at: datetime
    lines: list[bytes]
    roots: list[int]  # the number of root objects written once each line is written
    startup: float
    duration: float  # from creation to the end, startup included
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    failure: BulkFailure | None = None

    @property
    def gid(self) -> str:
        return f"gid://shopify/BulkOperation/{self.numeric_id}"

    def written(self, now: float) -> int:
        """Lines written by ``now``: in proportion while running; all at the end, or a failure's share."""
        elapsed = now - self.created
        if elapsed >= self.duration:
            return int(len(self.lines) * (self.failure.partial if self.failure else 1.0))
        if elapsed <= self.startup:
            return 0
        return int(len(self.lines) * (elapsed - self.startup) / (self.duration - self.startup))

    def status(self, now: float) -> str:
        elapsed = now - self.created
        if elapsed < self.startup:
            return "CREATED"
        if elapsed < self.duration:
            return "RUNNING"
        if elapsed >= self.duration + EXPIRY.total_seconds():
            return "EXPIRED"
        return "FAILED" if self.failure is not None else "COMPLETED"

    def running(self, now: float) -> bool:
        return self.status(now) in ("CREATED", "RUNNING")


class BulkOperations:
    """The shop's bulk query operations for this app, oldest first."""

    def __init__(
        self,
        *,
        schema: GraphQLSchema,
        roots: Callable[[str, dict[str, Any]], list[dict[str, Any]]],
        clock: Callable[[], float],
    ) -> None:
        self.schema = schema
        self.roots = roots  # the nodes a root connection (its name, its arguments) holds, all of them
        self.clock = clock
        self.model = BulkModel()
        self.held: list[BulkOperation] = []
        self._failures: list[BulkFailure] = []
        self._next_id = _FIRST_ID

    def fail_next(self, failure: BulkFailure) -> None:
        self._failures.append(failure)

    def start(self, query: str, *, group_objects: bool, version: str, base_url: str) -> dict[str, Any]:
        """The ``BulkOperationRunQueryPayload`` of ``bulkOperationRunQuery`` (nodes as ``node`` serves them)."""
        now = self.clock()
        running = [op for op in self.held if op.running(now)]
        if version < CONCURRENT_SINCE and running:
            message = f"A bulk query operation for this app and shop is already in progress: {running[-1].gid}."
            return _refused(None, message, "OPERATION_IN_PROGRESS")
        if version >= CONCURRENT_SINCE and len(running) >= MAX_CONCURRENT:
            return _refused(None, "Bulk operations limit reached. Please try again later.", "LIMIT_REACHED")
        created = self.clock()  # the emulator's own work of writing the file runs on the operation's time
        try:
            document = self._checked(query)
            lines, roots = self._lines(document, grouped=group_objects)
        except _Invalid as exc:
            return _refused(["query"], str(exc), "INVALID")
        duration = self.model.duration(len(lines), grouped=group_objects)
        failure = self._failures.pop(0) if self._failures else None
        operation = self._add(query, lines, roots, duration, failure, created=created)
        return {"bulkOperation": self.node(operation, base_url), "userErrors": []}

    def add_running(self, query: str) -> BulkOperation:
        """An operation the app started elsewhere that runs until ``finish_all``."""
        return self._add(query, [], [], math.inf, None)

    def finish_all(self) -> None:
        """End every operation still running now (as COMPLETED, or as its injected failure)."""
        now = self.clock()
        for operation in self.held:
            if operation.running(now):
                operation.startup = min(operation.startup, now - operation.created)
                operation.duration = now - operation.created

    def _add(
        self,
        query: str,
        lines: list[bytes],
        roots: list[int],
        duration: float,
        failure: BulkFailure | None,
        *,
        created: float | None = None,
    ) -> BulkOperation:
        number, self._next_id = self._next_id, self._next_id + 1
        created_at = datetime.now(UTC).replace(microsecond=0)
        startup = min(self.model.startup, duration)
        at = self.clock() if created is None else created
        operation = BulkOperation(number, query, at, created_at, lines, roots, startup, duration, failure=failure)
        self.held.append(operation)
        return operation

    def get(self, gid: str) -> BulkOperation | None:
        return next((op for op in self.held if op.gid == gid), None)

    def current(self) -> BulkOperation | None:
        return self.held[-1] if self.held else None

    def by_token(self, token: str) -> tuple[BulkOperation, bool] | None:
        """The operation whose complete (``True``) or partial (``False``) file ``token`` names, while served."""
        now = self.clock()
        for operation in self.held:
            if secrets.compare_digest(operation.token, token):
                status = operation.status(now)
                if status == "COMPLETED":
                    return operation, True
                if status == "FAILED" and operation.written(now):
                    return operation, False
                return None
        return None

    def node(self, operation: BulkOperation, base_url: str) -> dict[str, Any]:
        """The ``BulkOperation`` as the API serves it now."""
        now = self.clock()
        status = operation.status(now)
        written = operation.written(now)
        ended = status in ("COMPLETED", "FAILED", "EXPIRED")
        file_url = f"{base_url}{RESULTS_PATH}/{operation.token}"
        size = sum(len(line) for line in operation.lines[:written])
        return {
            "__typename": "BulkOperation",
            "id": operation.gid,
            "status": status,
            "type": "QUERY",
            "query": operation.query,
            "createdAt": operation.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "completedAt": _at(operation, operation.duration) if status == "COMPLETED" else None,
            "errorCode": operation.failure.error_code if ended and operation.failure else None,
            "objectCount": str(written),
            "rootObjectCount": str(operation.roots[written - 1] if written else 0),
            "fileSize": str(size) if status == "COMPLETED" and written else None,
            "url": file_url if status == "COMPLETED" and written else None,
            "partialDataUrl": file_url if status == "FAILED" and written else None,
        }

    # --- the query and its file ------------------------------------------------------------------

    def _checked(self, query: str) -> DocumentNode:
        try:
            document = parse(query)
        except GraphQLError as exc:
            raise _Invalid(f"Invalid bulk query: {exc.message}") from None
        if errors := validate(self.schema, document):
            raise _Invalid(f"Invalid bulk query: {errors[0].message}")
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) != 1 or operations[0].operation.value != "query" or operations[0].variable_definitions:
            raise _Invalid("Bulk queries must be a single query operation without variables")
        root = self.schema.query_type
        assert root is not None
        top = _fields(operations[0].selection_set, document)
        if len(top) != 1 or not _is_connection(root, top[0]):
            raise _Invalid("Bulk queries must contain exactly one top-level field, and it must be a connection")
        connections = self._connections(top[0], root, document, 1)
        if connections > MAX_CONNECTIONS:
            raise _Invalid(f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections")
        return document

    def _connections(self, node: FieldNode, parent: GraphQLObjectType, document: DocumentNode, depth: int) -> int:
        """The connections under (and including) connection ``node``; too deep or no parent ``id`` is invalid."""
        if depth > MAX_DEPTH:
            raise _Invalid(f"Bulk queries cannot contain connections with a nesting depth greater than {MAX_DEPTH}")
        node_type = _node_type(parent, node)
        selected = _node_selection(node, document)
        total = 1
        nested = [f for f in selected if _is_connection(node_type, f)]
        if nested and not any(f.name.value == "id" for f in selected):
            raise _Invalid(f"The parent '{node.name.value}' of a nested connection must select the field 'id'")
        for child in nested:
            total += self._connections(child, node_type, document, depth + 1)
        return total

    def _lines(self, document: DocumentNode, *, grouped: bool) -> tuple[list[bytes], list[int]]:
        """The JSONL lines of the query's result, and the root objects written once each line is.

        The stored nodes are projected onto the selection directly: every field but the connections is
        the stored value (the API's default resolvers do no more), and a bulk query has no page limits.
        """
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        root = self.schema.query_type
        assert root is not None
        [top] = _fields(operation.selection_set, document)
        arguments = get_argument_values(root.fields[top.name.value], top)
        node_type = _node_type(root, top)
        try:
            nodes = self.roots(top.name.value, arguments)
        except ValueError as exc:
            raise _Invalid(str(exc)) from None
        shape = _shape(_node_selection(top, document), node_type, document)
        blocks = [list(_objects(n, shape, None)) for n in nodes]
        ordered: list[list[tuple[dict[str, Any], bool]]] = []
        if grouped:
            ordered = blocks
        else:
            for start in range(0, len(blocks), UNGROUPED_BLOCK):
                chunk = blocks[start : start + UNGROUPED_BLOCK]
                parents = [[objs[0]] for objs in chunk]
                children = [objs[1:] for objs in chunk]
                first, second = (parents, children) if (start // UNGROUPED_BLOCK) % 2 == 0 else (children, parents)
                ordered += first + second
        lines: list[bytes] = []
        roots: list[int] = []
        count = 0
        for objects in ordered:
            for obj, is_root in objects:
                count += is_root
                lines.append(json.dumps(obj, separators=(",", ":")).encode() + b"\n")
                roots.append(count)
        return lines, roots


class _Invalid(Exception):
    pass


def _refused(path: list[str] | None, message: str, code: str) -> dict[str, Any]:
    return {"bulkOperation": None, "userErrors": [{"field": path, "message": message, "code": code}]}


def _at(operation: BulkOperation, seconds: float) -> str:
    return (operation.created_at + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fields(selection_set: SelectionSetNode | None, document: DocumentNode) -> list[FieldNode]:
    """Fields of a selection set, fragments inlined."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    out: list[FieldNode] = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            out.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            out += _fields(selection.selection_set, document)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            out += _fields(fragments[selection.name.value].selection_set, document)
    return out


def _is_connection(parent: GraphQLObjectType, node: FieldNode) -> bool:
    definition = parent.fields.get(node.name.value)
    return definition is not None and get_named_type(definition.type).name.endswith("Connection")


def _node_type(parent: GraphQLObjectType, connection: FieldNode) -> GraphQLObjectType:
    connection_type = get_named_type(parent.fields[connection.name.value].type)
    assert isinstance(connection_type, GraphQLObjectType)
    node_type = get_named_type(connection_type.fields["nodes"].type)
    assert isinstance(node_type, GraphQLObjectType)
    return node_type


def _node_selection(connection: FieldNode, document: DocumentNode) -> list[FieldNode]:
    """What a connection field selects of each node, through ``nodes`` or ``edges { node }``."""
    selected: list[FieldNode] = []
    for child in _fields(connection.selection_set, document):
        if child.name.value == "nodes":
            selected += _fields(child.selection_set, document)
        elif child.name.value == "edges":
            for grandchild in _fields(child.selection_set, document):
                if grandchild.name.value == "node":
                    selected += _fields(grandchild.selection_set, document)
    return selected


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a bulk query selects of one type, worked out once: ``(key, field, shape)`` per field (``shape``
    ``None`` for a scalar, ``"__typename"`` answered with ``typename``) and the nested connections' nodes."""

    typename: str
    fields: tuple[tuple[str, str, _Shape | None], ...]
    nested: tuple[tuple[str, _Shape], ...] = ()


def _shape(selected: list[FieldNode], of: GraphQLObjectType, document: DocumentNode) -> _Shape:
    fields: list[tuple[str, str, _Shape | None]] = []
    nested: list[tuple[str, _Shape]] = []
    for node in selected:
        name = node.name.value
        if name != "__typename" and _is_connection(of, node):
            nested.append((name, _shape(_node_selection(node, document), _node_type(of, node), document)))
            continue
        field_type = None if name == "__typename" else get_named_type(of.fields[name].type)
        sub = None
        if field_type is not None and not is_leaf_type(field_type):
            assert isinstance(field_type, GraphQLObjectType)
            sub = _shape(_fields(node.selection_set, document), field_type, document)
        fields.append((node.alias.value if node.alias else name, name, sub))
    return _Shape(of.name, tuple(fields), tuple(nested))


def _objects(node: dict[str, Any], shape: _Shape, parent: str | None) -> Iterator[tuple[dict[str, Any], bool]]:
    """The node as a JSONL object (its nested connections left out, ``__parentId`` added under a parent),
    then the objects of its nested connections; ``True`` marks the root object."""
    obj = _project(node, shape)
    if parent is not None:
        obj["__parentId"] = parent
    yield obj, parent is None
    for name, child in shape.nested:
        for item in node.get(name) or ():  # a stored connection is the list of its nodes
            yield from _objects(item, child, node["id"])


def _project(value: dict[str, Any], shape: _Shape) -> dict[str, Any]:
    """``value``'s selected fields, under their aliases, objects projected in turn."""
    out: dict[str, Any] = {}
    for key, name, sub in shape.fields:
        if name == "__typename":
            out[key] = shape.typename
            continue
        inner = value.get(name)
        out[key] = inner if sub is None or inner is None else _project(inner, sub)
    return out

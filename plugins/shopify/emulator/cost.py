"""Shopify's calculated query cost.

Rules (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits and
https://shopify.engineering/rate-limiting-graphql-apis-calculating-query-complexity):
scalars and enums cost 0, objects 1, a connection 2 plus its size (``first`` or
``last``) times the cost of one node, an interface field (``node(id:)``) 1 plus what its
fragments select, a mutation 10. ``requested`` is computed before execution
from the query alone; ``actual`` walks the returned data, so a connection costs
2 plus what each returned node cost.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)

from .schema import SCHEMA

CONNECTION_BASE_COST = 2
MUTATION_COST = 10


Composite = GraphQLObjectType | GraphQLInterfaceType


class _Walker:
    def __init__(self, document: DocumentNode, variables: dict[str, Any]) -> None:
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def fields(self, selection_set: SelectionSetNode | None, parent: Composite) -> list[tuple[FieldNode, Composite]]:
        """The fields of a selection set with fragments inlined, each with the type it is selected on
        (a fragment's type condition, as in ``node(id:) { ... on BulkOperation { status } }``)."""
        out: list[tuple[FieldNode, Composite]] = []
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                out.append((selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                out.extend(self.fields(selection.selection_set, self._on(selection.type_condition, parent)))
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in self.fragments:
                fragment = self.fragments[selection.name.value]
                out.extend(self.fields(fragment.selection_set, self._on(fragment.type_condition, parent)))
        return out

    @staticmethod
    def _on(condition: NamedTypeNode | None, parent: Composite) -> Composite:
        named = SCHEMA.get_type(condition.name.value) if condition else None
        return named if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)) else parent

    def size(self, node: FieldNode) -> int:
        """``first`` or ``last`` of a connection field (0 when absent or not an int)."""
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last"):
                value = argument.value
                if isinstance(value, IntValueNode):
                    return int(value.value)
                if isinstance(value, VariableNode) and isinstance(self.variables.get(value.name.value), int):
                    return int(self.variables[value.name.value])
        return 0

    def requested(self, selection_set: SelectionSetNode | None, parent: Composite) -> int:
        total = 0
        for node, owner in self.fields(selection_set, parent):
            name = node.name.value
            if name.startswith("__"):
                continue
            field_type = get_named_type(owner.fields[name].type)
            if is_leaf_type(field_type):
                continue
            assert isinstance(field_type, (GraphQLObjectType, GraphQLInterfaceType))
            if field_type.name.endswith("Connection"):
                assert isinstance(field_type, GraphQLObjectType)
                total += CONNECTION_BASE_COST + self.size(node) * self.node_cost(node, field_type)
            else:
                total += 1 + self.requested(node.selection_set, field_type)
        return total

    def node_cost(self, node: FieldNode, connection: GraphQLObjectType) -> int:
        """Cost of one node of a connection as selected through ``edges { node }`` and/or ``nodes``."""
        node_type = get_named_type(connection.fields["nodes"].type)
        assert isinstance(node_type, GraphQLObjectType)
        costs = [0]
        for child, owner in self.fields(node.selection_set, connection):
            if child.name.value == "nodes":
                costs.append(1 + self.requested(child.selection_set, node_type))
            elif child.name.value == "edges":
                edge = get_named_type(owner.fields["edges"].type)
                assert isinstance(edge, GraphQLObjectType)
                for grandchild, _ in self.fields(child.selection_set, edge):
                    if grandchild.name.value == "node":
                        costs.append(1 + self.requested(grandchild.selection_set, node_type))
        return max(costs)

    def actual(self, selection_set: SelectionSetNode | None, parent: Composite, data: Any) -> int:
        if not isinstance(data, dict):
            return 0
        total = 0
        for node, owner in self.fields(selection_set, parent):
            name = node.name.value
            key = node.alias.value if node.alias else name
            if name.startswith("__") or (owner is not parent and key not in data):  # another type's fragment
                continue
            field_type = get_named_type(owner.fields[name].type)
            if is_leaf_type(field_type):
                continue
            assert isinstance(field_type, (GraphQLObjectType, GraphQLInterfaceType))
            value = data.get(key)
            if field_type.name.endswith("Connection"):
                assert isinstance(field_type, GraphQLObjectType)
                total += CONNECTION_BASE_COST + self.connection_actual(node, field_type, value)
            else:
                total += 1 + self.actual(node.selection_set, field_type, value)
        return total

    def connection_actual(self, node: FieldNode, connection: GraphQLObjectType, data: Any) -> int:
        """What the returned nodes cost: each node once, whether reached through ``edges`` or ``nodes``."""
        if not isinstance(data, dict):
            return 0
        node_type = get_named_type(connection.fields["nodes"].type)
        assert isinstance(node_type, GraphQLObjectType)
        per_path: list[int] = [0]
        for child, owner in self.fields(node.selection_set, connection):
            key = child.alias.value if child.alias else child.name.value
            items = data.get(key) or []
            if child.name.value == "nodes":
                per_path.append(sum(1 + self.actual(child.selection_set, node_type, item) for item in items))
            elif child.name.value == "edges":
                edge = get_named_type(owner.fields["edges"].type)
                assert isinstance(edge, GraphQLObjectType)
                for grandchild, _ in self.fields(child.selection_set, edge):
                    if grandchild.name.value == "node":
                        inner = grandchild.alias.value if grandchild.alias else "node"
                        per_path.append(
                            sum(1 + self.actual(grandchild.selection_set, node_type, e.get(inner)) for e in items)
                        )
        return max(per_path)


def _operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == operation_name), None)


def requested_cost(document: DocumentNode, variables: dict[str, Any], operation_name: str | None) -> int:
    operation = _operation(document, operation_name)
    if operation is None or SCHEMA.query_type is None:
        return 0
    if operation.operation is OperationType.MUTATION:
        return MUTATION_COST * len(operation.selection_set.selections)
    return _Walker(document, variables).requested(operation.selection_set, SCHEMA.query_type)


def actual_cost(document: DocumentNode, variables: dict[str, Any], operation_name: str | None, data: Any) -> int:
    operation = _operation(document, operation_name)
    if operation is None or SCHEMA.query_type is None:
        return 0
    if operation.operation is OperationType.MUTATION:
        return requested_cost(document, variables, operation_name)
    return _Walker(document, variables).actual(operation.selection_set, SCHEMA.query_type, data)

"""Plain fields, executed without graphql-core's and strawberry's per-field machinery.

A page of 50 list nodes is some 700 field resolutions; most read an attribute of a node and write a leaf (a
string, a Decimal, a DateTime), a few call a method of the node that takes no argument. Through graphql-core
and strawberry each one builds a resolve info, goes through strawberry's wrappers (an ``Info``, the argument
conversion, the field extensions' chain), checks twice for an awaitable and is completed in four calls.

- ``plain_resolvers`` gives those fields, at schema build, graphql-core resolvers doing what strawberry's
  wrappers do for them: ``Attribute`` (strawberry's basic field: ``getattr(source, name)``) and ``Method``
  (a resolver with no argument but self, root, parent or info, and no field extension).
- ``PlainFieldExecutor`` runs those fields itself: it reads or calls, and completes the value as graphql-core
  does (an exception as the value, nulls, non-null errors with their path and locations, leaves serialized by
  their type, lists, objects), building a resolve info only for what needs one. Everything else goes
  through graphql-core's own methods: other resolvers and fields with arguments (``execute_field``),
  directives other than @skip and @include (those were applied when the fields were collected),
  incremental delivery, middleware, awaitable values, abstract types, types with an ``is_type_of``, and
  lists that are not a ``list`` or a ``tuple``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path, gather_with_cancel
from graphql.type.introspection import TypeNameMetaFieldDef
from graphql.type.scalars import serialize_id, serialize_string
from strawberry import Schema
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import Info
from strawberry.types.field import StrawberryField

ResolveInfo = GraphQLResolveInfo[Any]
DEFINITION = "strawberry-definition"  # strawberry's key, in a GraphQL field's extensions, of its own field
APPLIED_DIRECTIVES = frozenset({"skip", "include"})  # applied when the fields were collected
NEVER_AWAITABLE = frozenset({str, int, float, bool, type(None), Decimal, datetime, list, tuple, dict})
TEXT_OUTPUT = (serialize_string, serialize_id)  # String's and ID's output coercion: a str is written as it is


class Attribute:
    """The resolver of a strawberry field without a resolver: ``getattr(source, name)``."""

    __slots__ = ("name",)
    _is_default = True  # strawberry's mark of a default resolver (``strawberry.resolvers.is_default_resolver``)

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, source: Any, info: ResolveInfo, **arguments: Any) -> Any:
        return getattr(source, self.name)


class Method:
    """The resolver of a strawberry field whose resolver takes no argument but self, root, parent or info:
    called with them as strawberry's ``get_arguments`` passes them, ``info`` as the schema's ``Info`` class."""

    __slots__ = ("_field", "_function", "_info_class", "_info_name", "_self", "_source_names")
    _is_default = False

    def __init__(self, field: StrawberryField, info_class: type[Info[Any, Any]]) -> None:
        resolver = field.base_resolver
        assert resolver is not None
        self._field = field
        self._function: Callable[..., Any] = resolver.wrapped_func  # type: ignore[assignment]
        self._info_class = info_class
        self._self = resolver.self_parameter is not None
        self._source_names = [p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None]
        self._info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None

    @property
    def read(self) -> Callable[[Any], Any] | None:
        """The call from the source alone, when the resolver does not take ``info``."""
        if self._info_name is not None:
            return None
        if self._self and not self._source_names:
            return self._function
        return self._call_with_source

    def _call_with_source(self, source: Any) -> Any:
        keywords = dict.fromkeys(self._source_names, source)
        return self._function(source, **keywords) if self._self else self._function(**keywords)

    def __call__(self, source: Any, info: ResolveInfo, **arguments: Any) -> Any:
        keywords = dict.fromkeys(self._source_names, source)
        if self._info_name is not None:
            keywords[self._info_name] = self._info_class(_raw_info=info, _field=self._field)
        return self._function(source, **keywords) if self._self else self._function(**keywords)


def plain_resolvers(schema: Schema) -> None:
    """Give ``Attribute`` or ``Method`` resolvers to the fields of ``schema`` that strawberry resolves with its
    own wrappers only (no field extension, no argument, no exception handler, not async, not wrapped since)."""
    if schema.exception_handlers or schema.config.default_resolver is not getattr:
        return
    for named in schema._schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field in named.fields.values():
            definition = (field.extensions or {}).get(DEFINITION)
            resolve = field.resolve
            if (
                not isinstance(definition, StrawberryField)
                or definition.extensions
                or definition.arguments
                or field.args
                or definition.is_async
                or definition.is_subscription
                or hasattr(resolve, "__wrapped__")
            ):
                continue
            name = getattr(resolve, "__name__", None)
            if name == "_get_basic_result" and definition.base_resolver is None:
                field.resolve = Attribute(definition.python_name)
            elif (
                name == "_resolver"
                and definition.base_resolver is not None
                and callable(definition.base_resolver.wrapped_func)
            ):
                field.resolve = Method(definition, schema.config.info_class)


class _Field:
    """How one response key of a selection on an object type runs."""

    __slots__ = ("definition", "details", "key", "leaf", "name", "non_null", "object", "read", "sub", "text")

    def __init__(self, parent_type: GraphQLObjectType, key: str, details: FieldDetailsList, definition: GraphQLField):
        self.key = key  # the response name: an alias, or the field's name
        self.name = details[0].node.name.value
        self.details = details
        self.definition = definition
        self.read: Callable[[Any], Any] | None = None  # the value from the source alone
        return_type = definition.type
        inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        self.non_null = inner is not return_type
        self.leaf: GraphQLLeafType | None = inner if is_leaf_type(inner) else None
        self.text = self.leaf is not None and getattr(self.leaf, "coerce_output_value", None) in TEXT_OUTPUT
        self.object = _plain_object(inner)  # an object type completed here (``sub``: its selection's plan)
        self.sub: Plan | None = None
        if definition is TypeNameMetaFieldDef:
            typename = parent_type.name
            self.read = lambda _source: typename
        elif isinstance(definition.resolve, Attribute):
            self.read = attrgetter(definition.resolve.name)
        elif isinstance(definition.resolve, Method):
            self.read = definition.resolve.read


Plan = list[_Field | tuple[str, FieldDetailsList]]
"""Each field of a selection: a ``_Field`` run here, or (response name, details) for ``execute_field``."""


def _plain_object(type_: Any) -> GraphQLObjectType | None:
    return type_ if isinstance(type_, GraphQLObjectType) and type_.is_type_of is None else None


def _is_plain(definition: GraphQLField, details: FieldDetailsList) -> bool:
    """Run here: no argument, no directive left to apply, and a resolver of ours (or ``__typename``)."""
    return (
        not definition.args
        and (definition is TypeNameMetaFieldDef or isinstance(definition.resolve, (Attribute, Method)))
        and not any(
            directive.name.value not in APPLIED_DIRECTIVES
            for detail in details
            for directive in detail.node.directives or ()
        )
    )


class PlainFieldExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, running the fields of ``Attribute`` and ``Method`` itself (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager  # a middleware (an extension's ``resolve``) wraps every resolver
        self._plain = manager is None or not manager.middlewares
        # The plans of this operation's selections, by selection (kept alive with its plan: its id stays its own).
        self._plans: dict[tuple[int, str], tuple[GroupedFieldSet, Plan]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        if position_context is not None or not self._plain:  # incremental delivery, middleware: graphql-core's
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        return self._run(parent_type, source_value, path, self._plan(parent_type, grouped_field_set))

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan:
        """The plan of a selection on ``parent_type``: made once, a list's items share it."""
        key = (id(grouped_field_set), parent_type.name)
        planned = self._plans.get(key)
        if planned is not None:
            return planned[1]
        plan: Plan = []
        for response_name, details in grouped_field_set.items():
            definition = self.schema.get_field(parent_type, details[0].node.name.value)
            if definition is None:  # a field the schema lacks is left out of the answer, as graphql-core does
                continue
            if self._plain and _is_plain(definition, details):
                plan.append(_Field(parent_type, response_name, details, definition))
            else:
                plan.append((response_name, details))
        self._plans[key] = (grouped_field_set, plan)
        return plan

    def _sub_plan(self, object_type: GraphQLObjectType, field: _Field) -> Plan | None:
        """The plan of ``field``'s selection on ``object_type``; None when it starts incremental delivery."""
        if field.sub is not None:
            return field.sub
        grouped_field_set, new_defer_usages, _forbidden = self.collect_subfields(object_type, field.details)
        if new_defer_usages:
            return None
        field.sub = self._plan(object_type, grouped_field_set)
        return field.sub

    def _run(self, parent_type: GraphQLObjectType, source: Any, path: Path | None, plan: Plan) -> Any:
        """graphql-core's ``execute_fields``."""
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for field in plan:
                if isinstance(field, _Field):
                    key = field.key
                    result = self._execute(parent_type, source, field, path)
                else:
                    key, details = field
                    result = self.execute_field(parent_type, source, details, Path(path, key, parent_type.name), None)
                results[key] = result
                if type(result) not in NEVER_AWAITABLE and is_awaitable(result):
                    awaitable_fields.append(key)
        except Exception:
            if awaitable_fields:  # as graphql-core: what the other fields started still settles
                self.settle_in_background([results[key] for key in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return _gathered(results, awaitable_fields)

    def _execute(self, parent_type: GraphQLObjectType, source: Any, field: _Field, path: Path | None) -> Any:
        """graphql-core's ``execute_field``, and ``complete_value`` for what is not awaitable."""
        field_path: Path | None = None
        info: ResolveInfo | None = None
        return_type = field.definition.type
        try:
            if field.read is not None:
                result = field.read(source)
            else:
                field_path = Path(path, field.key, parent_type.name)
                info = self._info(field, parent_type, field_path)
                result = field.definition.resolve(source, info)  # type: ignore[misc]
            if field.text and type(result) is str:  # the most frequent: String or ID given a str, written as it is
                return result
            if type(result) not in NEVER_AWAITABLE and self.is_awaitable(result):
                field_path = field_path or Path(path, field.key, parent_type.name)
                info = info or self._info(field, parent_type, field_path)
                return self.complete_awaitable_value(return_type, field.details, info, field_path, result, None)
            if isinstance(result, Exception):
                raise result
            if result is None or result is Undefined:
                if field.non_null:
                    raise TypeError(f"Cannot return null for non-nullable field {parent_type}.{field.name}.")
                return None
            if field.leaf is not None:
                return self.complete_leaf_value(field.leaf, result)
            field_path = field_path or Path(path, field.key, parent_type.name)
            if field.object is not None and (plan := field.sub or self._sub_plan(field.object, field)) is not None:
                completed = self._run(field.object, result, field_path, plan)
            else:
                completed = self._complete(parent_type, field, field_path, info, return_type, field_path, result)
            if type(completed) not in NEVER_AWAITABLE and self.is_awaitable(completed):
                return self._awaited(completed, return_type, field.details, field_path)
            return completed
        except Exception as raw_error:
            self.handle_field_error(
                raw_error, return_type, field.details, field_path or Path(path, field.key, parent_type.name)
            )
            return None

    def _complete(
        self,
        parent_type: GraphQLObjectType,
        field: _Field,
        field_path: Path,
        info: ResolveInfo | None,
        return_type: GraphQLOutputType,
        path: Path,
        result: Any,
    ) -> Any:
        """graphql-core's ``complete_value`` (``path``: the field's, or a list item's)."""
        if isinstance(result, Exception):
            raise result
        if isinstance(return_type, GraphQLNonNull):
            completed = self._complete(parent_type, field, field_path, info, return_type.of_type, path, result)
            if completed is None:
                raise TypeError(f"Cannot return null for non-nullable field {parent_type}.{field.name}.")
            return completed
        if result is None or result is Undefined:
            return None
        if (object_type := _plain_object(return_type)) is not None:
            plan = self._sub_plan(object_type, field)
            if plan is not None:
                return self._run(object_type, result, path, plan)
            grouped_field_set, new_defer_usages, _forbidden = self.collect_subfields(object_type, field.details)
            return self.execute_collected_subfields(
                object_type, result, path, grouped_field_set, new_defer_usages, None
            )
        if is_leaf_type(return_type):
            return self.complete_leaf_value(return_type, result)
        info = info or self._info(field, parent_type, field_path)
        if isinstance(return_type, GraphQLList) and type(result) in (list, tuple):
            return self._complete_list(parent_type, field, field_path, info, return_type.of_type, path, result)
        return self.complete_value(return_type, field.details, info, path, result, None)

    def _complete_list(
        self,
        parent_type: GraphQLObjectType,
        field: _Field,
        field_path: Path,
        info: ResolveInfo,
        item_type: GraphQLOutputType,
        path: Path,
        items: list[Any] | tuple[Any, ...],
    ) -> Any:
        """graphql-core's ``complete_iterable_value`` for a list or tuple (no @stream: no directive but
        @skip and @include reaches a field run here)."""
        is_awaitable = self.is_awaitable
        completed_results: list[Any] = []
        awaitable_indices: list[int] = []
        index = 0
        try:
            for index, item in enumerate(items):  # noqa: B007 (after an error, ``index`` tells where it stopped)
                item_path = Path(path, index, None)
                if type(item) not in NEVER_AWAITABLE and is_awaitable(item):
                    completed_results.append(
                        self.complete_awaitable_list_item_value(item, item_type, field.details, info, item_path, None)
                    )
                    awaitable_indices.append(index)
                    continue
                try:
                    completed = self._complete(parent_type, field, field_path, info, item_type, item_path, item)
                    if type(completed) not in NEVER_AWAITABLE and is_awaitable(completed):
                        completed_results.append(self._awaited(completed, item_type, field.details, item_path))
                        awaitable_indices.append(index)
                    else:
                        completed_results.append(completed)
                except Exception as raw_error:
                    self.handle_field_error(raw_error, item_type, field.details, item_path)
                    completed_results.append(None)
        except Exception:
            # As graphql-core: what was started settles, the items not reached that are awaitable too.
            started = [completed_results[i] for i in awaitable_indices]
            started += [item for item in items[index + 1 :] if is_awaitable(item)]
            if started:
                self.settle_in_background(started)
            raise
        if not awaitable_indices:
            return completed_results
        return _gathered_items(completed_results, awaitable_indices)

    async def _awaited(
        self, completed: Awaitable[Any], return_type: GraphQLOutputType, details: FieldDetailsList, path: Path
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, details, path)
            return None

    def _info(self, field: _Field, parent_type: GraphQLObjectType, path: Path) -> ResolveInfo:
        return self.build_resolve_info(field.definition, [detail.node for detail in field.details], parent_type, path)


async def _gathered(results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
    """``results`` with its awaitable values awaited, as graphql-core's ``execute_fields`` does it."""
    if len(awaitable_fields) == 1:
        key = awaitable_fields[0]
        results[key] = await results[key]
    else:
        awaited = await gather_with_cancel(*(results[key] for key in awaitable_fields))
        results.update(zip(awaitable_fields, awaited, strict=True))
    return results


async def _gathered_items(completed: list[Any], awaitable_indices: list[int]) -> list[Any]:
    """``completed`` with its awaitable items awaited, as graphql-core's ``complete_iterable_value`` does it."""
    if len(awaitable_indices) == 1:
        index = awaitable_indices[0]
        completed[index] = await completed[index]
    else:
        awaited = await gather_with_cancel(*(completed[index] for index in awaitable_indices))
        for index, value in zip(awaitable_indices, awaited, strict=True):
            completed[index] = value
    return completed

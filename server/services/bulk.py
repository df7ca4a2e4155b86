"""Bulk decisions: 1 to ``MAX_IDS`` imported orders accepted or canceled in one call, each on its own.

Each id is decided exactly as the single mutations decide it (``orders.accept_many``: the same re-read, guard,
rows, event and hook per order as ``orders.accept``; ``orders.cancel``); one that fails does not stop the
others. The outcomes come back in input order. An id listed again in the same call is decided once, at its
first position; each later position answers INVALID_INPUT naming it (with the order as the first decision left
it). Two spellings of one UUID are one order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import AlreadyDecided, DomainError, InvalidInput
from ..models import ImportedOrder, Seller, Transaction
from ..platforms import ConnectorError
from ..runtime import Runtime
from . import orders
from .paging import parse_id

MAX_IDS = 100


@dataclass
class Outcome:
    """One id's result: the order (decided, or as it stands when decided already) and why it failed, if it did."""

    id: str
    position: int
    order: ImportedOrder | None = None
    transaction: Transaction | None = None
    errors: list[DomainError | ConnectorError] = field(default_factory=list)
    first: Outcome = field(init=False)  # the outcome of the order's first listing: this one, or an earlier one


async def accept_many(
    rt: Runtime, seller: Seller, ids: Sequence[str], *, actor: str, force: bool = False
) -> list[Outcome]:
    """Accept each of ``ids`` as ``acceptImport`` would; one ``Outcome`` per id, in input order.

    ``orders.accept_many`` decides them together: the same checks and changes per order as ``orders.accept``,
    in one database transaction rather than one per order."""
    outcomes, distinct = _distinct(ids)
    decided = await orders.accept_many(rt, seller, [outcome.id for outcome in distinct], actor=actor, force=force)
    for outcome in distinct:
        result = decided[outcome.id]
        if isinstance(result, tuple):
            outcome.order, outcome.transaction = result
        else:
            _failed(outcome, result)
    return _repeated(outcomes)


async def cancel_many(
    rt: Runtime, seller: Seller, ids: Sequence[str], reason: str | None, *, actor: str
) -> list[Outcome]:
    """Cancel each of ``ids`` as ``cancelImport`` would, with the same ``reason``; one ``Outcome`` per id."""
    outcomes, distinct = _distinct(ids)
    for outcome in distinct:
        try:
            outcome.order = await orders.cancel(rt, seller, outcome.id, reason, actor=actor)
        except DomainError as exc:
            _failed(outcome, exc)
    return _repeated(outcomes)


def _distinct(ids: Sequence[str]) -> tuple[list[Outcome], list[Outcome]]:
    """One ``Outcome`` per id, and those of the first listing of each order (the ones to decide)."""
    if not 1 <= len(ids) <= MAX_IDS:
        raise InvalidInput(f"ids must hold 1 to {MAX_IDS} ids, not {len(ids)}", field="ids")
    first: dict[object, Outcome] = {}
    outcomes = []
    for position, order_id in enumerate(ids):
        outcome = Outcome(order_id, position)
        outcome.first = first.setdefault(parse_id(order_id) or order_id, outcome)
        outcomes.append(outcome)
    return outcomes, list(first.values())


def _failed(outcome: Outcome, exc: DomainError | ConnectorError) -> None:
    outcome.order = exc.order if isinstance(exc, AlreadyDecided) else None
    if exc.field == "id":  # the single mutation's argument; here, this id's position in ``ids``
        exc.field = f"ids.{outcome.position}"
    outcome.errors.append(exc)


def _repeated(outcomes: list[Outcome]) -> list[Outcome]:
    """Each later listing of an order: INVALID_INPUT, with the order as its first listing left it."""
    for outcome in outcomes:
        if outcome.first is not outcome:
            outcome.order = outcome.first.order
            outcome.errors.append(
                InvalidInput(
                    f"this order is listed already at position {outcome.first.position}: it is decided once, there",
                    field=f"ids.{outcome.position}",
                )
            )
    return outcomes

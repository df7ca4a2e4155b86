"""Rows written as plain values, many with one statement, alike on SQLite and PostgreSQL.

An import writes a few rows per order it stores (the order, its receipt line, its audit entry). Building
a Tortoise model instance per row, which ``bulk_create`` then turns back into values, cost more than the
database did; these take each row as a tuple already in its columns' database form: ids and Decimals as
``str``, aware datetimes, bools, JSON as text (``json_text``), enums by value. Both drivers accept those
as they are (SQLite through Tortoise's adapters, asyncpg for ``uuid``, ``timestamptz`` and ``jsonb``).
``fetch`` and ``execute`` run the page's other statements, written once with ``?`` placeholders, for the
same reason: building a query through the ORM costs about as much as storing a few orders.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

# What Tortoise's JSONField writes (``json.dumps`` with these separators), from one encoder built once.
json_text = json.JSONEncoder(separators=(",", ":")).encode
MAX_PARAMETERS = 30_000  # per statement: SQLite allows 32,766 since 3.32, PostgreSQL 32,767


def _marks(sqlite: bool, rows: int, width: int) -> str:
    """The VALUES tuples of ``rows`` rows of ``width`` parameters each, in the dialect's placeholders."""
    if sqlite:
        one = "(" + ", ".join("?" * width) + ")"
        return ", ".join([one] * rows)
    return ", ".join(
        "(" + ", ".join(f"${n}" for n in range(start + 1, start + width + 1)) + ")"
        for start in range(0, rows * width, width)
    )


@functools.lru_cache(maxsize=64)
def _numbered(sql: str) -> str:
    """``sql``'s ``?`` placeholders as PostgreSQL's ``$1``, ``$2``... (the statements here hold no other ``?``)."""
    first, *rest = sql.split("?")
    return first + "".join(f"${n}{part}" for n, part in enumerate(rest, 1))


def _in_dialect(conn: BaseDBAsyncClient, sql: str) -> str:
    return sql if conn.capabilities.dialect == "sqlite" else _numbered(sql)


def question_marks(count: int) -> str:
    """``count`` placeholders, for ``IN (...)``."""
    return ", ".join("?" * count)


async def fetch(conn: BaseDBAsyncClient, sql: str, values: Sequence[Any]) -> list[dict[str, Any]]:
    """The rows ``sql`` (with ``?`` placeholders) selects, as dicts of the driver's values."""
    return await conn.execute_query_dict(_in_dialect(conn, sql), list(values))


async def execute(conn: BaseDBAsyncClient, sql: str, values: Sequence[Any]) -> None:
    """Run ``sql`` (with ``?`` placeholders), an UPDATE or the like."""
    await conn.execute_query(_in_dialect(conn, sql), list(values))


def _head(table: str, columns: Sequence[str]) -> str:
    return f'INSERT INTO "{table}" (' + ", ".join(f'"{c}"' for c in columns) + ")"


async def insert_many(
    conn: BaseDBAsyncClient, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (values in the order of ``columns``) with one ``executemany``."""
    if rows:
        sqlite = conn.capabilities.dialect == "sqlite"
        sql = f"{_head(table, columns)} VALUES {_marks(sqlite, 1, len(columns))}"
        await conn.execute_many(sql, [list(row) for row in rows])


async def insert_new(
    conn: BaseDBAsyncClient,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    unique: Sequence[str],
    returning: str,
) -> list[Any]:
    """Insert the ``rows`` that conflict with no row on the ``unique`` columns (nor with an earlier one of
    ``rows``), skipping the others: ``INSERT ... ON CONFLICT DO NOTHING RETURNING``, one statement per
    ``MAX_PARAMETERS``. The ``returning`` column's value of each row inserted, as the database gives it."""
    sqlite = conn.capabilities.dialect == "sqlite"
    per_statement = max(1, MAX_PARAMETERS // len(columns))
    conflict = ", ".join(f'"{c}"' for c in unique)
    inserted: list[Any] = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        sql = (
            f"{_head(table, columns)} VALUES {_marks(sqlite, len(chunk), len(columns))}"
            f' ON CONFLICT ({conflict}) DO NOTHING RETURNING "{returning}"'
        )
        found = await conn.execute_query_dict(sql, [value for row in chunk for value in row])
        inserted += [row[returning] for row in found]
    return inserted

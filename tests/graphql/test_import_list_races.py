"""Imports of a list of ids racing each other, or meeting a platform failure part-way, over the GraphQL API
against the Shopify emulator: one pending copy per order, receipts and counters that add up."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import pytest
from aiohttp import web

from plugins.shopify.emulator import ShopifyEmulator
from server.models import ImportedOrder, ImportJob, ImportReceiptLine
from server.platforms import ConnectorError
from server.services.imports import LOOKUP_PAGE
from server.services.stores import open_connector
from tests.graphql.queries import IMPORT_JOB
from tests.graphql.test_import_flow import _store, add
from tests.graphql.test_receipts import receipt, run
from tests.support import Server, serve_app

NAMES = [f"#{1001 + n}" for n in range(40)]
FAILING = 29  # the 30th id of the 40


@dataclass
class Refusal:
    """While ``number`` is set, every platform request mentioning that order number is answered ``status``."""

    number: str | None = None
    status: int = HTTPStatus.INTERNAL_SERVER_ERROR
    refused: int = 0


@pytest.fixture
def refusal() -> Refusal:
    return Refusal()


@pytest.fixture
async def shopify_url(shopify: ShopifyEmulator, refusal: Refusal) -> AsyncIterator[str]:
    """The emulator behind ``refusal``: it fails by order id, whether the connector looks ids up one by one
    or in a batch, so the failure lands on the same id's group either way."""

    @web.middleware
    async def refuse(request: web.Request, handler: Any) -> web.StreamResponse:
        mentioned = refusal.number and re.search(rf"(?<!\d){refusal.number}(?!\d)", await request.text())
        if mentioned:
            refusal.refused += 1
            return web.json_response({"errors": HTTPStatus(refusal.status).phrase}, status=refusal.status)
        response: web.StreamResponse = await handler(request)
        return response

    app = shopify.app()
    app.middlewares.insert(0, refuse)
    async with serve_app(app) as url:
        yield url


def _forty_orders(shopify: ShopifyEmulator) -> None:
    for n in range(len(NAMES)):
        add(shopify, 100 - n)


def _outcomes(lines: list[dict[str, Any]]) -> dict[str, str]:
    return {line["orderNumber"]: line["outcome"] for line in lines}


async def _job_row(job: dict[str, Any]) -> ImportJob:
    return await ImportJob.get(id=job["id"])


def _adds_up(job: dict[str, Any], lines: list[dict[str, Any]]) -> None:
    """The job's counters are its receipt's lines, counted."""
    counted = Counter(line["outcome"] for line in lines)
    assert job["fetched"] == len(lines) - counted["NOT_FOUND"]
    assert job["imported"] == counted["IMPORTED"] + counted["RESTORED"]
    assert job["skippedPending"] == counted["ALREADY_PENDING"]
    assert job["skippedAccepted"] == counted["ALREADY_ACCEPTED"]
    assert job["skippedInTransactionList"] == counted["IN_TRANSACTION_LIST"]
    assert job["skippedCanceled"] == counted["CANCELED_BEFORE"]
    assert job["skipped"] == (
        job["skippedPending"] + job["skippedAccepted"] + job["skippedInTransactionList"] + job["skippedCanceled"]
    )


async def _one_copy_each(store_id: str) -> dict[str, str]:
    """The store's imported orders, one row per platform order, all pending: order number → row id."""
    rows = await ImportedOrder.filter(store_id=store_id).values("id", "order_number", "status")
    assert sorted(row["order_number"] for row in rows) == NAMES
    assert {row["status"] for row in rows} == {"PENDING"}
    return {row["order_number"]: str(row["id"]) for row in rows}


def _overlap(a: ImportJob, b: ImportJob) -> bool:
    assert a.finished_at is not None and b.finished_at is not None
    return a.started_at < b.finished_at and b.started_at < a.finished_at


async def test_two_identical_lists_at_once_are_one_job_or_the_second_finds_every_order_pending(
    server, token, store_id, shopify
):
    _forty_orders(shopify)
    shopify.delay_next(0.02, 1000)  # so the first job is still running when the second call arrives

    first, second = await asyncio.gather(*(run(server, token, store_id, orderIds=NAMES) for _ in range(2)))

    copies = await _one_copy_each(store_id)
    jobs = {first["id"]: first, second["id"]: second}
    lines = {job_id: await receipt(server, token, job_id) for job_id in jobs}
    for job_id, job in jobs.items():
        assert job["status"] == "SUCCEEDED"
        _adds_up(job, lines[job_id])
    imported, *others = sorted(jobs, key=lambda job_id: jobs[job_id]["skipped"])
    assert _outcomes(lines[imported]) == dict.fromkeys(NAMES, "IMPORTED")
    for other in others:  # an identical import still running answers with that job: two jobs ran one after the other
        assert _outcomes(lines[other]) == dict.fromkeys(NAMES, "ALREADY_PENDING")
        assert (await _job_row(jobs[other])).started_at >= (await _job_row(jobs[imported])).finished_at
    for job_lines in lines.values():
        assert {line["orderNumber"]: line["importedOrder"]["id"] for line in job_lines} == copies


@pytest.mark.parametrize(
    "second_list",
    [
        pytest.param([name.removeprefix("#") for name in NAMES], id="same-ids-typed-without-hash"),
        pytest.param(NAMES[::-1], id="same-ids-reversed"),
    ],
)
async def test_two_lists_of_the_same_orders_at_once_import_each_order_exactly_once(
    server, token, store_id, shopify, second_list
):
    _forty_orders(shopify)
    shopify.delay_next(0.02, 1000)  # both jobs in flight together, their pages interleaved

    first, second = await asyncio.gather(
        run(server, token, store_id, orderIds=NAMES), run(server, token, store_id, orderIds=second_list)
    )

    assert first["id"] != second["id"]
    assert _overlap(await _job_row(first), await _job_row(second)), "the two jobs did not run at the same time"
    copies = await _one_copy_each(store_id)
    first_lines, second_lines = await receipt(server, token, first["id"]), await receipt(server, token, second["id"])
    for job, lines in ((first, first_lines), (second, second_lines)):
        assert job["status"] == "SUCCEEDED"
        assert len(lines) == len(NAMES)
        _adds_up(job, lines)
        assert {line["orderNumber"]: line["importedOrder"]["id"] for line in lines} == copies
    first_outcomes, second_outcomes = _outcomes(first_lines), _outcomes(second_lines)
    for name in NAMES:
        assert sorted([first_outcomes[name], second_outcomes[name]]) == ["ALREADY_PENDING", "IMPORTED"], name
    assert first["imported"] + second["imported"] == len(NAMES)
    imported_by = dict(await ImportedOrder.filter(store_id=store_id).values_list("order_number", "job_id"))
    for name in NAMES:
        winner = first if first_outcomes[name] == "IMPORTED" else second
        assert str(imported_by[name]) == winner["id"]


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (HTTPStatus.INTERNAL_SERVER_ERROR, "PLATFORM_UNAVAILABLE"),  # on every attempt, past the retries
        (HTTPStatus.UNAUTHORIZED, "PLATFORM_AUTH"),
    ],
)
async def test_a_platform_failure_part_way_through_a_list_keeps_the_groups_stored_before_it(
    server, token, store_id, shopify, refusal, status, code
):
    _forty_orders(shopify)
    refusal.number, refusal.status = NAMES[FAILING].removeprefix("#"), status

    started = await run(server, token, store_id, orderIds=NAMES)

    job = (await server.execute(IMPORT_JOB, {"id": started["id"]}, token=token))["importJob"]
    kept = NAMES[: FAILING // LOOKUP_PAGE * LOOKUP_PAGE]  # the groups of ids before the failing id's group
    assert 0 < len(kept) < FAILING and refusal.refused > 0
    expected = await _connector_error(server, store_id, NAMES[len(kept) :])
    assert (job["status"], job["errorCode"], job["error"]) == ("FAILED", code, expected.message)
    assert expected.code == code
    assert "shpat_test_token" not in job["error"]
    lines = await receipt(server, token, job["id"])
    assert [(line["orderNumber"], line["outcome"]) for line in lines] == [(name, "IMPORTED") for name in kept]
    assert {line["importedOrder"]["status"] for line in lines} == {"PENDING"}
    _adds_up(job, lines)
    assert (job["fetched"], job["imported"], job["skipped"]) == (len(kept), len(kept), 0)
    stored = await ImportedOrder.filter(store_id=store_id).values_list("order_number", "job_id")
    assert sorted((name, str(job_id)) for name, job_id in stored) == [(name, job["id"]) for name in kept]
    orphans = await ImportReceiptLine.filter(job_id=job["id"], imported_order_id=None).count()
    assert orphans == 0

    refusal.number = None
    again = await run(server, token, store_id, orderIds=NAMES)

    assert again["status"] == "SUCCEEDED"
    again_lines = await receipt(server, token, again["id"])
    _adds_up(again, again_lines)
    assert _outcomes(again_lines) == {name: "ALREADY_PENDING" if name in kept else "IMPORTED" for name in NAMES}
    await _one_copy_each(store_id)


async def _connector_error(server: Server, store_id: str, group: list[str]) -> ConnectorError:
    """What the store's connector raises looking up ``group`` while the refusal stands."""
    connector = await open_connector(server.runtime, await _store(store_id))
    with pytest.raises(ConnectorError) as raised:
        await connector.fetch_orders(group)
    return raised.value

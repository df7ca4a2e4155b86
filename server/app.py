"""The ASGI application: GraphQL over HTTP and websockets at ``/graphql``, and ``/healthz``."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from tortoise import connections

from . import logs
from .access_log import AccessLog
from .api import build_schema
from .bodies import BodyTooLarge, bad_request, graphql_body_problem, read_limited, replay
from .connections import TokenBoundHandler
from .console_routes import console_routes, graphiql_page
from .context import Context
from .errors import ErrorCode, InvalidInput, NotFound, StoreMisconfigured, Unauthenticated
from .platforms import ConnectorError, WebhookMalformed, WebhookRejected
from .queue import running_worker
from .ratelimits import closing_as_refused, refuse_websocket
from .runtime import Runtime, open_runtime
from .schema.request_checks import is_request_error
from .services import alert_webhooks, webhooks
from .services.accounts import authenticate_token
from .settings import Settings

log = logging.getLogger(__name__)

NO_TOKEN = Unauthenticated("Send 'Authorization: Bearer <token>' with a valid API token.")
UNAUTHENTICATED = {"errors": [{"message": NO_TOKEN.message, "extensions": {"code": NO_TOKEN.code}}]}


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view, with the seller's token checked before any operation runs."""

    graphql_transport_ws_handler_class = TokenBoundHandler  # a socket closes with 4403 once its token is revoked

    def __init__(self, app: Starlette, **kwargs: Any) -> None:
        super().__init__(build_schema(), subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,), **kwargs)
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            send = closing_as_refused(scope, send)  # a socket refused for a rate limit closes with 4429
        if scope["type"] == "http":
            request = Request(scope, receive)
            if _asks_for_ide(request):
                # The IDE's page only: it runs no operation, and its own requests carry the token.
                page = await self.render_graphql_ide(request) if self.graphql_ide else None
                await (page or PlainTextResponse("Not Found", status_code=404))(scope, receive, send)
                return
            rate_limits = self.app.state.runtime.rate_limits
            token = await authenticate_token(
                request.headers.get("authorization"), cache=self.app.state.runtime.token_watch.tokens
            )
            seller = token.seller if token else None
            if seller is None:
                refused = await rate_limits.failed_authentication(scope)
                response = (
                    refused.response()
                    if refused
                    else JSONResponse(UNAUTHENTICATED, status_code=401, headers={"WWW-Authenticate": "Bearer"})
                )
                await response(scope, receive, send)
                return
            if refused := await rate_limits.request(request.headers.get("authorization", "")):
                await refused.response()(scope, receive, send)
                return
            scope.setdefault("state", {}).update(seller=seller, token=token)
            if request.method == "POST":
                limit = self.app.state.runtime.settings.max_body_bytes
                try:
                    body = await read_limited(request, limit)
                except BodyTooLarge:
                    await bad_request(f"the body is larger than {limit} bytes", 413)(scope, receive, send)
                    return
                except ClientDisconnect:  # gone before its body arrived: nothing ran, nobody to answer
                    return
                problem = graphql_body_problem(body)
                if problem is not None:
                    await bad_request(problem)(scope, receive, send)
                    return
                receive = replay(body)
        await super().__call__(scope, receive, send)

    async def render_graphql_ide(self, request: Any) -> Response:
        """GraphiQL from the console's build (never strawberry's CDN page), under its own security headers."""
        return graphiql_page()

    def create_response(self, response_data: Any, sub_response: Any) -> Any:
        """A request error (the document or the variables: nothing ran) is answered 400, without ``data``."""
        if is_request_error(response_data):
            response_data = {key: value for key, value in response_data.items() if key != "data"}
            sub_response.status_code = 400
        return super().create_response(response_data, sub_response)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket | None) -> Context:
        return Context(
            runtime=self.app.state.runtime,
            request=request,
            response=response,
            seller=request.scope.get("state", {}).get("seller"),
            token=request.scope.get("state", {}).get("token"),
        )

    async def on_ws_connect(self, context: Context) -> None:
        params = context.connection_params or {}
        authorization = params.get("authorization") or params.get("Authorization")
        token = await authenticate_token(
            authorization if isinstance(authorization, str) else None, cache=context.runtime.token_watch.tokens
        )
        seller = token.seller if token else None
        if seller is None:
            if refused := await context.runtime.rate_limits.failed_authentication(context.request.scope):
                refuse_websocket(context.request.scope, refused.message)
            raise ConnectionRejectionError({"reason": "a valid 'authorization': 'Bearer <token>' is required"})
        if refused := await context.runtime.rate_limits.request(str(authorization)):
            refuse_websocket(context.request.scope, refused.message)
            raise ConnectionRejectionError({"reason": refused.message})
        context.seller = seller
        context.token = token
        context.request.scope.setdefault("state", {})["token"] = token  # for the access log


def _asks_for_ide(request: Request) -> bool:
    """A browser opening /graphql: a GET for HTML that carries no operation."""
    return (
        request.method == "GET"
        and "text/html" in request.headers.get("accept", "")
        and not ({"query", "operationName", "variables", "extensions"} & request.query_params.keys())
    )


async def healthz(request: Request) -> JSONResponse:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        log.exception("health check: database unreachable")
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


def _webhook_answer(status_code: int, code: ErrorCode, error: str) -> JSONResponse:
    return JSONResponse({"error": error, "code": code}, status_code=status_code)


async def receive_webhook(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    if refused := await runtime.rate_limits.bad_signatures_over(request.scope):  # not verified until it has room
        return refused.response(graphql=False)
    try:
        body = await read_limited(request, webhooks.MAX_BODY_BYTES)
    except BodyTooLarge:
        return _webhook_answer(413, ErrorCode.PAYLOAD_TOO_LARGE, "body too large")
    except ClientDisconnect:  # the platform gave up before its body arrived; it delivers again, nothing was stored
        return _webhook_answer(400, ErrorCode.WEBHOOK_MALFORMED, "incomplete body")
    try:
        receipt = await webhooks.receive(
            runtime, request.path_params["platform"], request.path_params["store"], request.headers, body
        )
    except NotFound as exc:
        return _webhook_answer(404, exc.code, "not found")
    except (StoreMisconfigured, InvalidInput) as exc:  # the store's address or credentials no longer pass the rules:
        return _webhook_answer(503, exc.code, "store misconfigured")  # the platform retries once it is fixed
    except WebhookRejected as exc:
        if refused := await runtime.rate_limits.bad_signature(request.scope):
            return refused.response(graphql=False)
        return _webhook_answer(401, exc.code, "signature missing or invalid")
    except WebhookMalformed as exc:
        return _webhook_answer(400, exc.code, "malformed delivery")
    except ConnectorError as exc:  # the platform's verification service failed: ask for a retry
        return _webhook_answer(503, exc.code, "try again later")
    if receipt.delivery is not None and not receipt.replay:
        runtime.background.spawn(
            webhooks.process(runtime, receipt.delivery, receipt.order), name=f"webhook-{receipt.delivery.id}"
        )
    return JSONResponse({"status": "replay" if receipt.replay else "ok"})


async def answer_webhook_challenge(request: Request) -> JSONResponse:
    try:
        answer = await webhooks.challenge(
            request.app.state.runtime,
            request.path_params["platform"],
            request.path_params["store"],
            dict(request.query_params),
            str(request.url.replace(query="")),
        )
    except NotFound as exc:
        return _webhook_answer(404, exc.code, "not found")
    except (StoreMisconfigured, InvalidInput) as exc:
        return _webhook_answer(503, exc.code, "store misconfigured")
    return JSONResponse(answer)


async def retry_webhooks(runtime: Runtime) -> None:
    for delivery in await webhooks.due_for_retry(datetime.now(UTC)):
        await webhooks.process(runtime, delivery)


def create_app(settings: Settings) -> Starlette:
    logs.install()  # whoever runs the app: no secret in any log record

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_runtime(settings) as runtime, running_worker(runtime):  # every process runs a worker
            runtime.background.every(60, lambda: retry_webhooks(runtime), name="webhook-retries")
            runtime.background.every(
                alert_webhooks.TICK_SECONDS, lambda: alert_webhooks.deliver_due(runtime), name="alert-deliveries"
            )
            runtime.background.spawn(runtime.token_watch.listen(), name="token-revocations")
            runtime.background.every(settings.token_recheck_seconds, runtime.token_watch.recheck, name="token-recheck")
            app.state.runtime = runtime
            yield

    middleware = []
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                max_age=600,
            )
        )
    app = Starlette(lifespan=lifespan, middleware=middleware)
    app.add_middleware(AccessLog)  # outermost: one line for every request, whatever answers it
    view = GraphQLView(
        app,
        graphql_ide="graphiql" if settings.graphiql else None,
        allowed_origins=settings.cors_origins,
    )
    app.router.routes.extend(
        [
            Route("/graphql", view, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", view),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/webhooks/{platform}/{store}", receive_webhook, methods=["POST"]),
            Route("/webhooks/{platform}/{store}", answer_webhook_challenge, methods=["GET"]),
            *console_routes(graphiql=settings.graphiql),
        ]
    )
    return app

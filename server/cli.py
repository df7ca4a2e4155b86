"""The ``order-import`` command: serve, worker, demo, token create / list / revoke, plugins, new-plugin, emulator."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from aiohttp import web

from . import logs
from .api import build_schema
from .app import create_app
from .db import close_database, open_database
from .demo import run_demo
from .errors import DomainError
from .events import create_broker
from .listening import PortUnavailable, bind, listening_url
from .models import ApiToken
from .platforms import DemoEmulator
from .platforms.manager import PlatformRegistry, PluginConflict, get_plugin_manager
from .queue import running_worker
from .runtime import open_runtime
from .scaffold import ScaffoldError, write_plugin
from .services import accounts, audit
from .settings import Settings, SettingsError

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="order-import", description="Recover orders that platform webhooks missed.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    commands.add_parser(
        "worker", help="run background work only (imports, scheduled recovery), without the API; SIGTERM stops it"
    )
    demo = commands.add_parser("demo", help="run the server with local platform emulators and demo data")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    token = commands.add_parser("token", help="manage API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a seller if needed and print a new API token")
    create.add_argument("--seller", required=True)
    create.add_argument("--name", help="a label, 1 to 100 characters (default: token-<n>, n counting the seller's)")
    create.add_argument("--expires-in", type=int, metavar="DAYS", help="the token stops working DAYS days from now")
    create.add_argument("--read-only", action="store_true", help="queries and subscriptions only: no mutation")
    listing = token_commands.add_parser(
        "list", help="one line per token: id, seller, name, created, last used, expires, revoked (tab-separated)"
    )
    listing.add_argument("--seller")
    revoke = token_commands.add_parser("revoke", help="revoke a token at once, on every server process")
    revoke.add_argument("id")
    commands.add_parser("plugins", help="list the installed platform plugins")
    commands.add_parser("schema", help="print the GraphQL schema (SDL), as kept in schema.graphql")
    new_plugin = commands.add_parser("new-plugin", help="write a working platform plugin skeleton to start from")
    new_plugin.add_argument("name", help="the platform's name: lowercase letters, digits and hyphens (demo-platform)")
    new_plugin.add_argument("--directory", type=Path, help="the new folder to write (default: order-import-NAME)")
    emulator = commands.add_parser("emulator", help="serve one platform's demo emulator, to connect a store to")
    emulator.add_argument("platform", help="an installed platform with an emulator (see `order-import plugins`)")
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--port", type=int, default=0, help="default: any free port (printed)")
    emulator.add_argument("--seed", type=int, default=7, help="the same seed serves the same orders")
    return parser


async def _worker(settings: Settings) -> None:
    """Imports and periodic work, as every ``serve`` process runs them, until SIGTERM or SIGINT; then a graceful
    stop: on PostgreSQL its running imports go back to the queue for another worker to resume."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with open_runtime(settings) as runtime, running_worker(runtime):
        kind = "in this process (SQLite)" if settings.database_url.startswith("sqlite://") else "the task queue"
        log.info("worker started: imports and periodic work on %s", kind)
        await stop.wait()
    log.info("worker stopped")


async def _token_command(settings: Settings, args: argparse.Namespace) -> list[str]:
    """The lines a ``token`` command prints: the new token alone, or one line per token."""
    await open_database(settings.database_url)
    try:
        if args.token_command == "create":
            token = await accounts.create_seller_token(
                args.seller, name=args.name, expires_in_days=args.expires_in, read_only=args.read_only
            )
            return [token]
        if args.token_command == "list":
            return [_token_line(row) for row in await accounts.list_all_tokens(args.seller)]
        row = await accounts.revoke_token(args.id, actor=audit.CLI)
        await _announce_revocation(settings, row)
        return [_token_line(row)]
    finally:
        await close_database()


def _token_line(token: ApiToken) -> str:
    """id, seller, name, created, last used, expires, revoked: tab-separated, times ISO-8601 UTC or "-"."""
    times = (token.created_at, token.last_used_at, token.expires_at, token.revoked_at)
    return "\t".join([str(token.id), token.seller.name, token.name, *map(_utc, times)])


def _utc(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


async def _announce_revocation(settings: Settings, token: ApiToken) -> None:
    """Through the servers' broker, so each closes the token's websockets at once (else at its next re-check)."""
    broker = create_broker(settings.broadcast_url, settings.broadcast_channel_prefix)
    try:
        await broker.start()
        await accounts.announce_revocation(broker, token)
    except Exception as exc:  # the broker's own errors vary; the revocation itself is committed
        log.warning(
            "ORDER_IMPORT_BROADCAST_URL is unreachable (%s): servers notice the revocation at their next re-check",
            type(exc).__name__,
        )
    finally:
        with contextlib.suppress(Exception):
            await broker.close()


def _list_plugins() -> None:
    registry = PlatformRegistry(get_plugin_manager())
    for cls in registry:
        print(f"{cls.platform_id}\t{cls.display_name}\t{registry.provider(cls.platform_id)}")


def _new_plugin(name: str, directory: Path | None) -> None:
    folder = directory or Path(f"order-import-{name}")
    taken = frozenset(cls.platform_id for cls in PlatformRegistry(get_plugin_manager()))
    written = write_plugin(name, folder, taken=taken)
    print(f"Wrote the plugin {name} to {folder} ({len(written)} files). Next:")
    print(f"  pip install -e {folder}   # into this environment")
    print(f"  python -m pytest {folder}   # the conformance kit passes as generated")


def _emulator(platform: str, host: str, port: int, seed: int) -> None:
    found = {e.platform_id: e for e in PlatformRegistry(get_plugin_manager()).emulators()}
    if platform not in found:
        raise UnknownEmulator(
            f"no installed plugin has an emulator for {platform!r}; installed: {', '.join(sorted(found)) or 'none'}"
        )
    listener = bind(host, port)
    asyncio.run(_serve_emulator(found[platform], listener, seed))


async def _serve_emulator(emulator: DemoEmulator, listener: socket.socket, seed: int) -> None:
    """Serve the emulator's app on ``listener`` until SIGINT or SIGTERM; print what connecting a store takes."""
    runner = web.AppRunner(emulator.make_double(datetime.now(UTC), seed).app(), access_log=None)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await web.SockSite(runner, listener).start()
        url = listening_url(listener)
        credentials = json.dumps(dict(emulator.credentials))
        print(f"Platform: {emulator.platform_id}", flush=True)
        print(f"API base URL: {url}", flush=True)
        print(f"Credentials: {credentials}", flush=True)
        print(
            f'Connect: connectStore(platform: "{emulator.platform_id}", name: "{emulator.store_name}", '
            f'apiBaseUrl: "{url}", credentials: <the JSON above>) on a server run with '
            "ORDER_IMPORT_ALLOW_LOCAL_API=1 (the emulator's address is local). Ctrl-C stops it.",
            flush=True,
        )
        await stop.wait()
    finally:
        await runner.cleanup()


class UnknownEmulator(LookupError):
    """``order-import emulator`` was asked for a platform without an installed emulator."""


def _demo(host: str, port: int) -> None:
    env = dict(os.environ)
    # uvicorn stops on SIGTERM, then raises it again: exit through Python, so the folder below is removed.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with contextlib.ExitStack() as stack:
        if not env.get("ORDER_IMPORT_DATABASE_URL"):
            # A fresh database each run, so the demo always starts from the same story; removed on exit.
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="order-import-demo-")))
            env["ORDER_IMPORT_DATABASE_URL"] = f"sqlite://{folder / 'demo.sqlite3'}"
        settings = Settings.from_env(env)
        asyncio.run(run_demo(settings, host=host, listener=bind(host, port)))


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logs.setup(logging.INFO)  # every command, and so the server and the workers: no secret in any log record
    try:
        if args.command == "plugins":
            _list_plugins()
            return 0
        if args.command == "schema":
            print(build_schema().as_str())
            return 0
        if args.command == "demo":
            _demo(args.host, args.port)
            return 0
        if args.command == "new-plugin":
            _new_plugin(args.name, args.directory)
            return 0
        if args.command == "emulator":
            _emulator(args.platform, args.host, args.port, args.seed)
            return 0
        settings = Settings.from_env()
        if args.command == "serve":
            listener = bind(args.host, args.port)
            if not settings.public_url:
                settings = replace(settings, public_url=listening_url(listener))
                logging.getLogger(__name__).warning(
                    "ORDER_IMPORT_PUBLIC_URL is not set: webhook URLs are given under %s, the address this server "
                    "listens on; set it to the URL the platforms reach this server at",
                    settings.public_url,
                )
            # uvicorn's access log would show query strings: server.access_log writes one line per request instead.
            config = uvicorn.Config(
                create_app(settings),
                proxy_headers=True,
                server_header=False,
                access_log=False,
                ws_max_size=settings.max_body_bytes,
            )
            uvicorn.Server(config).run(sockets=[listener])
        elif args.command == "worker":
            asyncio.run(_worker(settings))
        elif args.command == "token":
            for line in asyncio.run(_token_command(settings, args)):
                print(line)
    except (SettingsError, PluginConflict, DomainError, PortUnavailable, ScaffoldError, UnknownEmulator) as exc:
        print(f"order-import: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

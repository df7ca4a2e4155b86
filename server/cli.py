"""The ``order-import`` command: serve, demo, token create, plugins."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from .app import create_app
from .db import close_database, open_database
from .demo import run_demo
from .errors import DomainError
from .listening import PortUnavailable, bind
from .platforms.manager import PlatformRegistry, PluginConflict, get_plugin_manager
from .schema import build_schema
from .services import accounts
from .settings import Settings, SettingsError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="order-import", description="Recover orders that platform webhooks missed.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    demo = commands.add_parser("demo", help="run the server with local platform emulators and demo data")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    token = commands.add_parser("token", help="manage API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a seller if needed and print a new API token")
    create.add_argument("--seller", required=True)
    commands.add_parser("plugins", help="list the installed platform plugins")
    commands.add_parser("schema", help="print the GraphQL schema (SDL), as kept in schema.graphql")
    return parser


async def _create_token(settings: Settings, seller_name: str) -> str:
    await open_database(settings.database_url)
    try:
        return await accounts.create_token(await accounts.get_or_create_seller(seller_name))
    finally:
        await close_database()


def _list_plugins() -> None:
    registry = PlatformRegistry(get_plugin_manager())
    for cls in registry:
        print(f"{cls.platform_id}\t{cls.display_name}\t{registry.provider(cls.platform_id)}")


def _demo(host: str, port: int) -> None:
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if not env.get("ORDER_IMPORT_DATABASE_URL"):
            # A fresh database each run, so the demo always starts from the same story; removed on exit.
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="order-import-demo-")))
            env["ORDER_IMPORT_DATABASE_URL"] = f"sqlite://{folder / 'demo.sqlite3'}"
        settings = Settings.from_env(env)
        asyncio.run(run_demo(settings, host=host, listener=bind(host, port)))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
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
        settings = Settings.from_env()
        if args.command == "serve":
            listener = bind(args.host, args.port)
            config = uvicorn.Config(create_app(settings), proxy_headers=True, server_header=False)
            uvicorn.Server(config).run(sockets=[listener])
        elif args.command == "token":
            print(asyncio.run(_create_token(settings, args.seller)))
    except (SettingsError, PluginConflict, DomainError, PortUnavailable) as exc:
        print(f"order-import: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

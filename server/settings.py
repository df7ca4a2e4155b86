"""Operator settings, read from ``ORDER_IMPORT_*`` environment variables."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .ratelimits import DEFAULT_RATE_LIMITS, parse_rate_limits

DEFAULT_SQLITE_FILE = "order-import.sqlite3"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite://{DEFAULT_SQLITE_FILE}"
    secret_key: str = ""
    allow_local_api: bool = False
    cors_origins: tuple[str, ...] = ()
    broadcast_url: str = "memory://"
    # ORDER_IMPORT_CHANNEL_PREFIX: names this deployment's channel in Redis pub/sub or PostgreSQL LISTEN/NOTIFY
    # (Redis pub/sub ignores the database number), so deployments sharing one never see each other's events.
    # Empty: derived from the database (``derived_channel_prefix``). See ``broadcast_channel_prefix``.
    channel_prefix: str = ""
    # How long importOrders waits for a job before answering with it still RUNNING.
    job_wait_seconds: float = 3.0
    # ORDER_IMPORT_JOB_LEASE_SECONDS: a RUNNING job whose heartbeat (or, on PostgreSQL, its worker's) is older
    # than this was abandoned by its process, and another process resumes it. Heartbeats come every quarter lease.
    job_lease_seconds: float = 60.0
    # Time-window imports ask the platform for this much extra on both ends.
    window_overlap_seconds: float = 300.0
    retry_attempts: int = 5
    retry_base_delay: float = 0.5
    http_timeout: float = 30.0
    load_entry_points: bool = True
    # GraphiQL at /graphql for browsers (ORDER_IMPORT_GRAPHIQL=1; the demo always): its page needs no token.
    graphiql: bool = False
    # Larger /graphql request bodies are answered 413 before being read whole.
    max_body_bytes: int = 1024 * 1024
    # How often each process re-checks the tokens of its open websockets (revoked or expired: closed 4403).
    token_recheck_seconds: float = 2.0
    # ORDER_IMPORT_RECHECK_SECONDS: a pending order read from its platform longer ago is read again before a
    # decision (0: always).
    recheck_seconds: int = 600
    # ORDER_IMPORT_RECOVERY_MIN_INTERVAL: the shortest intervalSeconds a seller may set for automatic recovery.
    recovery_min_interval: int = 300
    # ORDER_IMPORT_RECOVERY_TICK_SECONDS: how often each process looks for stores whose scheduled recovery run is
    # due (the runs themselves keep each store's own interval). On PostgreSQL whole seconds, at least 1.
    recovery_tick_seconds: float = 30.0
    # ORDER_IMPORT_RATE_LIMITS: kind=limit pairs over the defaults (see server/ratelimits.py).
    rate_limits: str = DEFAULT_RATE_LIMITS
    # The origin (and optional path prefix) platforms and browsers reach this server at, without a trailing
    # "/": webhook URLs are built from it, never from a request's Host header. ``serve`` fills it in.
    public_url: str = ""
    extra_plugins: tuple[object, ...] = field(default=(), compare=False)

    @property
    def broadcast_channel_prefix(self) -> str:
        """The channel prefix set, or else the one derived from the database: processes of one deployment agree."""
        return self.channel_prefix or derived_channel_prefix(self.database_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        database_url = env.get("ORDER_IMPORT_DATABASE_URL") or cls.database_url
        scheme = database_url.split("://", 1)[0]
        if scheme not in ("sqlite", "postgres", "postgresql", "asyncpg"):
            raise SettingsError(f"ORDER_IMPORT_DATABASE_URL must start with sqlite:// or postgres://, not {scheme}://")
        broadcast_url = env.get("ORDER_IMPORT_BROADCAST_URL") or cls.broadcast_url
        if broadcast_url.split("://", 1)[0] not in ("memory", "redis", "rediss", "postgres", "postgresql"):
            raise SettingsError("ORDER_IMPORT_BROADCAST_URL must be memory://, redis://HOST:PORT or a postgres:// URL")
        secret_key = env.get("ORDER_IMPORT_SECRET_KEY", "")
        if not secret_key:
            if scheme != "sqlite":
                raise SettingsError("ORDER_IMPORT_SECRET_KEY is required with PostgreSQL")
            secret_key = _local_secret_key(database_url)
        return cls(
            database_url=database_url,
            secret_key=secret_key,
            allow_local_api=env.get("ORDER_IMPORT_ALLOW_LOCAL_API", "") == "1",
            cors_origins=tuple(o.strip() for o in env.get("ORDER_IMPORT_CORS_ORIGINS", "").split(",") if o.strip()),
            broadcast_url=broadcast_url,
            channel_prefix=_channel_prefix(env.get("ORDER_IMPORT_CHANNEL_PREFIX", "")),
            max_body_bytes=_positive_int(env, "ORDER_IMPORT_MAX_BODY_BYTES", cls.max_body_bytes),
            rate_limits=_rate_limits(env.get("ORDER_IMPORT_RATE_LIMITS", "")),
            public_url=_public_url(env.get("ORDER_IMPORT_PUBLIC_URL", "")),
            graphiql=_graphiql(env.get("ORDER_IMPORT_GRAPHIQL", "")),
            recheck_seconds=_whole_seconds(env, "ORDER_IMPORT_RECHECK_SECONDS", cls.recheck_seconds),
            job_lease_seconds=_seconds(env, "ORDER_IMPORT_JOB_LEASE_SECONDS", cls.job_lease_seconds),
            recovery_min_interval=_whole_seconds(env, "ORDER_IMPORT_RECOVERY_MIN_INTERVAL", cls.recovery_min_interval),
            recovery_tick_seconds=_seconds(env, "ORDER_IMPORT_RECOVERY_TICK_SECONDS", cls.recovery_tick_seconds),
        )


CHANNEL_PREFIX = re.compile(r"[A-Za-z0-9_.-]{1,40}")


def _channel_prefix(value: str) -> str:
    value = value.strip()
    if value and not CHANNEL_PREFIX.fullmatch(value):
        raise SettingsError(
            f"ORDER_IMPORT_CHANNEL_PREFIX must be 1 to 40 letters, digits, '_', '.' or '-', not {value!r}"
        )
    return value


def derived_channel_prefix(database_url: str) -> str:
    """A short hash of the database URL without its credentials, query or fragment (a SQLite file by its full
    path): every process on one database gets the same, deployments on different databases different ones."""
    scheme, _, rest = database_url.partition("://")
    if scheme == "sqlite":
        path = rest.split("?", 1)[0]
        where = path if path in ("", ":memory:") else os.path.abspath(path)
        identity = f"sqlite://{where}"
    else:
        parts = urlsplit(database_url)
        identity = f"postgres://{parts.netloc.rpartition('@')[2].lower()}{parts.path}"
    return "oi-" + hashlib.sha256(identity.encode()).hexdigest()[:12]


def _graphiql(value: str) -> bool:
    """``1`` serves GraphiQL; unset, empty or ``0`` does not. Anything else is a mistake worth saying."""
    value = value.strip()
    if value not in ("", "0", "1"):
        raise SettingsError(f"ORDER_IMPORT_GRAPHIQL must be 1 (serve GraphiQL) or 0 (do not), not {value!r}")
    return value == "1"


def _rate_limits(value: str) -> str:
    value = value.strip() or DEFAULT_RATE_LIMITS
    try:
        parse_rate_limits(value)
    except ValueError as exc:
        raise SettingsError(f"ORDER_IMPORT_RATE_LIMITS {exc}") from None
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) == 0:
        raise SettingsError(f"{name} must be a whole number greater than 0, not {value!r}")
    return int(value)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise SettingsError(f"{name} must be a number of seconds greater than 0, not {value!r}")
    return seconds


def _whole_seconds(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise SettingsError(f"{name} must be a whole number of seconds (0 or more), not {value!r}")
    return int(value)


def _public_url(value: str) -> str:
    """``https://orders.example.com`` (a path prefix allowed), without its trailing ``/``; "" when unset."""
    value = value.strip()
    if not value:
        return ""
    problem = "ORDER_IMPORT_PUBLIC_URL must be an http:// or https:// origin, such as https://orders.example.com"
    try:
        parts = urlsplit(value)
        _ = parts.port  # a port that is not a number from 0 to 65535 raises ValueError
    except ValueError:
        raise SettingsError(problem) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise SettingsError(problem)
    if "?" in value or "#" in value or parts.username is not None or parts.password is not None:
        raise SettingsError("ORDER_IMPORT_PUBLIC_URL may not carry a query, a fragment or credentials")
    return value.rstrip("/")


def _local_secret_key(database_url: str) -> str:
    """Generate the credentials key once and keep it beside the SQLite file (demo and development only)."""
    path = database_url.removeprefix("sqlite://")
    if path in ("", ":memory:"):
        return secrets.token_urlsafe(32)
    key_file = Path(path).with_name(Path(path).name + ".key")
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(32)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key

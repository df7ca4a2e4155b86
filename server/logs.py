"""Logging for the whole process: no secret in any log record, and no record of unbounded size.

``install()`` (called by every ``order-import`` command, by ``create_app`` and by the tests) wraps the
log record factory, so every record any logger creates (ours, uvicorn's, strawberry's, Tortoise's,
aiohttp's) is cleaned once, before any handler sees it:

- ``Bearer …`` / ``Basic …`` credentials, ``oi_…`` API tokens, the values of ``Authorization``,
  ``Cookie`` and ``Set-Cookie`` headers, and values whose key names a token, secret, password, API key
  or signature (``"access_token": "…"``, ``?client_secret=…``) become ``[redacted]``;
- every value registered with ``register_secrets`` (the secret credentials of the stores this process
  connects to, and the tokens their connectors keep) becomes ``[redacted]``, and so does a part of one
  cut short (a message shortened to its first characters);
- a ``GraphQLError`` logged as the message shows its message only, never the query text around it;
  a websocket frame (uvicorn logs them at DEBUG) shows its kind and size only; uvicorn's access log
  (off in ``serve`` and ``demo``, see ``server.access_log``) shows paths without their query string;
- an exception is rendered as its type, its traceback (file, line and code, never local values) and a
  message cut to ``MAX_EXCEPTION_MESSAGE`` characters, then cleaned as above;
- the message is cut to ``MAX_MESSAGE`` characters, the rendered exception to ``MAX_EXCEPTION_TEXT``.

``RedactingFilter`` does the same as a ``logging.Filter``, for handlers fed by other means. ``redact``
cleans any text the same way; the services use it for messages they store or answer (an import job's
error, which may quote a platform's error body).
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "MAX_EXCEPTION_MESSAGE",
    "MAX_EXCEPTION_TEXT",
    "MAX_MESSAGE",
    "REDACTED",
    "RedactingFilter",
    "forget_secrets",
    "install",
    "names_a_secret",
    "redact",
    "register_secrets",
    "setup",
]

REDACTED = "[redacted]"
MAX_MESSAGE = 4096
MAX_EXCEPTION_MESSAGE = 300
MAX_EXCEPTION_TEXT = 16384
# Shorter values are not secrets worth the name, and replacing them would garble every line.
MIN_SECRET_LENGTH = 8
# A registered secret cut short is still hidden when at least this much of its beginning shows.
MIN_SECRET_PREFIX = 8

# "Bearer <token>" in any case; "Basic <base64>" when the value looks encoded (not "Basic settings").
_SCHEME = re.compile(
    r"\b([Bb]earer|BEARER)(\s+)[A-Za-z0-9._~+/=-]{8,}|\b(Basic)(\s+)(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{8,}=*"
)
_API_TOKEN = re.compile(r"(?<![A-Za-z0-9])oi_[A-Za-z0-9_-]+")
_HEADER = re.compile(
    r"(?i)\b((?:proxy-)?authorization|(?:set-)?cookie)(['\"]?\s*[:=]\s*)"
    r"(\"[^\"\r\n]*\"|'[^'\r\n]*'|[^\r\n,}\]]+)"
)
# ASGI headers as uvicorn traces them: (b'authorization', b'Bearer …'), (b'cookie', b'…')
_HEADER_PAIR = re.compile(
    r"(?i)(b?['\"](?:(?:proxy-)?authorization|(?:set-)?cookie|[\w-]*(?:token|secret|api-key))['\"],\s*b?)"
    r"(\"[^\"]*\"|'[^']*')"
)
# key = value, key: "value" … whose key names a secret; the key is read whole (possessive: linear time).
_KEY_VALUE = re.compile(r"(?<![\w-])([\w-]{1,64}+)(['\"]?\s*[:=]\s*)(\"[^\"\r\n]*\"|'[^'\r\n]*'|[^\s,;&'\"}\])]+)")
_SECRET_NAME = re.compile(r"(?i)(token|secret|password|passwd|api[_-]?key|signature|private[_-]?key)$")


def names_a_secret(key: str) -> bool:
    """Whether a key (``access_token``, ``client_secret``, ``api-key`` …) names a secret value."""
    return _SECRET_NAME.search(key) is not None


_secrets: set[str] = set()
_secrets_lock = threading.Lock()
# The registered secrets by their first MIN_SECRET_PREFIX characters: a text is read once, whatever their number.
_by_prefix: dict[str, tuple[str, ...]] = {}


def register_secrets(values: Iterable[object]) -> None:
    """Hide these values in every log record from now on (and in whatever ``redact`` cleans)."""
    global _by_prefix
    fresh = {v.strip() for v in values if isinstance(v, str)}
    fresh = {v for v in fresh if len(v) >= MIN_SECRET_LENGTH} - _secrets
    if not fresh:
        return
    with _secrets_lock:
        _secrets.update(fresh)
        index: dict[str, list[str]] = {}
        for secret in _secrets:
            index.setdefault(secret[:MIN_SECRET_PREFIX], []).append(secret)
        _by_prefix = {head: tuple(sorted(group, key=len, reverse=True)) for head, group in index.items()}


def forget_secrets() -> None:
    """Forget every registered secret (for tests)."""
    global _by_prefix
    with _secrets_lock:
        _secrets.clear()
        _by_prefix = {}


def redact(text: str) -> str:
    """``text`` without credentials, tokens or registered secrets."""
    if not text:
        return text
    text = _HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = _HEADER_PAIR.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = _SCHEME.sub(lambda m: f"{m.group(1) or m.group(3)}{m.group(2) or m.group(4)}{REDACTED}", text)
    text = _API_TOKEN.sub(REDACTED, text)
    text = _KEY_VALUE.sub(
        lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}" if names_a_secret(m.group(1)) else m.group(0), text
    )
    return _without_registered(text)


def _without_registered(text: str) -> str:
    """``text`` with every registered secret, or a beginning of one cut short, replaced."""
    index = _by_prefix
    if not index:
        return text
    parts: list[str] = []
    done = position = 0
    last = len(text) - MIN_SECRET_PREFIX
    while position <= last:
        candidates = index.get(text[position : position + MIN_SECRET_PREFIX])
        if candidates is None:
            position += 1
            continue
        end = max(_matched_until(secret, text, position) for secret in candidates)
        parts += [text[done:position], REDACTED]
        done = position = end
    parts.append(text[done:])
    return "".join(parts)


def _matched_until(secret: str, text: str, start: int) -> int:
    """Where the part of ``text`` from ``start`` that is a beginning of ``secret`` ends."""
    end = start + MIN_SECRET_PREFIX
    while end < len(text) and end - start < len(secret) and text[end] == secret[end - start]:
        end += 1
    return end


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters not logged]"


def _exception_message(exc: BaseException) -> str:
    message = getattr(exc, "message", None)  # a GraphQLError's str() prints the query text around it
    if not isinstance(message, str):
        try:
            message = str(exc)
        except Exception:  # noqa: BLE001 - a broken __str__ must not break logging
            message = "<message unavailable>"
    return _cut(message, MAX_EXCEPTION_MESSAGE)


def format_exception(exc: BaseException) -> str:
    """The exception chain: types, tracebacks and short messages; never local variables."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        if current.__cause__ is not None:
            current = current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            current = current.__context__
        else:
            current = None
    lines: list[str] = []
    for earlier, later in zip(reversed(chain), [*reversed(chain[:-1]), None]):
        if earlier.__traceback__ is not None:
            lines.append("Traceback (most recent call last):\n")
            lines.extend(traceback.format_tb(earlier.__traceback__))
        kind = type(earlier)
        name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        lines.append(f"{name}: {_exception_message(earlier)}\n")
        if later is not None:
            lines.append(
                "\nThe above exception was the direct cause of the following exception:\n\n"
                if later.__cause__ is earlier
                else "\nDuring handling of the above exception, another exception occurred:\n\n"
            )
    return "".join(lines).rstrip("\n")


def _shown(value: Any) -> Any:
    """What a log record may show of an argument.

    An exception with a ``message`` (a ``GraphQLError``: its str() prints the query text) shows that
    message; a websocket frame (uvicorn logs each one at DEBUG) its kind and size, never its content.
    """
    if isinstance(value, BaseException):
        message = getattr(value, "message", None)
        if isinstance(message, str):
            return message
    elif type(value).__module__.startswith("websockets") and hasattr(value, "opcode") and hasattr(value, "data"):
        kind = getattr(value.opcode, "name", value.opcode)
        return f"{kind} [{len(value.data)} bytes, content not logged]"
    return value


def clean_record(record: logging.LogRecord) -> None:
    """Make ``record`` safe to write anywhere (see the module's description). Idempotent.

    A record with nothing to hide keeps its message and arguments as they are (formatters may read the
    arguments); one with something to hide gets its message rendered, cleaned, and no arguments.
    """
    if getattr(record, "_redacted", False):
        return
    record._redacted = True
    try:
        record.msg = _shown(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {key: _shown(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_shown(value) for value in record.args)
            if record.name == "uvicorn.access" and len(record.args) == 5:
                # (client, method, path, http version, status), should anyone turn uvicorn's access log on:
                # the query string (GraphQL variables travel there on GET) is not shown.
                client, method, path, version, status = record.args
                if isinstance(path, str):
                    record.args = (client, method, path.split("?", 1)[0], version, status)
        try:
            rendered = record.getMessage()
        except Exception:  # noqa: BLE001 - arguments that do not fit the format: show both
            rendered = f"{record.msg} {record.args!r}"
        final = redact(_cut(rendered, MAX_MESSAGE))  # cut first: the patterns then read a bounded text
        if final != rendered:
            record.msg, record.args = final, ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(_cut(format_exception(record.exc_info[1]), MAX_EXCEPTION_TEXT))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(_cut(record.exc_text, MAX_EXCEPTION_TEXT))
        if record.stack_info:
            record.stack_info = redact(_cut(record.stack_info, MAX_EXCEPTION_TEXT))
    except Exception:  # noqa: BLE001 - never let cleaning break logging, and never let a raw record through
        record.msg, record.args = "[log record withheld: it could not be redacted]", ()
        record.exc_info = record.exc_text = record.stack_info = None


class RedactingFilter(logging.Filter):
    """Cleans each record it sees (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        clean_record(record)
        return True


_install_lock = threading.Lock()
_installed = False
FILTER = RedactingFilter()


def install() -> None:
    """Clean every log record of this process from now on. Safe to call more than once."""
    global _installed
    with _install_lock:
        if _installed:
            return
        create = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = create(*args, **kwargs)
            clean_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
    for handler in logging.getLogger().handlers:
        if FILTER not in handler.filters:
            handler.addFilter(FILTER)


def setup(level: int = logging.INFO) -> None:
    """The command line's logging: one line per record on stderr, cleaned (see ``install``)."""
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    install()

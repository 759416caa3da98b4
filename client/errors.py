"""Typed exceptions of the Pixxel client.

Every exception's ``str()`` says what failed and what the user can do about it. None of them ever holds
the API key, the request headers or the ``requests`` objects (which carry the headers): only the HTTP
method, the URL path, the status, and the sanitised error body the server sent.
"""

from __future__ import annotations

import re
from typing import Any, Optional

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MAX_SERVER_TEXT = 300


def clean_text(value: Any, limit: int = _MAX_SERVER_TEXT) -> str:
    """Server-supplied text made safe to show: control characters escaped, length bounded."""
    text = value if isinstance(value, str) else repr(value)
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if len(text) > limit:
        text = text[:limit] + "…"
    return text


class PixxelError(Exception):
    """Base class. ``what`` is what failed, ``hint`` is what the user can do."""

    default_hint = "Try again; if the problem persists, contact Pixxel support."

    def __init__(
        self,
        what: str,
        *,
        hint: Optional[str] = None,
        status: Optional[int] = None,
        code: Optional[str] = None,
        server_message: Optional[str] = None,
        details: Any = None,
        field: Optional[str] = None,
        method: Optional[str] = None,
        path: Optional[str] = None,
    ) -> None:
        self.what = what
        self.hint = self.default_hint if hint is None else hint
        self.status = status
        self.code = code
        self.server_message = server_message
        self.details = details
        self.field = field
        self.method = method
        self.path = path
        super().__init__(self._text())

    def _text(self) -> str:
        parts = [self.what.rstrip(".") + "."]
        if self.server_message:
            parts.append(f"The server said: {clean_text(self.server_message)}.")
        if self.hint:
            parts.append(self.hint)
        return " ".join(parts)

    def __str__(self) -> str:
        return self._text()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._text()!r})"

    def __reduce__(self):  # picklable across processes / QgsTask boundaries
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls, state):
    obj = cls.__new__(cls)
    obj.__dict__.update(state)
    Exception.__init__(obj, obj._text())
    return obj


class ConfigurationError(PixxelError, ValueError):
    """The client was set up wrongly (base URL, API key format)."""

    default_hint = "Check the Pixxel panel's Connection settings."


class AuthError(PixxelError):
    """401 / 403: the key is missing, wrong, revoked or lacks permission."""

    default_hint = "Check your API key in the Pixxel panel's Connection settings."


class NotFoundError(PixxelError):
    """404."""

    default_hint = "Check that the ID is right and that it belongs to one of your projects."


class RequestValidationError(PixxelError, ValueError):
    """400 / 422 from the server, or a value refused by the client before sending; ``field`` names it."""

    default_hint = "Correct the value and try again."


class ConflictError(PixxelError):
    """409: for AOIs, the name is already taken."""

    default_hint = "Choose another name."


class RateLimitError(PixxelError):
    """429 after the retry budget was used up."""

    default_hint = "Too many requests: wait a minute and try again."

    def __init__(self, what: str, *, retry_after: Optional[float] = None, **kw: Any) -> None:
        self.retry_after = retry_after
        super().__init__(what, **kw)


class ServerError(PixxelError):
    """5xx."""

    default_hint = "The Pixxel service had a problem; try again in a few minutes."


class PixxelTimeoutError(PixxelError):
    """The server did not answer within the timeout."""

    default_hint = (
        "The Pixxel service did not answer in time; check your network connection and try again "
        "(or raise the timeout in the Connection settings)."
    )


class PixxelConnectionError(PixxelError):
    """No connection could be made, or it was reset."""

    default_hint = "Check your internet connection, proxy settings and the base URL, then try again."


class ResponseFormatError(PixxelError):
    """The response was not the JSON the API documents; ``field`` names the offending field."""

    default_hint = (
        "The Pixxel service sent an unexpected response; try again later, and if it persists "
        "update the plugin or contact Pixxel support."
    )


class CancelledError(PixxelError):
    """The caller's ``cancelled()`` callback returned true."""

    default_hint = ""


__all__ = [
    "AuthError",
    "CancelledError",
    "ConfigurationError",
    "ConflictError",
    "NotFoundError",
    "PixxelConnectionError",
    "PixxelError",
    "PixxelTimeoutError",
    "RateLimitError",
    "RequestValidationError",
    "ResponseFormatError",
    "ServerError",
    "clean_text",
]

"""The user's text and the log's traceback for an unexpected exception (pure Python: no QGIS, Python 3.9+).

``core/tasks/tasks.py`` shows the first and logs the second; kept here so it is tested without QGIS, under
every Python the plugin supports (``traceback.format_exception(exc)`` with one argument is 3.10+).
"""

from __future__ import annotations

import traceback

LOG_HINT = "Details are in the Pixxel tab of the Log Messages panel."


def short_text(exc: BaseException) -> str:
    """One line for the message bar: the exception's own text (or its type when it has none)."""
    text = str(exc).strip() or type(exc).__name__
    return f"Unexpected error: {text}. {LOG_HINT}"


def traceback_text(exc: BaseException) -> str:
    """The full traceback of ``exc``, as ``traceback.print_exception`` would print it (3.9-compatible)."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def describe_unexpected(exc: BaseException) -> tuple[str, str]:
    """``(text for the user, traceback for the log)`` for an exception that is not a PixxelError."""
    return short_text(exc), traceback_text(exc)

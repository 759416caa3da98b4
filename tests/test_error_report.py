"""core.tasks.error_report: an unexpected exception inside a task reaches the user as its own short text, and its
traceback goes to the log; pure Python, so it also runs under Python 3.9 (QGIS 3.22-3.28 on Windows)."""

import pytest
from pixxel_qgis.core.tasks.error_report import describe_unexpected, short_text, traceback_text

pytestmark = pytest.mark.pure  # no QGIS: runs under every supported Python (make test-pure)


def parse_row(row):
    return row["band"]  # raises KeyError deep inside "task" code


def caught(fn, *args):
    try:
        fn(*args)
    except BaseException as exc:  # noqa: BLE001 - the task's run() catches everything the same way
        return exc
    raise AssertionError("expected an exception")


def test_unexpected_exception_gives_its_own_short_text_and_a_logged_traceback():
    exc = caught(parse_row, {"path": "x"})
    text, details = describe_unexpected(exc)
    assert text == ("Unexpected error: 'band'. Details are in the Pixxel tab of the Log Messages panel.")
    assert "Traceback" not in text and "\n" not in text
    assert details.startswith("Traceback (most recent call last):")
    assert "in parse_row" in details and 'return row["band"]' in details
    assert details.rstrip().endswith("KeyError: 'band'")


def test_exception_without_text_is_named_by_its_type():
    assert short_text(RuntimeError()).startswith("Unexpected error: RuntimeError.")
    assert short_text(ValueError("   ")).startswith("Unexpected error: ValueError.")


def test_chained_exception_traceback_shows_both():
    def outer():
        try:
            {}["k"]
        except KeyError as err:
            raise ValueError("bad page") from err

    details = traceback_text(caught(outer))
    assert "KeyError: 'k'" in details and "ValueError: bad page" in details
    assert "direct cause" in details


def test_exception_never_raised_has_no_frames_but_still_a_text():
    assert traceback_text(OSError("disk full")).strip() == "OSError: disk full"

"""pytest plugin for the unmutated baseline of `make mutation`: line coverage of the target module per test.

Loaded with `-p covplugin` (its folder on PYTHONPATH); MUTATION_COV_OUT names the JSON file written at the end:
{"lines": {nodeid: [line, ...]}, "import_lines": [...], "durations": {nodeid: seconds}, "failed": [...]}.
"""

import json
import os
import time

import coverage
import pytest

_cov = None
_target = None
_lines = {}
_durations = {}
_failed = []


def _take(context):
    """Move what coverage measured since the last call into `_lines[context]`."""
    data = _cov.get_data()
    measured = set()
    for fname in data.measured_files():
        if os.path.realpath(fname) == _target:
            measured |= set(data.lines(fname) or ())
    _cov.erase()
    if measured:
        _lines.setdefault(context, set()).update(measured)


def pytest_configure(config):
    global _cov, _target
    alias = os.path.abspath(os.environ["MUTATION_TARGET"])  # as imported: through the pixxel_qgis symlink
    _target = os.path.realpath(alias)
    _cov = coverage.Coverage(data_file=None, include=[alias, _target], config_file=False)
    _cov.start()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _cov.stop()
    _take("")  # import time, collection and fixtures of earlier tests
    _cov.start()
    started = time.monotonic()
    yield
    _durations[item.nodeid] = time.monotonic() - started
    _cov.stop()
    _take(item.nodeid)
    _cov.start()


def pytest_runtest_logreport(report):
    if report.failed and report.nodeid not in _failed:
        _failed.append(report.nodeid)


def pytest_unconfigure(config):
    _cov.stop()
    _take("")
    imports = sorted(_lines.pop("", set()))
    out = {
        "lines": {k: sorted(v) for k, v in _lines.items()},
        "import_lines": imports,
        "durations": _durations,
        "failed": _failed,
    }
    with open(os.environ["MUTATION_COV_OUT"], "w", encoding="utf-8") as fh:
        json.dump(out, fh)

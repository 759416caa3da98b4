"""GDAL's Python bindings used without exceptions, said explicitly.

GDAL 3.9+ (Debian 13's QGIS 3.40 and newer) warns with a FutureWarning on first use when nobody chose
between ``UseExceptions()`` and ``DontUseExceptions()`` (``gdal`` and ``ogr`` each have their own), and
GDAL 4 will raise by default. The plugin's GDAL calls check return values (``None`` when a dataset cannot
be opened), so they run in "no exceptions" mode, chosen through each module's ``ExceptionMgr`` (GDAL
3.7+), which restores the previous mode afterwards: the mode is process-wide and QGIS and other plugins
share it. GDAL < 3.7 has neither the warning nor the manager: there the mode is switched by hand only if
someone turned exceptions on, and switched back.
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager


@contextmanager
def _one(module):
    manager = getattr(module, "ExceptionMgr", None)
    if manager is not None:
        with manager(useExceptions=False):
            yield
        return
    was_on = bool(module.GetUseExceptions())
    if was_on:
        module.DontUseExceptions()
    try:
        yield
    finally:
        if was_on:
            module.UseExceptions()


@contextmanager
def without_exceptions(*modules):
    """``with without_exceptions(gdal, ogr): ds = gdal.OpenEx(...)``: errors are return values inside."""
    with ExitStack() as stack:
        for module in modules:
            stack.enter_context(_one(module))
        yield

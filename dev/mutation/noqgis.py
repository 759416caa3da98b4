"""pytest plugin for `make mutation` runs without pytest-qgis (`-p no:pytest_qgis -p noqgis`): tests that need
the QGIS application are deselected (the baseline run does the same, so they are simply not guards of that
module), instead of erroring and counting as kills."""

QGIS_FIXTURES = {"qgis_app", "qgis_iface", "qgis_canvas", "qgis_new_project", "qgis_parent", "clean_connection"}


def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    for item in items:
        (drop if QGIS_FIXTURES & set(getattr(item, "fixturenames", ())) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep

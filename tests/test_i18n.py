"""i18n: every user-facing string of ui/, plugin.py and processing_provider/ goes through tr(); the French
translation is complete and ships in the zip; QGIS's locale setting switches the panel to French."""

import ast
import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FR_TS = ROOT / "i18n" / "pixxel_qgis_fr.ts"
FR_QM = ROOT / "i18n" / "pixxel_qgis_fr.qm"
SOURCES = [ROOT / "plugin.py", *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "processing_provider").glob("*.py"))]

#: calls whose text argument the user reads (widgets, message bar, Processing parameters and feedback)
UI_CALLS = {
    "QPushButton", "QLabel", "QAction", "QgsProcessingException", "setText", "setToolTip", "setStatusTip",
    "setPlaceholderText", "setDialogTitle", "addRow", "addTab", "warn", "error", "message", "pushInfo",
    "pushWarning", "reportError", "setProgressText", "setHelp", "RasterOpenError", "label",
}


def _ts_messages(path=FR_TS):
    root = ET.parse(path).getroot()
    return {m.findtext("source"): m.find("translation") for m in root.iter("message")}


def _tr_literals():
    """(file, line, text) of every tr("...") / QT_TRANSLATE_NOOP(ctx, "...") literal in the sources."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                args = node.args
                if node.func.id == "QT_TRANSLATE_NOOP":
                    args = args[1:]
                elif node.func.id != "tr":
                    continue
                if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                    found.append((path.name, node.lineno, args[0].value))
    return found


def _placeholders(text):
    return sorted(re.findall(r"\{[^{}]*\}", text or ""))


def test_every_translatable_text_is_in_the_french_ts_and_translated():
    messages = _ts_messages()
    literals = _tr_literals()
    assert len(literals) > 150  # the scan really found the texts
    missing = [(f, line, text) for f, line, text in literals if text not in messages]
    assert not missing, f"run `make translations` and translate: {missing[:5]}"
    unfinished = [src for src, t in messages.items() if t is None or t.get("type") == "unfinished" or not t.text]
    assert not unfinished, unfinished[:5]


def test_french_keeps_every_placeholder():
    wrong = [src for src, t in _ts_messages().items() if _placeholders(src) != _placeholders(t.text)]
    assert not wrong, wrong


def test_no_user_facing_literal_bypasses_tr():
    """A string literal (or f-string) handed straight to a widget, a message or a Processing text is a bug."""
    bare = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in UI_CALLS:
                continue
            for arg in node.args:
                text = arg.value if isinstance(arg, ast.Constant) else None
                if isinstance(arg, ast.JoinedStr) or (isinstance(text, str) and re.search(r"[A-Za-z]{2}", text)):
                    bare.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}({ast.unparse(arg)[:60]})")
    assert not bare, "\n".join(bare)


def test_the_release_zip_carries_the_compiled_french_translation():
    assert FR_QM.is_file() and FR_QM.stat().st_size > 1000
    spec = importlib.util.spec_from_file_location("pixxel_package_script", ROOT / "scripts" / "package.py")
    package = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(package)
    files = [p.as_posix() for p in package.plugin_files(ROOT)]
    assert "i18n/pixxel_qgis_fr.qm" in files and "i18n.py" in files
    assert not any(f.endswith(".ts") for f in files)


# ------------------------------------------------------------------------------------------------ in QGIS


def test_the_compiled_qm_says_what_the_ts_says(qgis_app):
    from pixxel_qgis.i18n import tr
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    translator = QTranslator()
    assert translator.load(str(FR_QM))
    QCoreApplication.installTranslator(translator)
    try:
        stale = [src for src, t in _ts_messages().items() if tr(src) != t.text]
    finally:
        QCoreApplication.removeTranslator(translator)
    assert not stale, f"run `make translations`: {stale[:3]}"


@pytest.fixture
def qgis_locale(qgis_app):
    """Set QGIS's "override system locale" setting; restored afterwards."""
    from pixxel_qgis.core.settings import KEY_QGIS_LOCALE, KEY_QGIS_LOCALE_OVERRIDE
    from qgis.core import QgsSettings

    settings = QgsSettings()
    saved = {k: settings.value(k) for k in (KEY_QGIS_LOCALE, KEY_QGIS_LOCALE_OVERRIDE)}

    def set_locale(name):
        settings.setValue(KEY_QGIS_LOCALE_OVERRIDE, True)
        settings.setValue(KEY_QGIS_LOCALE, name)

    yield set_locale
    for key, value in saved.items():
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)


def test_qgis_locale_setting_switches_the_panel_to_french(qgis_locale, make_dock):
    from pixxel_qgis import plugin

    qgis_locale("fr_FR")
    assert plugin.qgis_language() == "fr"
    translator = plugin.install_translator()
    assert translator is not None
    try:
        dock = make_dock()
        tabs = [dock.tabs.tabText(i) for i in range(dock.tabs.count())]
        assert tabs == ["Connexion", "Zone", "Images", "Créer", "Zones", "Rasters"]
        assert dock.connection.save_button.text() == "Enregistrer"
        assert dock.connection.test_button.text() == "Tester la connexion"
        assert dock.images.search_button.text() == "Chercher des images"
        assert dock.flow.create_button.text() == "Créer la zone"
        assert dock.images.item_table.horizontalHeaderItem(0).text() == "Identifiant"
        assert dock.aoi_geometry.mode_combo.itemText(0) == "Fusionner en un seul polygone"
    finally:
        plugin.remove_translator(translator)
    assert make_dock().connection.save_button.text() == "Save"  # removed again: English


def test_english_and_unknown_locales_load_no_translation(qgis_locale):
    from pixxel_qgis import plugin

    qgis_locale("en_GB")
    assert plugin.qgis_language() == "en" and plugin.install_translator() is None
    qgis_locale("xx_YY")
    assert plugin.install_translator() is None


def test_the_plugin_installs_the_translation_at_start_and_removes_it_on_unload(qgis_locale, qgis_iface):
    from pixxel_qgis import plugin
    from pixxel_qgis.i18n import tr

    qgis_locale("fr")
    instance = plugin.PixxelPlugin(qgis_iface)
    try:
        assert tr("Connection") == "Connexion"
    finally:
        instance.unload()
    assert tr("Connection") == "Connection"

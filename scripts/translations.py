"""Update the translations: i18n/pixxel_qgis_<lang>.ts from the tr() strings, then the .qm files QGIS loads.

    .venv/bin/python scripts/translations.py      # what `make translations` runs

1. pylupdate5 (Debian's pyqt5-dev-tools) reads every tr("...") and QT_TRANSLATE_NOOP(...) in ui/, plugin.py and
   processing_provider/;
2. its contexts are merged into the one context the plugin's tr() uses (i18n.CONTEXT, "PixxelQgis": pylupdate5
   would file a module-level tr() under "@default"), and each existing .ts keeps the translations of the texts
   that are still there; new texts are marked unfinished, texts no longer in the code are dropped;
3. lrelease (qttools5-dev-tools) compiles each .ts into the .qm next to it.

To add a language: create an empty i18n/pixxel_qgis_<lang>.ts (copy the French one and clear the
translations), run `make translations`, translate the unfinished entries (Qt Linguist or a text editor), run
it again. The plugin loads the .qm that matches QGIS's locale at start (plugin.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "i18n"
CONTEXT = "PixxelQgis"  # i18n.CONTEXT (not imported: i18n.py imports QGIS)
DEFAULT_LANGUAGES = ("fr",)


def sources(root: Path = ROOT) -> list[Path]:
    """The files whose strings are translated: ui/, plugin.py and processing_provider/."""
    files = [root / "plugin.py"]
    for package in ("ui", "processing_provider"):
        files += sorted((root / package).rglob("*.py"))
    return [f for f in files if "__pycache__" not in f.parts]


def tool(name: str) -> str:
    """A Qt tool from Debian's packages (pylupdate5: pyqt5-dev-tools; lrelease: qttools5-dev-tools)."""
    for candidate in (shutil.which(name), f"/usr/lib/qt5/bin/{name}", f"/usr/lib/x86_64-linux-gnu/qt5/bin/{name}"):
        if candidate and Path(candidate).is_file():
            return candidate
    raise SystemExit(f"translations: {name} not found; run `make translations`, which installs "
                     "pyqt5-dev-tools and qttools5-dev-tools from Debian")


def extract(root: Path = ROOT) -> dict[str, list[str]]:
    """{source text: [file, ...]} of every translatable string, in the order pylupdate5 found them. Files
    only, no line numbers: the .ts then changes only when texts change (quieter diffs and merges)."""
    with tempfile.TemporaryDirectory() as tmp:
        ts = Path(tmp) / "all.ts"
        files = [str(f.relative_to(root)) for f in sources(root)]
        subprocess.run([tool("pylupdate5"), "-noobsolete", *files, "-ts", str(ts)], cwd=root, check=True,
                       capture_output=True)
        tree = ET.parse(ts)
    found: dict[str, list[tuple[str, str]]] = {}
    for message in tree.getroot().iter("message"):
        text = message.findtext("source") or ""
        places = found.setdefault(text, [])
        for loc in message.findall("location"):
            # pylupdate5 writes paths relative to the temporary .ts: make them relative to the clone's root,
            # so the .ts does not depend on where the clone is.
            name = Path(os.path.relpath(os.path.normpath(os.path.join(tmp, loc.get("filename", ""))), root)).as_posix()
            if name not in places:
                places.append(name)
    return found


def read_translations(ts: Path) -> tuple[str, dict[str, str]]:
    """(language attribute, {source: finished translation}) of an existing .ts."""
    if not ts.is_file() or not ts.read_text(encoding="utf-8").strip():
        return "", {}
    root = ET.parse(ts).getroot()
    done = {}
    for message in root.iter("message"):
        node = message.find("translation")
        if node is not None and node.get("type") not in ("unfinished", "obsolete", "vanished") and node.text:
            done[message.findtext("source") or ""] = node.text
    return root.get("language", ""), done


def write_ts(ts: Path, language: str, found: dict, done: dict) -> int:
    """Write the .ts (one context); returns how many texts are still unfinished."""
    root = ET.Element("TS", version="2.1", language=language)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    unfinished = 0
    for text, places in found.items():
        message = ET.SubElement(context, "message")
        for filename in places:
            ET.SubElement(message, "location", filename=f"../{filename}")
        ET.SubElement(message, "source").text = text
        node = ET.SubElement(message, "translation")
        if text in done:
            node.text = done[text]
        else:
            node.set("type", "unfinished")
            unfinished += 1
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    return unfinished


def release(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a translation is unfinished")
    args = parser.parse_args(argv)
    I18N.mkdir(exist_ok=True)
    for lang in DEFAULT_LANGUAGES:
        (I18N / f"pixxel_qgis_{lang}.ts").touch()
    found = extract()
    missing = 0
    for ts in sorted(I18N.glob("pixxel_qgis_*.ts")):
        language, done = read_translations(ts)
        lang = ts.stem.rsplit("_", 1)[-1]
        unfinished = write_ts(ts, language or lang, found, done)
        qm = release(ts)
        missing += unfinished
        print(f"{ts.relative_to(ROOT)}: {len(found)} texts, {unfinished} unfinished -> {qm.relative_to(ROOT)}")
    return 1 if args.check and missing else 0


if __name__ == "__main__":
    sys.exit(main())

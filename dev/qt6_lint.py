"""``make lint-qt6``: the plugin's code uses only Qt idioms valid in both PyQt5 (QGIS 3) and PyQt6 (QGIS 4).

Fails (exit 1, one line per finding: file:line: problem and fix) on
- an unscoped enum: ``Qt.AlignLeft`` (PyQt6 only has ``Qt.AlignmentFlag.AlignLeft``), ``Qgis.Warning``
  (``Qgis.MessageLevel.Warning``), ``QgsTask.CanCancel`` (``QgsTask.Flag.CanCancel``);
- a PyQt5-only name: a class imported from a ``qgis.PyQt`` module where PyQt6 does not have it (e.g.
  ``QRegExp``), an attribute PyQt6's class lacks (e.g. ``QVariant.Type``), ``exec_()``, or an import from
  ``PyQt5`` itself instead of ``qgis.PyQt``.

What exists in PyQt6 is read from PyQt6's own type stubs (``PyQt6/*.pyi``, from PyPI, installed into a
tool venv by the Makefile; never imported, so Qt6 itself is not needed). QGIS classes cannot be looked up
in PyQt6: for them the QGIS of this machine is introspected (an attribute whose value is a member of one
of the class's enums is unscoped). A line that must keep a Qt5-only form (behind a version check) says
so with ``# qt6-lint: ok <why>``.

Usage: .venv/bin/python dev/qt6_lint.py --pyqt6 /path/to/site-packages/PyQt6 [paths...]
"""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The plugin as QGIS loads it (the release zip's content); tests, dev tools and scripts run on Qt5 only.
SKIP_DIRS = {"tests", "dev", "bench", "scripts", "docs", "demo-output", "dist", "build", "__pycache__"}
QGIS_MODULES = ("qgis.core", "qgis.gui", "qgis.analysis", "qgis.processing", "qgis._3d")
# qgis.PyQt.QtWidgets keeps these under Qt6 (PyQt6 moved them to QtGui); QGIS's shim re-exports them.
QGIS_PYQT_SHIMS = {"QtWidgets": {"QAction", "QActionGroup", "QShortcut", "QUndoCommand", "QUndoStack",
                                 "QFileSystemModel"}}
OK_MARK = "qt6-lint: ok"


@dataclass
class StubClass:
    name: str
    bases: list = field(default_factory=list)
    members: set = field(default_factory=set)  # methods, attributes, nested classes and enums
    enums: dict = field(default_factory=dict)  # enum name -> its member names


class PyQt6Stubs:
    """Classes, their members, nested enums and bases, from PyQt6's .pyi files."""

    def __init__(self, folder: Path):
        self.modules: dict[str, dict[str, StubClass]] = {}
        for pyi in sorted(folder.glob("Qt*.pyi")):
            self.modules[pyi.stem] = self._parse(pyi)
        if "QtCore" not in self.modules:
            raise SystemExit(f"qt6_lint: no PyQt6 stubs in {folder} (QtCore.pyi missing)")
        self.by_name = {}
        for mod, classes in self.modules.items():
            for name, cls in classes.items():
                self.by_name.setdefault(name, (mod, cls))

    @staticmethod
    def _parse(pyi: Path) -> dict:
        text = pyi.read_text(encoding="utf-8")
        try:
            tree = ast.parse(text)
        except SyntaxError:  # a few stubs put "/" after *args; drop those markers, they do not matter here
            tree = ast.parse(re.sub(r",\s*/\s*(?=[,)])", "", text))
        classes = {}
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                classes[node.name] = PyQt6Stubs._class(node)
            elif isinstance(node, ast.FunctionDef):  # module functions: qVersion, pyqtSlot, ...
                classes.setdefault(node.name, StubClass(node.name))
            elif isinstance(node, ast.Assign):  # module constants: QT_VERSION_STR, PYQT_VERSION, ...
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        classes.setdefault(target.id, StubClass(target.id))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                classes.setdefault(node.target.id, StubClass(node.target.id))
        return classes

    @staticmethod
    def _class(node: ast.ClassDef) -> StubClass:
        cls = StubClass(node.name, bases=[ast.unparse(b).split(".")[-1] for b in node.bases])
        for item in node.body:
            if isinstance(item, ast.ClassDef):
                cls.members.add(item.name)
                base = " ".join(ast.unparse(b) for b in item.bases)
                if "enum" in base.lower() or "Flag" in base:
                    cls.enums[item.name] = {t.id for a in item.body if isinstance(a, ast.Assign)
                                            for t in a.targets if isinstance(t, ast.Name)}
            elif isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                cls.members.add(item.name)
            elif isinstance(item, ast.Assign):
                cls.members.update(t.id for t in item.targets if isinstance(t, ast.Name))
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                cls.members.add(item.target.id)
        return cls

    def lineage(self, cls: StubClass):
        seen, todo = set(), [cls]
        while todo:
            current = todo.pop(0)
            if current.name in seen:
                continue
            seen.add(current.name)
            yield current
            for base in current.bases:
                found = self.by_name.get(base)
                if found:
                    todo.append(found[1])

    def lookup(self, module: str, cls_name: str, attr: str):
        """'ok', ('unscoped', 'Enum') or ('missing', None) for Class.attr in PyQt6."""
        cls = self.modules.get(module, {}).get(cls_name) or (self.by_name.get(cls_name) or (None, None))[1]
        if cls is None:
            return "ok"  # not a PyQt6 class (reported at the import when it should be one)
        chain = list(self.lineage(cls))
        if any(attr in c.members for c in chain):
            return "ok"
        for c in chain:
            for enum_name, members in c.enums.items():
                if attr in members:
                    return ("unscoped", f"{c.name}.{enum_name}" if c.name != cls_name else f"{cls_name}.{enum_name}")
        if any(c.name in ("simplewrapper", "wrapper") for c in chain) or not chain:
            return ("missing", None)
        return ("missing", None)


def qgis_enum_scope(module: str, cls_name: str, attr: str):
    """For a QGIS class attribute that is an enum member reached without its enum: the enum's name."""
    try:
        cls = getattr(importlib.import_module(module), cls_name)
        value = getattr(cls, attr)
    except Exception:  # noqa: BLE001 - QGIS missing or no such attribute: nothing to say
        return None
    if isinstance(value, type):
        return None
    kind = type(value)
    if type(kind).__name__ != "enumtype" and not hasattr(kind, "__members__"):
        return None
    for name in dir(cls):
        if name != attr and getattr(cls, name, None) is kind:
            return f"{cls_name}.{name}"
    qualname = getattr(kind, "__qualname__", "")
    return qualname if "." in qualname else None


class Checker(ast.NodeVisitor):
    def __init__(self, path: Path, source: str, stubs: PyQt6Stubs):
        self.path, self.stubs = path, stubs
        self.lines = source.splitlines()
        self.qt_names: dict[str, tuple[str, str]] = {}  # local name -> (Qt module, class)
        self.qt_modules: dict[str, str] = {}  # local name -> Qt module
        self.qgis_names: dict[str, tuple[str, str]] = {}
        self.findings: list[str] = []

    def report(self, node, text: str) -> None:
        line = self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""
        if OK_MARK not in line:
            rel = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
            self.findings.append(f"{rel}:{node.lineno}: {text}")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level == 0 and (module == "PyQt5" or module.startswith("PyQt5.")):
            self.report(node, f"imports from {module}: import from qgis.PyQt instead (QGIS maps it to PyQt6)")
        qt_module = None
        if module.startswith("qgis.PyQt.") or module.startswith("PyQt5."):
            qt_module = module.split(".")[-1]
        if module in ("qgis.PyQt", "PyQt5"):
            for alias in node.names:
                self.qt_modules[alias.asname or alias.name] = alias.name
        if qt_module:
            known = self.stubs.modules.get(qt_module)
            for alias in node.names:
                local = alias.asname or alias.name
                self.qt_names[local] = (qt_module, alias.name)
                if known is None:
                    self.report(node, f"PyQt6 has no module {qt_module}")
                elif alias.name not in known and alias.name not in QGIS_PYQT_SHIMS.get(qt_module, ()):
                    other = self.stubs.by_name.get(alias.name)
                    where = f" (PyQt6 has it in {other[0]})" if other else " (not in PyQt6 at all)"
                    self.report(node, f"{alias.name} is not in PyQt6.{qt_module}{where}")
        if module in QGIS_MODULES:
            for alias in node.names:
                self.qgis_names[alias.asname or alias.name] = (module, alias.name)
        self.generic_visit(node)

    def _resolve(self, node):
        """(kind, module, class name) for a Name or module.Class attribute that is a Qt or QGIS class."""
        if isinstance(node, ast.Name):
            if node.id in self.qt_names:
                return ("qt",) + self.qt_names[node.id]
            if node.id in self.qgis_names:
                return ("qgis",) + self.qgis_names[node.id]
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in self.qt_modules:
            return ("qt", self.qt_modules[node.value.id], node.attr)
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr == "exec_":
            self.report(node, "exec_() is PyQt5-only: call exec()")
        target = self._resolve(node.value)
        if target:
            kind, module, cls_name = target
            if kind == "qt":
                verdict = self.stubs.lookup(module, cls_name, node.attr)
                if verdict != "ok":
                    what, scope = verdict
                    if what == "unscoped":
                        self.report(node, f"unscoped enum {cls_name}.{node.attr}: write {scope}.{node.attr}")
                    else:
                        self.report(node, f"{cls_name}.{node.attr} does not exist in PyQt6")
            else:
                scope = qgis_enum_scope(module, cls_name, node.attr)
                if scope:
                    self.report(node, f"unscoped enum {cls_name}.{node.attr}: write {scope}.{node.attr}")
        self.generic_visit(node)


def plugin_files(paths):
    for base in paths:
        base = Path(base)
        if base.is_file():
            yield base
            continue
        for path in sorted(base.rglob("*.py")):
            rel = path.relative_to(base)
            if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
                continue
            yield path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pyqt6", required=True, help="the PyQt6 package folder (holding QtCore.pyi)")
    parser.add_argument("paths", nargs="*", default=[str(ROOT)])
    args = parser.parse_args(argv)
    stubs = PyQt6Stubs(Path(args.pyqt6))
    findings, count = [], 0
    for path in plugin_files(args.paths):
        source = path.read_text(encoding="utf-8")
        checker = Checker(path.resolve(), source, stubs)
        checker.visit(ast.parse(source, filename=str(path)))
        findings.extend(checker.findings)
        count += 1
    for line in findings:
        print(line)
    if findings:
        print(f"qt6-lint: {len(findings)} problem(s) in {count} files: Qt5-only idioms break the plugin on "
              "QGIS 4 (Qt6). Fix them as suggested, or mark a version-guarded line with '# qt6-lint: ok <why>'.")
        return 1
    print(f"qt6-lint: {count} files, only idioms valid in PyQt5 and PyQt6.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make mutation`: mutation testing of the reliability- and key-critical modules; writes tests/mutation-report.md.

The mutants come from cosmic-ray's mutation engine (its operators and `mutate_code`, PyPI `cosmic-ray`);
this small runner only schedules them, because cosmic-ray's own runner mutates files in place in the
clone, and the tests import the plugin as `pixxel_qgis` through the venv's symlink (see `make venv`). Here:
- the clone is copied to a scratch folder per worker, whose `pkgroot/pixxel_qgis` comes first on
  PYTHONPATH; a mutant is written into the worker's copy, its tests run in a fresh pytest process, and the
  file is restored (no .pyc is ever written, so a stale one cannot hide a mutant);
- one unmutated run per module records which tests execute which line (coverage per test, covplugin.py)
  and how long each takes; a mutant runs only the tests that execute its line (all of the module's tests
  for lines run at import), fastest first, stopping at the first failure, each test under a timeout of
  several times its unmutated duration;
- a mutant is killed when a test fails, errors or times out; it survives when they all pass, or when no
  guarding test executes its line ("not covered").

Survivors are listed in the report; those judged equivalent (no behaviour a test could observe changes)
carry the reason from `equivalent.py`. Run: `make mutation` (all modules) or
`.venv/bin/python dev/mutation/run.py --module client/pagination.py --jobs 2`.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from equivalent import EQUIVALENT, UNOBSERVED  # noqa: E402
from targets import OPERATORS, TARGETS  # noqa: E402

COPY_IGNORE = shutil.ignore_patterns(".venv", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", "dist",
                                     "demo-output", "*.pyc", ".mutation")
MUTANT_EXCEPTION = 'type("MutantOnlyException", (Exception,), {})'
CRASH_ATTEMPTS = 3  # runs of a mutant (or of the unmutated baseline) whose test process dies from a signal


@dataclass
class Mutant:
    module: str
    operator: str
    occurrence: int
    line: int
    before: str
    after: str
    source: str = field(repr=False, default="")
    outcome: str = ""  # killed | survived | not covered | timeout
    stmt: int = 0  # first line of the innermost statement holding the mutant (the line coverage reports)
    tests_run: int = 0
    killed_by: str = ""
    seconds: float = 0.0
    crashes: List[int] = field(default_factory=list)  # signals of test processes that died, then were rerun

    @property
    def key(self) -> str:
        return f"{self.module}|{self.operator}|{self.before.strip()}|{self.after.strip()}"


def generate(module: str) -> List[Mutant]:
    """Every mutant of `module` for the configured operators (cosmic-ray's engine)."""
    import cosmic_ray.plugins
    from cosmic_ray.ast import ast_nodes, get_ast
    from cosmic_ray.mutating import mutate_code

    path = ROOT / module
    original = path.read_text(encoding="utf-8")
    orig_lines = original.splitlines()
    tree = get_ast(original)
    stmt_of = _statement_lines(original)
    mutants = []
    skipped = set(TARGETS[module].get("skip_operators", ()))
    for name in OPERATORS:
        if name in skipped:
            continue
        operator = cosmic_ray.plugins.get_operator(name)()
        count = sum(1 for node in ast_nodes(tree) for _ in operator.mutation_positions(node))
        for occurrence in range(count):
            try:
                code = mutate_code(original, operator, occurrence)
            except AttributeError:  # cosmic-ray's ExceptionReplacer cannot rename a dotted name (a.b.Error)
                code = _replace_dotted_exception(original, operator, occurrence)
            if code is None or code == original:
                continue
            code = code.replace("CosmicRayTestingException", MUTANT_EXCEPTION)
            new_lines = code.splitlines()
            line, before, after = 0, "", ""
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, orig_lines, new_lines,
                                                               autojunk=False).get_opcodes():
                if tag != "equal":
                    line = i1 + 1
                    # difflib may start the change at a blank or comment line next to it
                    while line < i2 and orig_lines[line - 1].strip() in ("",) + tuple(
                            x for x in [orig_lines[line - 1].strip()] if x.startswith("#")):
                        line += 1
                    skip = line - 1 - i1
                    before = "\n".join(orig_lines[i1 + skip:i2])
                    after = "\n".join(new_lines[j1 + min(skip, j2 - j1):j2])
                    break
            if "pragma: no mutate" in before:
                continue
            mutants.append(Mutant(module, name.split("/", 1)[1], occurrence, line, before, after, code,
                                  stmt=stmt_of.get(line, line)))
    return mutants


def _ordinal_key(taken: Dict[str, dict], key: str) -> str:
    """`key#n` for the first n not yet in `taken`: identical mutants (same line text) told apart by rank."""
    n = 0
    while f"{key}#{n}" in taken:
        n += 1
    return f"{key}#{n}"


def _statement_lines(source: str) -> Dict[int, int]:
    """line -> first line of the innermost statement spanning it (a signature or a continuation line maps to
    the line coverage reports for it)."""
    import ast

    out: Dict[int, int] = {}
    spans = sorted(((n.lineno, n.end_lineno or n.lineno) for n in ast.walk(ast.parse(source))
                    if isinstance(n, ast.stmt)), key=lambda s: s[1] - s[0], reverse=True)
    for start, end in spans:  # widest first: inner statements overwrite
        for line in range(start, end + 1):
            out[line] = start
    for node in ast.walk(ast.parse(source)):  # decorators: coverage reports the def/class line
        for dec in getattr(node, "decorator_list", ()):
            for line in range(dec.lineno, (dec.end_lineno or dec.lineno) + 1):
                out[line] = node.lineno
    return out


def _replace_dotted_exception(original: str, operator, occurrence: int) -> Optional[str]:
    """ExceptionReplacer for `except a.b.Error:` (cosmic-ray handles only plain names): same mutant."""
    from cosmic_ray.ast import ast_nodes, get_ast

    tree = get_ast(original)
    positions = [pos for node in ast_nodes(tree) for pos in operator.mutation_positions(node)]
    (row, col), (erow, ecol) = positions[occurrence]
    lines = original.splitlines(keepends=True)
    if row != erow:
        return None
    line = lines[row - 1]
    lines[row - 1] = line[:col] + "CosmicRayTestingException" + line[ecol:]
    return "".join(lines)


class Worker:
    """A scratch copy of the clone; tests import it as pixxel_qgis."""

    def __init__(self, base: Path, index: int) -> None:
        self.pkgroot = base / f"w{index}" / "pkgroot"
        self.tree = self.pkgroot / "pixxel_qgis"
        shutil.copytree(ROOT, self.tree, ignore=COPY_IGNORE, symlinks=True)

    def env(self, **extra: str) -> Dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(self.pkgroot), str(HERE)])
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["QT_QPA_PLATFORM"] = "offscreen"
        env.update(extra)
        return env

    @staticmethod
    def pytest_args(qgis: bool) -> List[str]:
        args = ["-q", "-p", "no:cacheprovider", "-o", "addopts=--import-mode=importlib", "--no-header", "-rN"]
        return args if qgis else args + ["-p", "no:pytest_qgis", "-p", "noqgis"]

    def pytest(self, args: List[str], qgis: bool, timeout: float, **env: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "pytest", *self.pytest_args(qgis)]
        return subprocess.run(cmd + args, cwd=self.tree, env=self.env(**env), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=timeout)

    _server: Optional[subprocess.Popen] = None
    _server_qgis: Optional[bool] = None

    def forked(self, args: List[str], qgis: bool, timeout: float) -> Tuple[int, str, bool]:
        """pytest in a child forked from a warm process (forkserver.py): (exit code, output, timed out)."""
        if self._server is None or self._server_qgis != qgis:
            self.close()
            self._server = subprocess.Popen([sys.executable, str(HERE / "forkserver.py")], cwd=self.tree,
                                            env=self.env(MUTATION_QGIS="1" if qgis else "0"), text=True,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            self._server_qgis = qgis
            assert json.loads(self._server.stdout.readline())["ready"]
        out = self.tree.parent / "out.txt"
        req = {"args": self.pytest_args(qgis) + args, "timeout": timeout, "out": str(out)}
        try:
            self._server.stdin.write(json.dumps(req) + "\n")
            self._server.stdin.flush()
            answer = json.loads(self._server.stdout.readline())
        except (OSError, ValueError):  # the fork server itself died: report it as a crash, start a new one
            self.close()
            return -signal.SIGKILL, "the fork server died", False
        text = out.read_text(errors="replace") if out.exists() else ""
        return answer["rc"], text, answer["timeout"]

    def close(self) -> None:
        if self._server is not None:
            try:
                self._server.stdin.close()
                self._server.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self._server.kill()
                self._server.wait()
            self._server = None


def baseline(worker: Worker, module: str, tests: List[str], qgis: bool) -> dict:
    out = worker.tree.parent / "baseline.json"
    for attempt in range(1, CRASH_ATTEMPTS + 1):
        proc = worker.pytest(["-p", "covplugin", *tests], qgis, timeout=1800,
                             MUTATION_TARGET=str(worker.tree / module), MUTATION_COV_OUT=str(out))
        if proc.returncode >= 0:
            break
        # the test process died from a signal (QGIS crashed on a loaded machine, the OOM killer): not the
        # tests' verdict; run again
        print(f"{module}: the unmutated test run died from signal {-proc.returncode} "
              f"(attempt {attempt} of {CRASH_ATTEMPTS})", flush=True)
    if proc.returncode != 0 or not out.exists():
        sys.exit(f"The unmutated tests of {module} do not pass; fix them first:\n{proc.stdout[-4000:]}")
    return json.loads(out.read_text())


def run_mutant(worker: Worker, m: Mutant, cov: dict, tests: List[str], qgis: bool) -> Mutant:
    line = m.stmt or m.line
    by_line = [t for t, lines in cov["lines"].items() if line in set(lines)]
    at_import = line in set(cov["import_lines"])
    selected = sorted(set(by_line) | (set(cov["durations"]) if at_import else set()),
                      key=lambda t: cov["durations"].get(t, 0.0))
    if not selected:
        m.outcome = "not covered"
        return m
    slowest = max(cov["durations"].get(t, 1.0) for t in selected)
    total = sum(cov["durations"].get(t, 1.0) for t in selected)
    target = worker.tree / m.module
    original = target.read_text(encoding="utf-8")
    argfile = worker.tree.parent / "tests.txt"
    argfile.write_text("\n".join(selected) + "\n")
    started = time.monotonic()
    try:
        target.write_text(m.source, encoding="utf-8")
        for _attempt in range(1, CRASH_ATTEMPTS + 1):
            rc, output, timed_out = worker.forked(
                ["-x", f"--timeout={max(10.0, 5 * slowest):.0f}", f"@{argfile}"], qgis, timeout=60 + 5 * total)
            if timed_out or rc >= 0:
                break
            # The test process died from a signal (a crash of QGIS or Python, the OOM killer) before pytest
            # could give a verdict. On a loaded machine that happens to unmutated code too, so it is not
            # counted as a kill: the mutant is run again. A mutant that crashes every time is "crashed": no
            # test failed, so it is not counted as killed (it is listed with the survivors, with a reason).
            m.crashes.append(-rc)
        m.tests_run = len(selected)
        if timed_out:
            m.outcome = "timeout"
        elif rc == 0:
            m.outcome = "survived"
        elif rc < 0:
            m.outcome = "crashed"
            m.killed_by = f"crash: the test process died from signal {-rc} in {CRASH_ATTEMPTS} runs"
        else:
            m.outcome = "timeout" if "Timeout" in output else "killed"
            for line in output.splitlines():
                if line.startswith(("FAILED ", "ERROR ")):
                    m.killed_by = line.split(" ")[1]
                    break
    finally:
        target.write_text(original, encoding="utf-8")
    m.seconds = time.monotonic() - started
    return m


def report(results: Dict[str, List[Mutant]], path: Path, elapsed: float) -> bool:
    lines = [
        "# Mutation report",
        "",
        "Written by `make mutation` (dev/mutation/run.py: cosmic-ray's mutation engine, operators and guarding "
        "tests in dev/mutation/targets.py). A mutant is killed when one of the tests that execute the "
        "mutated line fails, errors or times out. Target: at least 90 % killed per module, and every "
        "survivor explained as equivalent (dev/mutation/equivalent.py) or killed by a new test. Survivors marked 'NOT "
        "KILLED' are not equivalent: no test could observe them yet (the reason is given); they count against the "
        "target.",
        "",
        "| module | mutants | killed | survived | equivalent | not killed (reason given) | unexplained | kill rate "
        "| >= 90 % killed | target met (and every survivor equivalent) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    ok_all = True
    for module, ms in results.items():
        killed = sum(1 for m in ms if m.outcome in ("killed", "timeout"))
        surv = [m for m in ms if m.outcome not in ("killed", "timeout")]
        explained = [m for m in surv if m.key in EQUIVALENT]
        unobserved = [m for m in surv if m.key not in EQUIVALENT and m.key in UNOBSERVED]
        unexplained = len(surv) - len(explained) - len(unobserved)
        rate = 100.0 * killed / len(ms) if ms else 100.0
        ok = rate >= 90.0 and len(explained) == len(surv)
        ok_all &= ok
        lines.append(f"| `{module}` | {len(ms)} | {killed} | {len(surv)} | {len(explained)} | {len(unobserved)} | "
                     f"{unexplained} | {rate:.1f} % | {'yes' if rate >= 90.0 else 'NO'} | {'yes' if ok else 'NO'} |")
    for module in results:
        skipped = TARGETS[module].get("skip_operators")
        if skipped:
            lines.append(f"\n`{module}`: operators not applied: {', '.join(skipped)} (see dev/mutation/targets.py).")
    crashed = [m for ms in results.values() for m in ms if m.crashes]
    if crashed:
        lines += ["", f"Test processes that died from a signal (rerun, up to {CRASH_ATTEMPTS} runs per mutant; a "
                  "mutant whose every run died is 'crashed': not counted as killed, listed with the survivors):",
                  ""]
        lines += [f"- `{m.module}` line {m.line}, {m.operator}: signal(s) {', '.join(map(str, m.crashes))}, "
                  f"then {m.outcome}" + (f" ({m.killed_by})" if m.killed_by.startswith("crash") else "")
                  for m in crashed]
    else:
        lines += ["", "No test process died from a signal in these runs."]
    total = sum(len(ms) for ms in results.values())
    if elapsed >= 0:
        lines += ["", f"{total} mutants; this run took {elapsed / 60:.0f} min.", ""]
    else:
        lines += ["", f"{total} mutants (merged from several runs; see README for the time a full run takes).", ""]
    for module, ms in results.items():
        surv = [m for m in ms if m.outcome not in ("killed", "timeout")]
        lines += [f"## Survivors in `{module}` ({len(surv)})", ""]
        if not surv:
            lines += ["None.", ""]
            continue
        for m in sorted(surv, key=lambda m: m.line):
            reason = EQUIVALENT.get(m.key) or (f"NOT KILLED: {UNOBSERVED[m.key]}" if m.key in UNOBSERVED
                                               else "NOT EXPLAINED: needs a test")
            lines.append(f"- line {m.line}, {m.operator} ({m.outcome}): `{m.before.strip()}` -> "
                         f"`{m.after.strip()}`  \n  {reason}")
        lines.append("")
    named = HERE / "named_mutations.md"
    if named.exists():
        lines += [named.read_text(encoding="utf-8")]
    path.write_text("\n".join(lines), encoding="utf-8")
    return ok_all


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--module", action="append", help="only this module (repeatable); default: all targets")
    p.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATION_JOBS", "2")))
    p.add_argument("--report", default=str(ROOT / "tests" / "mutation-report.md"))
    p.add_argument("--results", default=str(ROOT / ".mutation" / "results.json"),
                   help="every mutant's outcome (JSON), for --only-survivors")
    p.add_argument("--only-survivors", action="store_true",
                   help="rerun only the previous run's survivors (the others keep their outcome)")
    p.add_argument("--limit", type=int, default=0, help="at most this many mutants per module (smoke test)")
    p.add_argument("--merge", nargs="+", metavar="JSON",
                   help="run nothing: write the report (and --results) from these result files")
    args = p.parse_args(argv)
    if args.merge:
        rows = [row for f in args.merge for row in json.loads(Path(f).read_text())]
        merged: Dict[str, List[Mutant]] = {}
        for row in rows:
            merged.setdefault(row["module"], []).append(Mutant(**{k: row[k] for k in (
                "module", "operator", "occurrence", "line", "before", "after", "outcome", "tests_run",
                "killed_by", "seconds", "crashes") if k in row}))
        Path(args.results).parent.mkdir(parents=True, exist_ok=True)
        Path(args.results).write_text(json.dumps(rows, indent=1))
        ok = report({k: merged[k] for k in TARGETS if k in merged}, Path(args.report), -1.0)
        print(f"report: {args.report} ({'target met' if ok else 'target NOT met'})")
        return 0 if ok else 1

    modules = args.module or list(TARGETS)
    for module in modules:
        missing = [t for t in TARGETS[module]["tests"] if not (ROOT / t).exists()]
        if module not in TARGETS or missing:
            sys.exit(f"{module}: unknown module or missing test files {missing}: edit dev/mutation/targets.py")
    results_path = Path(args.results)
    previous: Dict[str, dict] = {}
    if results_path.exists():
        for row in json.loads(results_path.read_text()):
            previous[_ordinal_key(previous, row["key"])] = row

    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="pixxel-mutation-"))
    workers = [Worker(base, i) for i in range(max(1, args.jobs))]
    results: Dict[str, List[Mutant]] = {}
    try:
        for module in modules:
            spec = TARGETS[module]
            mutants = generate(module)
            if args.limit:
                mutants = mutants[: args.limit]
            print(f"{module}: {len(mutants)} mutants; recording per-test coverage...", flush=True)
            cov = baseline(workers[0], module, spec["tests"], spec["qgis"])
            todo = []
            seen_keys: Dict[str, dict] = {}
            for m in mutants:
                # matched by its text and rank among identical mutants, not by its position in the file: an
                # edit elsewhere in the module keeps the earlier outcomes of the mutants it did not touch
                prev = previous.get(_ordinal_key(seen_keys, m.key))
                seen_keys[_ordinal_key(seen_keys, m.key)] = {}
                if args.only_survivors and prev and prev["outcome"] in ("killed", "timeout"):
                    m.outcome, m.killed_by = prev["outcome"], prev.get("killed_by", "")
                    m.crashes = list(prev.get("crashes", []))
                else:
                    todo.append(m)
            free = list(workers)
            done = 0
            with concurrent.futures.ThreadPoolExecutor(len(workers)) as pool:
                pending = {}
                queue = list(todo)
                while queue or pending:
                    while queue and free:
                        w = free.pop()
                        m = queue.pop(0)
                        pending[pool.submit(run_mutant, w, m, cov, spec["tests"], spec["qgis"])] = w
                    finished, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                    for fut in finished:
                        free.append(pending.pop(fut))
                        m = fut.result()
                        done += 1
                        if m.outcome not in ("killed", "timeout"):
                            print(f"  [{done}/{len(todo)}] {m.outcome}: line {m.line} {m.operator}: "
                                  f"{m.before.strip()[:70]!r} -> {m.after.strip()[:70]!r}", flush=True)
                        elif done % 25 == 0:
                            print(f"  [{done}/{len(todo)}] ...", flush=True)
            results[module] = mutants
            killed = sum(1 for m in mutants if m.outcome in ("killed", "timeout"))
            print(f"{module}: {killed}/{len(mutants)} killed", flush=True)
            results_path.parent.mkdir(parents=True, exist_ok=True)
            rows = [dict(asdict(m), key=m.key) for ms in results.values() for m in ms]
            for row in rows:
                row.pop("source")
            kept = [r for k, r in previous.items() if r["module"] not in results]
            results_path.write_text(json.dumps(kept + rows, indent=1))
    finally:
        for w in workers:
            w.close()
        shutil.rmtree(base, ignore_errors=True)
    if args.module and len(args.module) < len(TARGETS):
        # a partial run: merge with the stored outcomes of the other modules for the report
        ran = set(results)  # (not `results` itself: it gains each module at its first merged row)
        for row in previous.values():
            if row["module"] not in ran:
                results.setdefault(row["module"], []).append(Mutant(**{k: row[k] for k in (
                    "module", "operator", "occurrence", "line", "before", "after", "outcome", "tests_run",
                    "killed_by", "seconds", "crashes") if k in row}))
    results = {k: results[k] for k in TARGETS if k in results}
    ok = report(results, Path(args.report), time.monotonic() - started)
    print(f"report: {args.report} ({'target met' if ok else 'target NOT met'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

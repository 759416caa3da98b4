"""``make test-matrix``: the whole suite on every QGIS and Python the plugin supports, and a table of results.

Rows (all run the clone's own Makefile targets, so the matrix tests exactly what ``make test`` tests):
- host: this machine (Debian 12, QGIS 3.22, Python 3.11): ``make test``.
- py39: Python 3.9, what QGIS 3.22-3.28 embed on Windows: ``make test-py39`` (the pure tests, no QGIS), with
  pyenv's 3.9 when this machine has one, else in a Debian 11 chroot (whose python3 is 3.9).
- trixie: Debian 13, QGIS 3.40 (Python 3.13, numpy 2): ``make test`` and ``make demo`` in a chroot.
- testing: Debian testing, QGIS 3.44 (Python 3.14): ``make test`` and ``make demo`` in a chroot.

Chroots are made with ``debootstrap --variant=minbase`` from Debian's archive, QGIS, pydantic and shapely
come from Debian's packages; they are cached in --cache (default /var/cache/pixxel-matrix) and rebuilt
when older than a week (or with --rebuild). /proc and /dev are bind-mounted while a row runs and always
unmounted afterwards, also on failure or Ctrl-C. This machine's pip configuration and CA bundle are
copied in, so pip inside reaches PyPI the way it does here. Needs root (chroot, mount); standard library
only. Exit status 0 only when every row is green.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MIRROR = os.environ.get("MATRIX_MIRROR", "http://deb.debian.org/debian")
MAX_AGE_S = 7 * 24 * 3600
CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# What the chroot needs besides what `make test` installs itself (the Makefile's APT_PKGS): QGIS and the
# plugin's packages from Debian (cached with the chroot), and the tools the suite and the Makefile call.
BASE_PKGS = ["make", "git", "ca-certificates", "python3-venv", "python3-pip", "xvfb", "xauth",
             "python3-qgis", "qgis-providers", "qgis", "python3-pydantic", "python3-shapely"]
PY39_PKGS = ["make", "git", "ca-certificates", "python3-venv"]
APT_OPTS = ["-o", "Acquire::Check-Valid-Until=false", "-o", "Acquire::Retries=3"]
COPY_IN = ["/etc/pip.conf", "/etc/xdg/pip", "/etc/ssl/certs/ca-certificates.crt", "/etc/resolv.conf"]
PASS_ENV = re.compile(r"^(PIP_.*|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY|REQUESTS_CA_BUNDLE|SSL_CERT_FILE)$")
PY39_README = "Python 3.9, as QGIS 3.22-3.28 on Windows (pyenv, or a Debian 11 chroot)"
PYENV_39 = sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob("3.9.*/bin/python")) + sorted(
    Path("/root/.pyenv/versions").glob("3.9.*/bin/python"))


@dataclass
class Row:
    key: str
    label: str  # the platform, as the table shows it
    suite: Optional[str] = None  # Debian suite for a chroot row, None on this machine
    pkgs: list = field(default_factory=list)
    targets: tuple = ("test",)
    make_vars: tuple = ()
    result: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    seconds: float = 0.0
    demo: str = ""
    readme: str = ""  # the platform, as README's table of tested versions says it


class Runner:
    def __init__(self, args):
        self.args = args
        self.cache = Path(args.cache)
        self.logs = self.cache / "logs"
        self.mounted: list[Path] = []
        self.procs: set[subprocess.Popen] = set()
        self.lock = threading.Lock()
        self.stopping = False

    # ---------------------------------------------------------------- processes
    def log(self, row: str, text: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        print(f"[{stamp}] {row}: {text}", flush=True)

    def run(self, cmd, logfile: Path, env=None, cwd=None, check=True) -> int:
        """Run cmd in its own process group (killed on interrupt), output appended to logfile."""
        if self.stopping:
            raise KeyboardInterrupt
        with open(logfile, "a", encoding="utf-8") as out:
            out.write(f"\n$ {' '.join(map(str, cmd))}\n")
            out.flush()
            proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT, env=env,
                                    cwd=cwd, start_new_session=True)
            with self.lock:
                self.procs.add(proc)
            try:
                code = proc.wait()
            finally:
                with self.lock:
                    self.procs.discard(proc)
        if check and code != 0:
            raise RuntimeError(f"{cmd[0]} {' '.join(map(str, cmd[1:4]))}... exited {code}; see {logfile}")
        return code

    def kill_all(self) -> None:
        with self.lock:
            procs = list(self.procs)
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        for proc in procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    # ---------------------------------------------------------------- mounts
    @staticmethod
    def mounts_under(root: Path) -> list[str]:
        prefix = str(root.resolve()) + "/"
        found = []
        with open("/proc/self/mountinfo", encoding="utf-8") as info:
            for line in info:
                point = line.split()[4].replace("\\040", " ")
                if point.startswith(prefix):
                    found.append(point)
        return sorted(found, key=len, reverse=True)

    def umount_all(self, root: Path) -> None:
        for point in self.mounts_under(root):
            if subprocess.call(["umount", point], stderr=subprocess.DEVNULL) != 0:
                subprocess.call(["umount", "-l", point], stderr=subprocess.DEVNULL)  # busy: detach lazily
        left = self.mounts_under(root)
        if left:
            raise RuntimeError(f"could not unmount {left}; unmount them by hand before deleting {root}")

    def mount(self, root: Path) -> None:
        self.umount_all(root)  # a previous run killed hard may have left some
        (root / "proc").mkdir(exist_ok=True)
        (root / "dev").mkdir(exist_ok=True)
        with self.lock:
            self.mounted.append(root)
        subprocess.check_call(["mount", "-t", "proc", "proc", str(root / "proc")])
        subprocess.check_call(["mount", "--rbind", "/dev", str(root / "dev")])
        subprocess.check_call(["mount", "--make-rslave", str(root / "dev")])

    def umount(self, root: Path) -> None:
        try:
            self.umount_all(root)
        finally:
            with self.lock:
                if root in self.mounted:
                    self.mounted.remove(root)

    # ---------------------------------------------------------------- chroots
    def chroot_env(self) -> dict:
        env = {"HOME": "/root", "PATH": CHROOT_PATH, "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive",
               "QT_QPA_PLATFORM": "offscreen", "TERM": "dumb"}
        env.update({k: v for k, v in os.environ.items() if PASS_ENV.match(k)})
        return env

    def copy_in(self, root: Path) -> None:
        """This machine's pip configuration, CA bundle and DNS settings, copied in before every run."""
        for src in COPY_IN:
            src_path = Path(src)
            if not src_path.exists():
                continue
            dest = root / src.lstrip("/")
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.is_symlink() or dest.is_file():
                dest.unlink()
            if src_path.is_dir():
                shutil.copytree(src_path, dest, dirs_exist_ok=True)
            else:
                shutil.copyfile(src_path, dest)
        apt_conf = root / "etc/apt/apt.conf.d/99pixxel-matrix"
        apt_conf.write_text('Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\n')

    def fresh(self, root: Path, pkgs: list) -> bool:
        """Built less than a week ago, with the same package list."""
        stamp = root / ".pixxel-matrix-ready"
        return (not self.args.rebuild and stamp.exists()
                and time.time() - stamp.stat().st_mtime < MAX_AGE_S
                and stamp.read_text().split("\n", 1)[-1].split() == list(pkgs))

    def remove_tree(self, path: Path) -> None:
        if path.exists():
            self.umount_all(path)  # never delete through a bind mount of /dev
            subprocess.check_call(["rm", "-rf", "--one-file-system", str(path)])

    def build(self, row: Row, logfile: Path) -> Path:
        root = self.cache / row.key
        if self.fresh(root, row.pkgs):
            self.log(row.key, f"chroot cached ({root})")
            return root
        partial = self.cache / f"{row.key}.partial"
        self.remove_tree(partial)
        self.remove_tree(root)
        self.log(row.key, f"debootstrap --variant=minbase {row.suite} ...")
        t0 = time.monotonic()
        self.run(["debootstrap", "--variant=minbase", row.suite, partial, MIRROR], logfile)
        self.log(row.key, f"debootstrap done in {time.monotonic() - t0:.0f} s; apt-get install {' '.join(row.pkgs)}")
        t1 = time.monotonic()
        self.copy_in(partial)
        self.mount(partial)
        try:
            env = self.chroot_env()
            # dpkg's fsync after every file is most of the install time; a throw-away chroot does not need it.
            (partial / "etc/dpkg/dpkg.cfg.d/pixxel-matrix-unsafe-io").write_text("force-unsafe-io\n")
            self.run(["chroot", partial, "apt-get", *APT_OPTS, "update", "-qq"], logfile, env=env)
            self.run(["chroot", partial, "apt-get", *APT_OPTS, "install", "-y", "-q", "--no-install-recommends",
                      *row.pkgs], logfile, env=env)
            self.run(["chroot", partial, "apt-get", "clean"], logfile, env=env)
        finally:
            self.umount(partial)
        self.log(row.key, f"packages installed in {time.monotonic() - t1:.0f} s")
        (partial / ".pixxel-matrix-ready").write_text(time.strftime("%Y-%m-%d %H:%M:%S\n") + " ".join(row.pkgs))
        partial.rename(root)
        return root

    def sync_tree(self, root: Path, logfile: Path) -> Path:
        """The clone's files (tracked and not ignored) into /build/pixxel, keeping the chroot's own .venv."""
        dest = root / "build/pixxel"
        dest.mkdir(parents=True, exist_ok=True)
        for child in dest.iterdir():
            if child.name.startswith(".venv"):
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                               cwd=ROOT, check=True, capture_output=True).stdout
        tar_in = subprocess.Popen(["tar", "--null", "-T", "-", "-cf", "-"], cwd=ROOT, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=open(logfile, "a"))
        tar_out = subprocess.Popen(["tar", "-xf", "-", "-C", str(dest)], stdin=tar_in.stdout,
                                   stderr=open(logfile, "a"))
        tar_in.stdout.close()
        tar_in.stdin.write(files)
        tar_in.stdin.close()
        if tar_out.wait() != 0 or tar_in.wait() != 0:
            raise RuntimeError(f"copying the clone into {dest} failed; see {logfile}")
        return dest

    # ---------------------------------------------------------------- rows
    def report_env(self, report: str) -> dict:
        return {"PYTEST_ADDOPTS": "-p pixxel_matrix_report", "PIXXEL_MATRIX_REPORT": report}

    def run_row(self, row: Row) -> None:
        logfile = self.logs / f"{row.key}.log"
        logfile.write_text(f"{row.label}\n")
        t0 = time.monotonic()
        try:
            if row.suite is None:
                self.run_host(row, logfile)
            else:
                self.run_chroot(row, logfile)
        except KeyboardInterrupt:
            row.notes.append("interrupted")
        except Exception as exc:  # noqa: BLE001 - one broken row must not hide the others
            row.notes.append(str(exc))
            self.log(row.key, f"ERROR {exc}")
        row.seconds = time.monotonic() - t0
        self.log(row.key, f"finished in {row.seconds:.0f} s: {summary(row)}")

    def run_host(self, row: Row, logfile: Path) -> None:
        report = self.cache / f"report-{row.key}.json"
        report.unlink(missing_ok=True)
        env = dict(os.environ)
        env.update(self.report_env(str(report)))
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
        for target in row.targets:
            if self.stopping:
                raise KeyboardInterrupt
            self.log(row.key, f"make {' '.join((target,) + row.make_vars)} (log: {logfile})")
            code = self.run(["make", "-C", ROOT, target, *row.make_vars], logfile, env=env, check=False)
            if target == "demo":
                row.demo = "ok" if code == 0 else f"FAILED ({code})"
        self.read_report(row, report)

    def run_chroot(self, row: Row, logfile: Path) -> None:
        root = self.build(row, logfile)
        self.copy_in(root)
        dest = self.sync_tree(root, logfile)
        report_inside = "/build/report.json"
        report = root / report_inside.lstrip("/")
        report.unlink(missing_ok=True)
        env = self.chroot_env()
        env.update(self.report_env(report_inside))
        env["PYTHONPATH"] = "/build/pixxel/dev/matrix"
        self.mount(root)
        try:
            for target in row.targets:
                if self.stopping:
                    raise KeyboardInterrupt
                self.log(row.key, f"make {target} in the chroot (log: {logfile})")
                code = self.run(["chroot", root, "make", "-C", "/build/pixxel", target, *row.make_vars], logfile,
                                env=env, check=False)
                if target == "demo":
                    ok = code == 0 and (dest / "demo-output" / "map.png").exists()
                    row.demo = "ok" if ok else f"FAILED ({code})"
        finally:
            self.umount(root)
        self.read_report(row, report)

    def read_report(self, row: Row, report: Path) -> None:
        if not report.exists():
            row.notes.append(f"no test report (the suite did not run; see {self.logs / (row.key + '.log')})")
            return
        row.result = json.loads(report.read_text(encoding="utf-8"))
        for site, count in row.result.get("own_warning_sites", {}).items():
            row.notes.append(f"warning x{count}: {site}")
        for nodeid in row.result.get("not_passed", []):
            row.notes.append(f"failed: {nodeid}")


def summary(row: Row) -> str:
    r = row.result
    if not r:
        return "no result"
    return (f"{r['passed']} passed, {r['failed']} failed, {r['error']} errors, {r['skipped']} skipped, "
            f"{r['own_warnings']} own warnings")


def green(row: Row) -> bool:
    r = row.result
    return bool(r) and r["exitstatus"] == 0 and r["failed"] == 0 and r["error"] == 0 and r["passed"] > 0 \
        and r["own_warnings"] == 0 and row.demo in ("", "ok") and not [n for n in row.notes
                                                                         if not n.startswith("warning")]


def table(rows: list[Row]) -> str:
    head = ("| platform | QGIS | Python | passed | failed | errors | skipped | own warnings | demo | time | |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for row in rows:
        r = row.result
        cells = [row.label, r.get("qgis") or "none (pure tests)", r.get("python", "?"),
                 *(str(r.get(k, "?")) for k in ("passed", "failed", "error", "skipped", "own_warnings")),
                 row.demo or "-", f"{row.seconds / 60:.1f} min", "green" if green(row) else "**RED**"]
        lines.append("| " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"


README_START, README_END = "<!-- tested-versions:start -->", "<!-- tested-versions:end -->"


def readme_table(rows: list[Row]) -> str:
    """The README's table of tested versions, as this run measured them (major.minor only)."""
    lines = ["| platform | QGIS | Python | what runs |", "|---|---|---|---|"]
    for row in rows:
        r = row.result
        qgis = ".".join(r["qgis"].split(".")[:2]) if r.get("qgis") else "none"
        python = ".".join(r.get("python", "?").split(".")[:2])
        what = ", ".join(f"`make {t}`" for t in row.targets)
        lines.append(f"| {row.readme} | {qgis} | {python} | {what} |")
    return "\n".join(lines) + "\n"


def sync_readme(rows: list[Row], update: bool) -> Optional[str]:
    """None when README's table says what was measured; else a message (and the table is rewritten when
    update is set)."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text or not all(r.result for r in rows):
        return None
    head, rest = text.split(README_START, 1)
    current, tail = rest.split(README_END, 1)
    wanted = readme_table(rows)
    if current.strip() == wanted.strip():
        return None
    if update:
        readme.write_text(f"{head}{README_START}\n{wanted}{README_END}{tail}", encoding="utf-8")
        return "README.md: the tested-versions table was updated to what this run measured; commit it."
    return ("README.md's tested-versions table no longer says what was tested. Measured:\n" + wanted
            + "Run `make test-matrix MATRIX_ARGS=--update-readme` and commit README.md.")


def make_rows(args) -> list[Row]:
    rows = [Row("host", f"this machine ({distro()})", targets=("test", "demo"),
                readme="Debian 12 bookworm (CI's machine)")]
    if PYENV_39 and not args.py39_chroot:
        rows.append(Row("py39", "Python 3.9 (pyenv)", targets=("test-py39",), make_vars=(f"PY39={PYENV_39[-1]}",),
                        readme=PY39_README))
    else:
        rows.append(Row("py39", "Python 3.9 (Debian 11 chroot)", suite="bullseye", pkgs=PY39_PKGS,
                        targets=("test-py39",), make_vars=("PY39=/usr/bin/python3",), readme=PY39_README))
    rows.append(Row("trixie", "Debian 13 trixie (chroot)", suite="trixie", pkgs=BASE_PKGS, targets=("test", "demo"),
                    readme="Debian 13 trixie (chroot)"))
    rows.append(Row("testing", "Debian testing (chroot)", suite="testing", pkgs=BASE_PKGS,
                    targets=("test", "demo"), readme="Debian testing (chroot)"))
    wanted = set(args.rows.split(",")) if args.rows else None
    return [r for r in rows if wanted is None or r.key in wanted]


def distro() -> str:
    try:
        text = Path("/etc/os-release").read_text(encoding="utf-8")
        return re.search(r'^PRETTY_NAME="?([^"\n]*)', text, re.M).group(1)
    except (OSError, AttributeError):
        return platform.platform()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", default=os.environ.get("MATRIX_CACHE", "/var/cache/pixxel-matrix"))
    parser.add_argument("--rows", default=os.environ.get("MATRIX_ROWS", ""),
                        help="comma-separated subset of host,py39,trixie,testing")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the chroots even when fresh")
    parser.add_argument("--py39-chroot", action="store_true", help="Python 3.9 from Debian 11 even with pyenv")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MATRIX_JOBS", "3")),
                        help="rows run at the same time (default 3: both chroots build while the host runs)")
    parser.add_argument("--out", default="", help="also write the table (markdown) to this file")
    parser.add_argument("--update-readme", action="store_true",
                        help="rewrite README's tested-versions table to what this run measured")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("make test-matrix needs root (chroot, mount): run it as root or through sudo.", file=sys.stderr)
        return 2
    for tool in ("debootstrap", "chroot", "mount", "git", "tar"):
        if not shutil.which(tool):
            print(f"make test-matrix: `{tool}` is missing (the Makefile installs debootstrap).", file=sys.stderr)
            return 2
    runner = Runner(args)
    runner.logs.mkdir(parents=True, exist_ok=True)
    rows = make_rows(args)

    def stop(signum, _frame):
        runner.stopping = True
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # SIGINT too: ignored when started with &
        signal.signal(signum, stop)
    t0 = time.monotonic()
    pool = ThreadPoolExecutor(max_workers=max(1, args.jobs))
    try:
        # Chroot rows first: building them is mostly network and disk, the host rows mostly CPU.
        futures = [pool.submit(runner.run_row, row) for row in sorted(rows, key=lambda r: r.suite is None)]
        while not all(f.done() for f in futures):
            time.sleep(0.5)
    except KeyboardInterrupt:
        runner.stopping = True
        print("interrupted: stopping the rows and unmounting", file=sys.stderr)
        runner.kill_all()
        pool.shutdown(wait=True, cancel_futures=True)
        return 130
    finally:
        runner.kill_all()
        pool.shutdown(wait=True, cancel_futures=True)
        for root in list(runner.mounted):
            runner.umount(root)
    total = time.monotonic() - t0
    text = table(rows)
    print("\n" + text)
    for row in rows:
        for note in row.notes:
            print(f"- {row.key}: {note}")
    print(f"\nmatrix: {total / 60:.1f} min in total; logs in {runner.logs}")
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    readme_problem = sync_readme(rows, args.update_readme) if not args.rows else None
    if readme_problem:
        print("\n" + readme_problem)
    all_green = all(green(r) for r in rows)
    print("matrix: every row green" if all_green else "matrix: RED rows above (see their logs)")
    return 0 if all_green and not (readme_problem and not args.update_readme) else 1


if __name__ == "__main__":
    sys.exit(main())

"""InstallDependenciesTask: "Install missing packages" as a QgsTask (progress, cancel, the log on failure).

pip, run with QGIS's own interpreter (deps.python_executable), installs the missing packages into a staging
folder next to the plugin's package folder in the QGIS profile (deps.dependency_dir); what QGIS already has
and was built against (numpy and every other compiled package) is pinned to QGIS's version with a pip
constraints file, and whatever pip copied anyway in the same version is removed again
(deps.prune_duplicates), so QGIS's own copy stays the one imported. Only then is the staging folder moved
into place: a failed or cancelled install leaves the previous state untouched.

Where QGIS's interpreter has no pip (Debian's QGIS does not depend on python3-pip), pip runs from its
own wheel: one already on the machine (the chosen wheel folder, ensurepip's bundle, Debian's
python3-pip-whl), else the newest one downloaded from PyPI (through QGIS's proxy settings).

Network and subprocesses only in run(); finished() (main thread) hands the outcome to a callback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from typing import Callable, List, Optional

from qgis.core import QgsTask

from .. import deps

PYPI_PIP = "https://pypi.org/pypi/pip/json"
STEPS = ("Collecting", "Downloading", "Processing", "Installing collected packages", "Successfully installed")


class InstallDependenciesTask(QgsTask):
    def __init__(
        self,
        missing: List[deps.Missing],
        target: Optional[str] = None,
        wheel_dir: Optional[str] = None,
        on_finished: Optional[Callable[[bool, InstallDependenciesTask], None]] = None,
        python: Optional[str] = None,
        pins: Optional[List[str]] = None,
    ):
        """``pins`` (``name==version``) default to what this Python (QGIS's) has: see deps.constraints_text."""
        super().__init__("Installing Python packages for Pixxel", QgsTask.Flag.CanCancel)
        self.missing = list(missing)
        self.target = target or deps.dependency_dir()
        self.wheel_dir = wheel_dir or None
        self.on_finished = on_finished
        self.python = python or deps.python_executable()
        self.lines: List[str] = []
        self._progress = 0.0
        self.error = ""
        self.removed: List[str] = []
        # Read on the main thread (QgsSettings, the auth manager); only plain values reach run().
        self._pins = pins if pins is not None else deps.constraints_text(
            deps.qgis_distributions(exclude=self.target), tuple(m.requirement.module for m in self.missing))
        self._pip_proxy, self._pip_network_args = _pip_network_options()

    # ------------------------------------------------------------------ helpers
    def log(self, line: str) -> None:
        self.lines.append(line.rstrip())

    @property
    def log_text(self) -> str:
        return "\n".join(self.lines)

    def _pip_launcher(self) -> List[str]:
        if deps.pip_available(self.python):
            self.log(f"Using pip of {self.python}")
            return deps.pip_launcher(self.python)
        wheels = deps.bundled_pip_wheels(self.wheel_dir)
        if not wheels and not self.wheel_dir:
            wheels = [self._download_pip_wheel()]
        if not wheels:
            raise RuntimeError(
                f"{self.python} has no pip and the folder {self.wheel_dir} holds no pip wheel: add one "
                "(pip-<version>-py3-none-any.whl from https://pypi.org/project/pip/#files) to the folder."
            )
        self.log(f"{self.python} has no pip: running pip from {wheels[0]}")
        return deps.pip_launcher(self.python, wheels[0])

    def _download_pip_wheel(self) -> str:
        import urllib.request

        cache = os.path.join(os.path.dirname(self.target), "pip-wheel")
        os.makedirs(cache, exist_ok=True)
        self.log(f"Downloading pip from {PYPI_PIP}")
        opener = urllib.request.build_opener(*_urllib_handlers(self._pip_proxy, self._pip_network_args))
        with opener.open(PYPI_PIP, timeout=60) as fh:
            info = json.load(fh)
        wheel = next(u for u in info["urls"] if u["filename"].endswith("-py3-none-any.whl"))
        dest = os.path.join(cache, wheel["filename"])
        if not os.path.isfile(dest):
            with opener.open(wheel["url"], timeout=120) as fh, open(dest + ".part", "wb") as out:
                shutil.copyfileobj(fh, out)
            os.replace(dest + ".part", dest)
        return dest

    # ------------------------------------------------------------------ QgsTask
    def _pip(self, argv: List[str]) -> int:
        """Run one pip command, its output into the log; -1 when cancelled."""
        self.log("$ " + " ".join(argv))
        env = deps.child_env()
        if self._pip_proxy:  # in the environment, not on the command line: it may hold a password
            env["PIP_PROXY"] = self._pip_proxy
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                bufsize=1)
        assert proc.stdout is not None
        for line in proc.stdout:
            self.log(line)
            if self.isCanceled():
                proc.terminate()
                break
            if line.startswith(STEPS):
                self._progress = min(90.0, self._progress + (100.0 - self._progress) / 6)
                self.setProgress(self._progress)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        return -1 if self.isCanceled() else code

    def run(self) -> bool:
        staging = f"{self.target}.partial"
        try:
            shutil.rmtree(staging, ignore_errors=True)
            os.makedirs(staging, exist_ok=True)
            constraints = os.path.join(staging, "..", "pixxel_qgis-constraints.txt")
            with open(constraints, "w", encoding="utf-8") as fh:
                fh.write("\n".join(self._pins) + "\n")
            self.log("Pinned to QGIS's versions: " + (", ".join(self._pins) or "nothing"))
            self._progress = 5.0
            self.setProgress(self._progress)
            launcher = self._pip_launcher()
            for specs, no_deps in deps.install_plan(self.missing, self._pins):
                if no_deps:
                    self.log(f"{', '.join(specs)}: without dependencies (QGIS's numpy is used)")
                argv = deps.install_argv(specs, staging, python=self.python, constraints=constraints,
                                         wheel_dir=self.wheel_dir, pip=launcher, no_deps=no_deps)
                code = self._pip(argv + self._pip_network_args)
                if code == -1:
                    self.error = "Cancelled: nothing was installed."
                    return False
                if code != 0:
                    self.error = f"pip failed (exit code {code}); nothing was installed. Its output is shown below."
                    return False
            pinned = {deps._norm(n): (n, v, True) for n, _, v in (p.partition("==") for p in self._pins)}
            self.removed = deps.prune_duplicates(staging, pinned)  # what pip copied although QGIS has it
            if self.removed:
                self.log("Left out (QGIS has the same version): " + ", ".join(self.removed))
            self._move_into_place(staging)
            self.setProgress(100)
            return True
        except Exception as exc:  # noqa: BLE001 - reported in the panel with the log, never raised
            self.error = f"The installation failed: {exc}"
            self.log(f"{type(exc).__name__}: {exc}")
            return False
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _move_into_place(self, staging: str) -> None:
        os.makedirs(self.target, exist_ok=True)
        for entry in sorted(os.listdir(staging)):
            src, dest = os.path.join(staging, entry), os.path.join(self.target, entry)
            if os.path.isdir(dest) and not os.path.islink(dest):
                old = f"{dest}.old-{int(time.time())}"
                os.replace(dest, old)
                shutil.rmtree(old, ignore_errors=True)
            elif os.path.exists(dest):
                os.remove(dest)
            os.replace(src, dest)
        self.log(f"Installed into {self.target}")

    def finished(self, result: bool) -> None:
        if self.on_finished is not None:
            callback, self.on_finished = self.on_finished, None
            callback(bool(result), self)


def _pip_network_options():
    """(proxy URL or "", pip options) from QGIS's network settings: its HTTP proxy and the CA bundle the
    client uses."""
    proxy, args = "", []
    try:
        from . import network

        net = network.read_settings()
        if net.mode == "http" and net.proxy_url:
            proxy = net.proxy_url
        bundle = network.ca_bundle()
        if isinstance(bundle, str):
            args += ["--cert", bundle]
    except Exception:  # noqa: BLE001 - pip then uses its own defaults
        pass
    return proxy, args


def _urllib_handlers(proxy: str, pip_args: List[str]) -> list:
    import ssl
    import urllib.request

    handlers = []
    if proxy:
        handlers.append(urllib.request.ProxyHandler({"http": proxy, "https": proxy}))
    if "--cert" in pip_args:
        ctx = ssl.create_default_context(cafile=pip_args[pip_args.index("--cert") + 1])
        handlers.append(urllib.request.HTTPSHandler(context=ctx))
    return handlers

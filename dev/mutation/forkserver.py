"""A warm pytest launcher for dev/mutation/run.py: imports the heavy libraries once, forks one child per mutant.

Protocol (one JSON object per line): stdin {"args": [...], "timeout": s, "out": path}; stdout {"rc": int,
"timeout": bool}. The child runs `pytest.main(args)` in the current folder with its output in `out`. The
plugin itself is never imported here, so each child imports the (mutated) files as they are on disk.
"""

import json
import os
import signal
import sys
import time

import pytest
import requests  # noqa: F401
import shapely  # noqa: F401
from pydantic import BaseModel  # noqa: F401

if os.environ.get("MUTATION_QGIS") == "1":
    import qgis.core
    import qgis.PyQt.QtWidgets  # noqa: F401


def run_one(args, timeout, out):
    pid = os.fork()
    if pid == 0:
        try:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.setpgid(0, 0)
            rc = pytest.main(args)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(int(rc))
        except BaseException:  # noqa: BLE001
            os._exit(99)
    end = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return (os.waitstatus_to_exitcode(status), False)
        if time.monotonic() > end:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return (-9, True)
        time.sleep(0.02)


def main():
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        req = json.loads(line)
        rc, timed_out = run_one(req["args"], req["timeout"], req["out"])
        sys.stdout.write(json.dumps({"rc": rc, "timeout": timed_out}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # the runner is gone
        os._exit(1)

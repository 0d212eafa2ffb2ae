"""Debian's chromium for the report's browser tests: found, or installed with apt-get as root.

On a fresh machine (CI) chromium is not there until the tests install it: apt-get's index
and download, then 19 s of dpkg for chromium and its 24 libraries (this machine's apt
history, 7 December 2026). Installed when the first browser test asked, that wait sat
inside the suite's five minutes, on one worker. So the install starts in the background as soon as a
worker has collected the report's tests (conftest.py), while the world is generated and
built, and the first browser test waits for it to end. Without pytest-xdist, or where no
background install was started, the test installs it itself, as before.

The install is the machine's, so its state is too: a log, a pid and an exit status in the
machine's temporary folder, so that a worker finds the install the controller started.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psutil
import pytest

COMMANDS = [
    ["apt-get", "update", "-qq"],
    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
]
STATE = Path(tempfile.gettempdir()) / "bkwh-tests-chromium-install"
ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}


def _can_install() -> bool:
    return bool(shutil.which("apt-get")) and os.geteuid() == 0


def _running() -> int | None:
    """The pid of a background install that has not ended, or None."""
    try:
        pid = int((STATE / "pid").read_text())
    except (FileNotFoundError, ValueError):
        return None
    if (STATE / "rc").exists():
        return None
    try:  # the controller never waits for it: ended without its status, it is a zombie
        alive = psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return None
    return pid if alive else None


def start_in_background() -> None:
    """Start installing chromium, unless it is there, cannot be installed or is installing."""
    if shutil.which("chromium") or not _can_install() or _running():
        return
    shutil.rmtree(STATE, ignore_errors=True)
    STATE.mkdir(parents=True)
    script = " && ".join(" ".join(cmd) for cmd in COMMANDS)
    # the exit status written last, and whole (a rename), so that a reader never finds half
    proc = subprocess.Popen(
        [
            "sh",
            "-c",
            f"({script}) > {STATE / 'log'} 2>&1; echo $? > {STATE}/rc.tmp; "
            f"mv {STATE}/rc.tmp {STATE}/rc",
        ],
        env=ENV,
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    (STATE / "pid").write_text(str(proc.pid))


def _wait_for_background(timeout: float) -> None:
    """Wait for a background install to end (the test installs again where it failed: its
    own error is then the one said)."""
    deadline = time.monotonic() + timeout
    while _running():
        if time.monotonic() > deadline:
            pytest.skip(f"the background install of chromium ran past {timeout:.0f} s")
        time.sleep(0.5)


def chromium_binary() -> str:
    """The chromium binary, installed if need be (and waited for if installing), or the test
    skips, saying why."""
    found = shutil.which("chromium")
    if found:
        return found
    if not _can_install():
        pytest.skip("chromium is not installed, and apt-get as root is not available to add it")
    _wait_for_background(timeout=900)
    if not shutil.which("chromium"):  # none ran in the background, or it failed
        for cmd in COMMANDS:
            proc = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=900)
            if proc.returncode != 0:
                pytest.skip(f"could not install chromium ({' '.join(cmd)}): {proc.stderr[-500:]}")
    return shutil.which("chromium") or pytest.skip("apt-get installed no chromium binary")

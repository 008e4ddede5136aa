"""Another process holding a warehouse's run lock, for tests of waiting on it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def hold_lock_in_another_process(published: Path, seconds: float = 3) -> subprocess.Popen[str]:
    """Start a process that holds ``published``'s run lock as run-0001 for ``seconds``;
    returns once it holds the lock."""
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from orchestration.lib.publication import hold_run_lock
        with hold_run_lock(Path({str(published)!r}), "run-0001", timeout_seconds=0):
            print("held", flush=True)
            time.sleep(float(sys.argv[1]))
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process

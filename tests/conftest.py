"""Shared test setup.

Qt must run without a display in tests, and that choice has to be made before
anything imports Qt, so it is set here, at conftest import time.  Nothing Qt is
imported here: the core and lm tests stay Qt-free (Qt-only fixtures live in
tests/app/conftest.py).
"""

from __future__ import annotations

import os

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"
# A user's own Qt settings (scale factors, styles) must not change test results.
os.environ.pop("QT_SCALE_FACTOR", None)
os.environ.setdefault("QT_ENABLE_HIGHDPI_SCALING", "0")
# Keep BLAS single-threaded and deterministic-ish on small CI machines; tests
# measure correctness, never speed.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@pytest.fixture
def run_unguarded_script(tmp_path):
    """``run(body) -> stdout``: runs ``body`` as a script without an ``if __name__ == "__main__"``
    guard (rnnviz importable) and asserts that it succeeded and that its top level ran once, in
    its own process only: worker processes must not import the user's script."""
    import subprocess
    import sys
    from pathlib import Path

    def run(body: str, timeout: float = 180) -> str:
        marks = tmp_path / "marks.txt"
        script = tmp_path / "unguarded.py"
        script.write_text(
            "import os, sys\n"
            f"sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})\n"
            f"open({str(marks)!r}, 'a').write(f'{{os.getpid()}}\\n')\n" + body)
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              timeout=timeout)
        assert done.returncode == 0, done.stderr[-2000:]
        assert len(marks.read_text().split()) == 1  # the top level ran in the parent only
        return done.stdout.strip()

    return run


@pytest.fixture
def torch():
    """The torch module, for tests that need a live torch (fixture files cover every format
    without it).  Where torch is not installed these tests skip, except where
    RNNVIZ_REQUIRE_TORCH is set (CI: `.ci/run`), where a missing torch fails them."""
    try:
        import torch as module
    except ImportError:
        if os.environ.get("RNNVIZ_REQUIRE_TORCH"):
            pytest.fail("RNNVIZ_REQUIRE_TORCH is set but torch cannot be imported")
        pytest.skip("needs torch (RNNVIZ_REQUIRE_TORCH=1 make test installs it)")
    return module

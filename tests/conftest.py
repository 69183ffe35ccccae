"""Shared test setup.

Qt must run without a display in tests, and that choice has to be made before
anything imports Qt, so it is set here, at conftest import time.  Nothing Qt is
imported here: the core and lm tests stay Qt-free (Qt-only fixtures live in
tests/app/conftest.py).
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
# A user's own Qt settings (scale factors, styles) must not change test results.
os.environ.pop("QT_SCALE_FACTOR", None)
os.environ.setdefault("QT_ENABLE_HIGHDPI_SCALING", "0")
# Keep BLAS single-threaded and deterministic-ish on small CI machines; tests
# measure correctness, never speed.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

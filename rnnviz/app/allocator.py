"""Allocator settings for the desktop app (glibc only; elsewhere nothing changes).

Every recomputation allocates the same few dozen arrays of 0.1-30 MB.  By default glibc gives
each array above its (adaptive) mmap threshold fresh pages from the kernel and returns them on
free, so every recomputation pays page faults on all its memory.  Measured in the explorer's
default case: stage one (the cheap plots) took 46 ms after a map computed in worker processes
against 37 ms after one computed in threads (which happened to raise the adaptive threshold);
with these settings 38 and 35 ms (the rest is a cache made cold by the map).  The cost is memory the process keeps for reuse after a
large computation (at most the trim threshold beyond what it uses).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

# mallopt parameters (glibc's malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 32 << 20  # glibc's upper limit for the threshold on 64-bit systems
TRIM_THRESHOLD_BYTES = 256 << 20

_applied: dict[str, bool] = {}


def _apply(libc) -> bool:
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    ok = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
    ok = bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)) and ok
    if not ok:
        log.info("mallopt refused the allocator settings; glibc's defaults stay")
    return ok


def keep_freed_memory(libc=None) -> bool:
    """Serve arrays up to 32 MB from the heap and keep up to 256 MB of freed memory for reuse.

    Returns True when the settings were applied (Linux with glibc), False otherwise.  Without
    ``libc`` (tests pass a stand-in) the C library is looked up and the settings are applied
    once per process.
    """
    if libc is not None:
        return _apply(libc)
    if "ok" not in _applied:
        found = None
        if sys.platform.startswith("linux"):
            try:
                found = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            except OSError:
                found = None
        _applied["ok"] = found is not None and _apply(found)
    return _applied["ok"]

"""The app's allocator settings (glibc mallopt)."""

import ctypes
import ctypes.util
import sys

from rnnviz.app import allocator


class FakeLibc:
    def __init__(self, result=1):
        self.calls = []
        self.result = result

    def mallopt(self, param, value):
        self.calls.append((param, value))
        return self.result


def test_settings_are_the_mmap_and_trim_thresholds():
    libc = FakeLibc()
    assert allocator.keep_freed_memory(libc) is True
    assert libc.calls == [(allocator.M_MMAP_THRESHOLD, 32 << 20),
                          (allocator.M_TRIM_THRESHOLD, 256 << 20)]


def test_a_refusal_or_a_libc_without_mallopt_changes_nothing():
    refusing = FakeLibc(result=0)
    assert allocator.keep_freed_memory(refusing) is False
    assert len(refusing.calls) == 2  # both were tried
    assert allocator.keep_freed_memory(object()) is False


def test_applied_on_linux_with_glibc():
    ok = allocator.keep_freed_memory()
    assert isinstance(ok, bool)
    name = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and name:
        glibc = hasattr(ctypes.CDLL(name), "gnu_get_libc_version")
        assert ok is glibc
    assert allocator.keep_freed_memory() is ok  # once per process

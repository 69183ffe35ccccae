"""Atomic writes: the target is either the complete new content or untouched."""

from __future__ import annotations

import json
import os
import stat

import numpy as np
import pytest

from rnnviz.io_utils import (
    atomic_path,
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
    versions,
)


def _leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if ".tmp" in p.name)


def test_write_bytes_creates_and_replaces(tmp_path):
    target = tmp_path / "data.bin"
    atomic_write_bytes(target, b"\x00\x01first")
    assert target.read_bytes() == b"\x00\x01first"
    atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert _leftovers(tmp_path) == []


def test_write_text_keeps_unicode_and_line_endings(tmp_path):
    target = tmp_path / "note.txt"
    atomic_write_text(str(target), "ρ = 0.9\r\nσ_max ≈ 2ρ\n")
    assert target.read_bytes() == "ρ = 0.9\r\nσ_max ≈ 2ρ\n".encode()


def test_write_json_round_trips(tmp_path):
    target = tmp_path / "run.json"
    payload = {"config": {"cell": "lstm", "hidden_size": 64}, "values": [1.5, -2.0]}
    atomic_write_json(target, payload)
    assert json.loads(target.read_text()) == payload


@pytest.mark.parametrize("bad", [{"x": float("nan")}, {"x": object()}, {"x": float("inf")}])
def test_unencodable_json_leaves_old_file_intact(tmp_path, bad):
    target = tmp_path / "run.json"
    target.write_text('{"old": true}\n')
    with pytest.raises((TypeError, ValueError)):
        atomic_write_json(target, bad)
    assert target.read_text() == '{"old": true}\n'
    assert _leftovers(tmp_path) == []


def test_failure_inside_atomic_path_keeps_old_file_and_removes_temp(tmp_path):
    target = tmp_path / "weights.npz"
    target.write_bytes(b"old content")
    with pytest.raises(RuntimeError, match="writer crashed"):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half written")
            raise RuntimeError("writer crashed")
    assert target.read_bytes() == b"old content"
    assert _leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weights.npz"]


def test_atomic_path_is_in_same_directory_and_keeps_suffix(tmp_path):
    target = tmp_path / "weights.npz"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path
        assert tmp != target
        assert tmp.name.endswith(".npz")
        assert tmp.name.startswith(".weights.npz.")
        assert not target.exists()
        np.savez(tmp, w=np.arange(3.0))
    with np.load(target, allow_pickle=False) as loaded:
        np.testing.assert_array_equal(loaded["w"], np.arange(3.0))


def test_atomic_path_gives_normal_file_permissions(tmp_path):
    target = tmp_path / "out.csv"
    atomic_write_text(target, "a,b\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="directory does not exist"):
        atomic_write_text(tmp_path / "no" / "such" / "dir.txt", "x")


def test_body_that_writes_nothing_fails_and_keeps_old_file(tmp_path):
    target = tmp_path / "x.txt"
    target.write_text("old")
    with pytest.raises(OSError, match="nothing was written"):
        with atomic_path(target) as tmp:
            tmp.unlink()
    assert target.read_text() == "old"


def test_failed_replace_keeps_old_file(tmp_path):
    # Replacing a directory with a file fails: the temp file must go away.
    target = tmp_path / "occupied"
    target.mkdir()
    (target / "inside.txt").write_text("keep")
    with pytest.raises(OSError):
        atomic_write_text(target, "new")
    assert (target / "inside.txt").read_text() == "keep"
    assert _leftovers(tmp_path) == []


def test_versions_reports_python_numpy_rnnviz_without_importing_qt():
    import subprocess
    import sys

    code = (
        "import sys, json; from rnnviz.io_utils import versions; v = versions(); "
        "print(json.dumps([v, [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]]))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found, qt_modules = json.loads(result.stdout)
    assert qt_modules == []
    import platform

    import rnnviz

    assert found["python"] == platform.python_version()
    assert found["numpy"] == np.__version__
    assert found["rnnviz"] == rnnviz.__version__
    assert versions() == found

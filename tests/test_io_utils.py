"""Atomic writes (the target is either the complete new content or untouched), sets of files,
output checks and the safe readers of .npz / .npy files."""

from __future__ import annotations

import fcntl
import io
import json
import os
import stat
import time
import zipfile

import numpy as np
import pytest

from rnnviz.errors import ConfigError, InputFileError, OutputPathError
from rnnviz.io_utils import (
    AtomicFileSet,
    atomic_path,
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
    check_output_dir,
    check_output_file,
    parse_json,
    read_npy,
    read_npz,
    remove_stale_temporaries,
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


# --------------------------------------------------------------------------- modes, links, leftovers


def test_rewrite_keeps_the_mode_of_the_existing_file(tmp_path):
    target = tmp_path / "private.csv"
    target.write_text("old")
    target.chmod(0o600)
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_symlinked_target_is_written_through_the_link(tmp_path):
    real = tmp_path / "real" / "weights.npz"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "weights.npz"
    link.symlink_to(real)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    assert _leftovers(tmp_path) == [] and _leftovers(real.parent) == []


def _stale(path, age_seconds):
    path.write_bytes(b"x" * 100)
    old = time.time() - age_seconds
    os.utime(path, (old, old))
    return path


def test_the_next_write_removes_stale_temporaries_only(tmp_path):
    stale = _stale(tmp_path / ".m.npz.abcd1234.tmp.npz", 3600)
    young = _stale(tmp_path / ".m.npz.young123.tmp.npz", 1)
    held = _stale(tmp_path / ".m.npz.held1234.tmp.npz", 3600)
    unrelated = _stale(tmp_path / "notes.tmp", 3600)
    with open(held, "rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)   # a writer still at work
        atomic_write_text(tmp_path / "other.csv", "a\n")
    assert not stale.exists()
    assert young.exists() and held.exists() and unrelated.exists()
    # once its writer is gone (lock released) a temporary is a leftover too
    assert sorted(remove_stale_temporaries(tmp_path, min_age_seconds=0)) == sorted([young, held])
    assert unrelated.exists()


def test_interrupted_write_leaves_a_temporary_that_the_next_write_removes(tmp_path):
    target = tmp_path / "m.npz"
    code = ("import os, sys; from rnnviz.io_utils import atomic_path\n"
            f"with atomic_path({str(target)!r}) as tmp:\n"
            "    tmp.write_bytes(b'half')\n"
            "    os._exit(9)\n")
    import subprocess
    import sys

    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 9
    leftovers = _leftovers(tmp_path)
    assert len(leftovers) == 1 and not target.exists()
    old = time.time() - 3600
    os.utime(tmp_path / leftovers[0], (old, old))
    atomic_write_bytes(target, b"whole")
    assert target.read_bytes() == b"whole" and _leftovers(tmp_path) == []


# --------------------------------------------------------------------------- sets of files


def _write_set(directory, contents, fail_at=None):
    with AtomicFileSet(directory, marker="run.json") as files:
        for index, (name, text) in enumerate(contents.items()):
            if index == fail_at:
                raise OSError(28, "No space left on device")
            files.write_text(name, text)
        files.commit()


def test_file_set_appears_whole_or_not_at_all(tmp_path):
    out = tmp_path / "out"
    first = {"a.csv": "a1", "b.csv": "b1", "run.json": "{\"seed\": 1}"}
    second = {"a.csv": "a2", "b.csv": "b2", "run.json": "{\"seed\": 2}"}
    with pytest.raises(OSError):
        _write_set(out, first, fail_at=2)
    assert not out.exists() and list(tmp_path.iterdir()) == []   # a new folder: nothing at all
    _write_set(out, first)
    assert {p.name: p.read_text() for p in out.iterdir()} == first
    with pytest.raises(OSError):
        _write_set(out, second, fail_at=2)   # fails after two of three files
    assert {p.name: p.read_text() for p in out.iterdir()} == first
    _write_set(out, second)
    assert {p.name: p.read_text() for p in out.iterdir()} == second


def test_file_set_marker_goes_last(tmp_path, monkeypatch):
    import rnnviz.io_utils as io_utils

    moved = []
    real = io_utils._move_into_place
    monkeypatch.setattr(io_utils, "_move_into_place", lambda tmp, target: (moved.append(target.name),
                                                                           real(tmp, target)))
    tmp_path.joinpath("run.json").write_text("old")
    with AtomicFileSet(tmp_path, marker="run.json") as files:
        files.write_text("run.json", "new")
        files.write_text("x.csv", "x")
        files.commit()
    assert moved == ["x.csv", "run.json"]


# --------------------------------------------------------------------------- output checks


def test_output_checks_create_and_change_nothing(tmp_path):
    log = tmp_path / "log.jsonl"
    assert check_output_file(log, "--log") == log
    log.write_text("kept\n")
    check_output_file(log, "--log", append=True)
    check_output_dir(tmp_path / "new" / "deeper", "--out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.jsonl"]
    assert log.read_text() == "kept\n"
    with pytest.raises(OutputPathError, match="--checkpoint .*folder .* does not exist"):
        check_output_file(tmp_path / "missing" / "m.npz", "--checkpoint")
    with pytest.raises(OutputPathError, match="is a folder"):
        check_output_file(tmp_path, "--log")
    with pytest.raises(OutputPathError, match="not a directory"):
        check_output_dir(log, "--out")


# --------------------------------------------------------------------------- hostile array files


def _npy_header(shape, descr="<f8"):
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


@pytest.fixture
def good_npz(tmp_path):
    path = tmp_path / "good.npz"
    np.savez(path, w=np.arange(2000.0).reshape(40, 50), b=np.ones(3, dtype=np.float32))
    return path


def test_read_npz_round_trip_and_fortran_order(tmp_path, good_npz):
    arrays = read_npz(good_npz)
    np.testing.assert_array_equal(arrays["w"], np.arange(2000.0).reshape(40, 50))
    assert arrays["b"].dtype == np.float32 and arrays["w"].flags.writeable
    path = tmp_path / "f.npy"
    np.save(path, np.asfortranarray(np.arange(6.0).reshape(2, 3)))
    np.testing.assert_array_equal(read_npy(path), np.arange(6.0).reshape(2, 3))


def test_truncated_and_crc_corrupt_npz_are_one_clear_error(tmp_path, good_npz):
    raw = good_npz.read_bytes()
    truncated = tmp_path / "t.npz"
    truncated.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(InputFileError, match="not a valid .npz: corrupt or truncated"):
        read_npz(truncated)
    corrupt = bytearray(raw)
    corrupt[200] ^= 0xFF   # inside the first member's data
    crc = tmp_path / "crc.npz"
    crc.write_bytes(bytes(corrupt))
    with pytest.raises(InputFileError, match="CRC"):
        read_npz(crc)


def test_headers_that_claim_more_than_the_file_holds_allocate_nothing(tmp_path):
    lying = tmp_path / "big.npz"
    with zipfile.ZipFile(lying, "w") as archive:
        archive.writestr("weight_hh_l0.npy", _npy_header((200000, 100000)) + b"\0" * 64)
    with pytest.raises(InputFileError, match=r"claims shape \(200000, 100000\) float64 \(149.0 GiB\)"):
        read_npz(lying)
    huge = tmp_path / "huge.npy"
    huge.write_bytes(_npy_header((2**40, 58)) + b"\0" * 100)
    with pytest.raises(InputFileError, match=r"TiB\) but the file holds only"):
        read_npy(huge)


def test_random_bytes_are_not_called_pickles(tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(np.random.default_rng(0).bytes(5000))
    with pytest.raises(InputFileError, match=r"is not a valid .npz \(not a zip archive\)") as error:
        read_npz(junk)
    assert "pickle" not in str(error.value)
    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([1, object()], dtype=object), allow_pickle=True)
    with pytest.raises(InputFileError, match="holds Python objects"):
        read_npy(objects)


def test_parse_json_names_the_source_for_invalid_and_too_deeply_nested_text():
    assert parse_json('{"a": [1, 2]}', "x.json") == {"a": [1, 2]}
    with pytest.raises(ConfigError, match=r"x\.json is not valid JSON \(Expecting value at line 2\)"):
        parse_json('{"a":\n}', "x.json")
    with pytest.raises(ConfigError, match=r"x\.json is nested too deeply"):
        parse_json("[" * 100_000 + "]" * 100_000, "x.json")

"""The catalogue of bad input, faults and load: nothing lost, nothing unexplained.

Each case runs the real command line. Cases that need a folder the command cannot write run the
command as an unprivileged user (``setpriv`` to uid 65534 when the tests run as root, which
ignores permission bits; it may still read every folder, and writes only where the bits allow);
they skip only when running as root without ``setpriv``.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from rnnviz import cli
from rnnviz.core.config import NetConfig
from rnnviz.core.params import init_params, save_npz
from rnnviz.lm.checkpoint import load_checkpoint

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TINY = ["--hidden", "16", "--embed", "8", "--seq-len", "16", "--batch", "8", "--snapshot-every", "0",
        "--quiet"]


@pytest.fixture(autouse=True)
def _all_commands(monkeypatch):
    modules = tuple(dict.fromkeys(cli.COMMAND_MODULES + ("train", "sample", "sweep")))
    monkeypatch.setattr(cli, "COMMAND_MODULES", modules)


def one_error_line(capsys, fragment, command):
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"rnnviz {command}: error: "), lines[0]
    assert fragment in lines[0], lines[0]
    return lines[0]


def rnnviz_process(*arguments, prefix=(), cwd=PROJECT_ROOT, timeout=300, **kwargs):
    environment = {k: v for k, v in os.environ.items() if k != "RNNVIZ_DEBUG"}
    return subprocess.run([*prefix, sys.executable, "-m", "rnnviz", *arguments], cwd=cwd,
                          env=environment, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=timeout, **kwargs)


@pytest.fixture
def unprivileged():
    """(run, read_only, writable): ``run(*arguments)`` runs ``python -m rnnviz`` as a user who can
    write into ``writable`` but not into ``read_only``."""
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root (which ignores permission bits) and setpriv is missing")
        user = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
        # The user may read and search every folder (CAP_DAC_READ_SEARCH; writing still follows the
        # permission bits, see the test below): a checkout inside `mktemp -d` (mode 0700), as a
        # fresh clone for `make test` often is, was out of its reach ("No module named rnnviz").
        reading = ("--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search")
        for prefix in ((*user, *reading), user):
            probe = subprocess.run([*prefix, sys.executable, "-c", "import rnnviz"], capture_output=True,
                                   text=True, timeout=60)
            if probe.returncode == 0:
                break
        else:
            pytest.fail("uid 65534 cannot import rnnviz from this checkout; make its folders readable "
                        f"by others (chmod o+rx): {probe.stderr.strip().splitlines()[-1:]}")
    else:
        prefix = ()
    base = Path(tempfile.mkdtemp(prefix="rnnviz-faults-"))
    base.chmod(0o755)
    read_only, writable = base / "read-only", base / "writable"
    read_only.mkdir(mode=0o755)
    writable.mkdir()
    writable.chmod(0o777)
    if not prefix:
        read_only.chmod(0o555)

    def run(*arguments, timeout=300):
        return rnnviz_process(*arguments, prefix=prefix, cwd=base, timeout=timeout)

    run.prefix = prefix
    yield run, read_only, writable
    read_only.chmod(0o755)
    shutil.rmtree(base, ignore_errors=True)


def test_unprivileged_cases_really_cannot_write(unprivileged):
    run, read_only, _ = unprivileged
    code = f"open({str(read_only / 'probe')!r}, 'w')"
    result = subprocess.run([*run.prefix, sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0 and "PermissionError" in result.stderr


# ----------------------------------------------------------------------------- data that was lost

def test_resumed_run_appends_to_its_log_and_a_refused_one_touches_nothing(tmp_path, capsys):
    checkpoint, log = tmp_path / "a.npz", tmp_path / "log.jsonl"
    assert cli.main(["train", *TINY, "--max-steps", "20", "--checkpoint", str(checkpoint),
                     "--log", str(log)]) == 0
    assert len(log.read_text().splitlines()) == 21
    assert cli.main(["train", "--resume", str(checkpoint), "--max-steps", "25", "--log", str(log),
                     "--quiet"]) == 0
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(lines) == 27
    assert [e["step"] for e in lines if e["kind"] == "step"] == list(range(1, 26))
    capsys.readouterr()
    before = log.read_bytes()
    files = sorted(tmp_path.iterdir())
    assert cli.main(["train", "--resume", str(checkpoint), "--hidden", "99", "--log", str(log)]) == 2
    one_error_line(capsys, "different settings for hidden", "train")
    assert log.read_bytes() == before and sorted(tmp_path.iterdir()) == files
    short = tmp_path / "short.txt"
    short.write_text("too short for a batch\n")
    files = sorted(tmp_path.iterdir())
    assert cli.main(["train", *TINY, "--corpus", str(short), "--checkpoint", str(tmp_path / "new.npz"),
                     "--log", str(tmp_path / "new.jsonl")]) == 2
    one_error_line(capsys, "shorter than one batch", "train")
    assert sorted(tmp_path.iterdir()) == files   # no checkpoint, no lock file, no log


def test_missing_checkpoint_folder_is_refused_before_training(tmp_path, capsys):
    log = tmp_path / "log.jsonl"
    assert cli.main(["train", *TINY, "--checkpoint", "/nonexistent/x.npz", "--log", str(log)]) == 2
    one_error_line(capsys, "--checkpoint /nonexistent/x.npz: folder /nonexistent does not exist", "train")
    assert not log.exists()


def test_unwritable_outputs_are_refused_before_any_work(unprivileged):
    run, read_only, writable = unprivileged
    log = writable / "log.jsonl"
    result = run("train", *TINY, "--max-steps", "200", "--checkpoint-every", "50",
                 "--checkpoint", str(read_only / "m.npz"), "--log", str(log))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "--checkpoint" in result.stderr
    assert "Permission denied" in result.stderr and not log.exists()
    result = run("train", *TINY, "--log", str(read_only / "log.jsonl"))
    assert result.returncode == 2 and "--log" in result.stderr
    result = run("sweep", "--radius", "0.5:1.5:5", "--hidden", "4", "--seq-len", "10", "--workers", "1",
                 "--out", str(read_only / "s.csv"))
    assert result.returncode == 2 and "--out" in result.stderr and "Permission denied" in result.stderr
    assert "runs (" not in result.stderr   # not one run computed
    result = run("sweep", "--radius", "0.5,1.5", "--hidden", "4", "--seq-len", "10", "--workers", "1",
                 "--out", str(writable / "s.csv"), "--plot", str(read_only / "s.png"))
    assert result.returncode == 2 and "--plot" in result.stderr
    result = run("analyze", "--seq-len", "10", "--out", str(read_only / "results"))
    assert result.returncode == 2 and "--out" in result.stderr and result.stdout == ""
    assert list(read_only.iterdir()) == []


def test_permission_denied_names_the_target_not_the_temporary_file(unprivileged):
    run, read_only, _ = unprivileged
    target = read_only / "x.csv"
    code = f"from rnnviz.io_utils import atomic_write_text; atomic_write_text({str(target)!r}, 'a')"
    result = subprocess.run([*run.prefix, sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, cwd=PROJECT_ROOT)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("PermissionError") and str(target) in last and ".tmp" not in last


def test_exploding_loss_stops_with_an_error_and_saves_no_diverged_model(tmp_path, capsys):
    path = tmp_path / "lr.npz"
    code = cli.main(["train", *TINY, "--lr", "1e6", "--checkpoint", str(path), "--checkpoint-every", "1"])
    assert code == 3
    err = capsys.readouterr().err
    assert "far above ln V" in err and "no checkpoint was written" in err
    assert not path.exists()


def test_second_run_on_a_checkpoint_is_refused_until_the_first_ends_even_by_kill_9(tmp_path, capsys):
    path = tmp_path / "m.npz"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from rnnviz.lm.checkpoint import CheckpointLock; "
         f"lock = CheckpointLock({str(path)!r}); print('locked', flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert cli.main(["train", *TINY, "--max-steps", "2", "--checkpoint", str(path)]) == 2
        line = one_error_line(capsys, f"checkpoint {path} is in use by another training run", "train")
        assert f"process {holder.pid}" in line
        assert not path.exists()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
        holder.stdout.close()
    assert cli.main(["train", *TINY, "--max-steps", "2", "--checkpoint", str(path)]) == 0
    assert load_checkpoint(path).position["step"] == 2


def test_failed_analyze_out_keeps_the_previous_set_whole(tmp_path, capsys, monkeypatch):
    out = tmp_path / "results"
    assert cli.main(["analyze", "--seq-len", "8", "--seed", "1", "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    from rnnviz.io_utils import AtomicFileSet

    real = AtomicFileSet.write_text
    calls = []

    def disk_full_on_the_third_file(self, name, text, **kwargs):
        calls.append(name)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", name)
        return real(self, name, text, **kwargs)

    monkeypatch.setattr(AtomicFileSet, "write_text", disk_full_on_the_third_file)
    assert cli.main(["analyze", "--seq-len", "8", "--seed", "2", "--out", str(out)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before   # no temporaries either
    assert json.loads(before["run.json"])["config"]["seed"] == 1


def test_two_sweeps_in_one_folder_keep_their_own_run_json(tmp_path, capsys):
    small = ["--hidden", "4", "--seq-len", "10", "--seeds", "1", "--workers", "1", "--quiet"]
    assert cli.main(["sweep", "--radius", "0.5,1", *small, "--out", str(tmp_path / "a.csv")]) == 0
    assert cli.main(["sweep", "--hidden", "4,6", "--seq-len", "10", "--seeds", "1", "--workers", "1",
                     "--quiet", "--out", str(tmp_path / "b.csv")]) == 0
    a = json.loads((tmp_path / "a_run.json").read_text())
    b = json.loads((tmp_path / "b_run.json").read_text())
    assert [axis["name"] for axis in a["spec"]["axes"]] == ["radius"]
    assert [axis["name"] for axis in b["spec"]["axes"]] == ["hidden_size"]
    assert a["files"]["rows"] == "a.csv" and b["files"]["rows"] == "b.csv"


def test_sample_streams_and_ctrl_c_keeps_the_text(tmp_path, capsys):
    checkpoint = tmp_path / "m.npz"
    assert cli.main(["train", *TINY, "--max-steps", "3", "--checkpoint", str(checkpoint)]) == 0
    environment = {k: v for k, v in os.environ.items() if k != "RNNVIZ_DEBUG"}
    process = subprocess.Popen([sys.executable, "-m", "rnnviz", "sample", "--checkpoint", str(checkpoint),
                                "--length", "10000000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=PROJECT_ROOT, env=environment,
                               # Ctrl-C as at a terminal, however the suite was started: a job a shell runs
                               # in the background inherits SIGINT ignored, Python then installs no handler,
                               # and the child drew on for the whole timeout
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        first = process.stdout.read(200)   # arrives long before ten million tokens are drawn
        assert len(first) == 200
        process.send_signal(signal.SIGINT)
        rest, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert err == b"" and (first + rest).endswith(b"\n")


def test_sample_length_beyond_the_limit_is_one_line(tmp_path, capsys):
    assert cli.main(["sample", "--checkpoint", str(tmp_path / "never-read.npz"),
                     "--length", "1000000000"]) == 2
    one_error_line(capsys, "--length must be in [0, 10,000,000], got 1,000,000,000", "sample")


# ----------------------------------------------------------------------------- hostile files

@pytest.fixture
def weights(tmp_path):
    path = tmp_path / "good.npz"
    net = NetConfig(cell="lstm", hidden_size=32, input_size=8)
    save_npz(path, init_params(net, seed=1), net)
    return path


def _npy_header(shape):
    import io

    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def test_hostile_weights_and_inputs_are_one_line(tmp_path, capsys, weights):
    raw = weights.read_bytes()
    cases = {}
    cases["t.npz"] = raw[:7573]
    crc = bytearray(raw)
    crc[300] ^= 0xFF
    cases["crc.npz"] = bytes(crc)
    cases["random.npz"] = np.random.default_rng(1).bytes(8000)
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
    with zipfile.ZipFile(tmp_path / "claims.npz", "w") as archive:
        archive.writestr("weight_hh_l0.npy", _npy_header((200000, 100000)) + b"\0" * 80)
    (tmp_path / "huge.npy").write_bytes(_npy_header((2**40, 58)) + b"\0" * 80)
    expected = {
        "t.npz": "is not a valid .npz: corrupt or truncated",
        "crc.npz": "Bad CRC-32",
        "random.npz": "is not a valid .npz (not a zip archive)",
        "claims.npz": "claims shape (200000, 100000) float64 (149.0 GiB) but the file holds only",
    }
    for name, fragment in expected.items():
        assert cli.main(["analyze", "--weights", str(tmp_path / name)]) == 2
        assert "pickle" not in one_error_line(capsys, fragment, "analyze")
    assert cli.main(["analyze", "--inputs", str(tmp_path / "huge.npy")]) == 2
    one_error_line(capsys, "TiB) but the file holds only 80 bytes of data", "analyze")


def test_resume_with_a_corrupt_rng_state_is_one_line(tmp_path, capsys):
    path = tmp_path / "m.npz"
    assert cli.main(["train", *TINY, "--max-steps", "2", "--checkpoint", str(path)]) == 0
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(arrays["__meta__"].tobytes())
    meta["rng_state"]["state"] = {"state": "not a number", "inc": -1}
    arrays["__meta__"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(path, **arrays)
    capsys.readouterr()
    assert cli.main(["train", "--resume", str(path), "--max-steps", "4", "--quiet"]) == 2
    one_error_line(capsys, "random-number state is corrupt", "train")


def test_endless_and_oversized_corpora_are_refused_at_once(tmp_path, capsys, monkeypatch):
    assert cli.main(["train", *TINY, "--corpus", "/dev/zero"]) == 2
    one_error_line(capsys, "/dev/zero is not a regular file", "train")
    corpus = tmp_path / "big.txt"
    corpus.write_text("the quick brown fox jumps over the lazy dog\n" * 50_000)
    import rnnviz.lm.data as data

    # a 2.2 MB corpus on a machine with 64 KiB free stands for a 1 GB one with too little memory
    monkeypatch.setattr(data, "available_memory", lambda: 1 << 16)
    for level in ("char", "word"):
        assert cli.main(["train", *TINY, "--corpus", str(corpus), "--level", level, "--max-steps", "1"]) == 2
        one_error_line(capsys, "ids need about", "train")


def test_a_model_that_would_not_fit_is_refused_with_the_estimate(capsys):
    # 4·H·(H + E) recurrent weights alone: 4e10 parameters, ~600 GiB with gradients and Adam state
    assert cli.main(["train", "--hidden", "100000", "--max-steps", "1"]) == 2
    one_error_line(capsys, "the model has 40,030,902,925 parameters (--hidden 100000", "train")


# ----------------------------------------------------------------------------- clearer words

def test_overflowing_radius_names_the_setting(capsys):
    assert cli.main(["analyze", "--cell", "rnn", "--radius", "1e308"]) == 2
    one_error_line(capsys, "--radius 1e+308 makes the recurrent weights so large", "analyze")


@pytest.mark.parametrize("arguments, fragment", [
    (["--hidden", "200000"], "--hidden must be in [1, 100000], got 200000"),
    (["--seq-len", "200000"], "--seq-len must be in [1, 100000], got 200000"),
    (["--layers", "65"], "--layers must be in [1, 64], got 65"),
])
def test_messages_name_the_flags_the_user_typed(capsys, arguments, fragment):
    assert cli.main(["analyze", *arguments]) == 2
    line = one_error_line(capsys, fragment, "analyze")
    assert "hidden_size" not in line and "seq_len" not in line and "num_layers" not in line


def test_train_messages_name_flags_too(capsys):
    assert cli.main(["train", "--embed", "0"]) == 2
    one_error_line(capsys, "--embed must be an integer >= 1, got 0", "train")


def test_a_bug_in_a_real_process_says_internal_error(tmp_path):
    # A run that hits an unexpected exception (here: numpy refusing to import inside a command)
    # exits 1 and says it is a bug; RNNVIZ_DEBUG=1 gives the traceback.
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "sitecustomize.py").write_text(
        "import rnnviz.commands.analyze as a\n"
        "def broken(args):\n    raise ZeroDivisionError('division by zero')\n"
        "a.run = broken\n")
    environment = {k: v for k, v in os.environ.items() if k != "RNNVIZ_DEBUG"}
    environment["PYTHONPATH"] = str(shadow)
    result = subprocess.run([sys.executable, "-m", "rnnviz", "analyze"], env=environment, cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.startswith("rnnviz analyze: internal error: ZeroDivisionError: division by zero")
    environment["RNNVIZ_DEBUG"] = "1"
    result = subprocess.run([sys.executable, "-m", "rnnviz", "analyze"], env=environment, cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" in result.stderr


def test_large_sweep_shows_progress_before_the_first_run(tmp_path):
    result = rnnviz_process("sweep", "--radius", "0.5:1.5:2000", "--hidden", "2", "--seq-len", "3",
                            "--seeds", "1", "--metric", "reach", "--workers", "1",
                            "--out", str(tmp_path / "s.csv"))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "rnnviz sweep: checking 2000 runs"
    assert lines[1].startswith("rnnviz sweep: 0/2000 runs (0%)")


@pytest.mark.parametrize("arguments, fragment", [
    (["sample", "--checkpoint", "m.npz", "--seed", "-1"], "--seed must be >= 0, got -1"),
    (["sample", "--checkpoint", "/dev/null"], "checkpoint file /dev/null is not a regular file"),
    (["sweep", "--spec", "/dev/zero", "--out", "x.csv"], "--spec: /dev/zero is not a regular file"),
    (["train", "--embedding", "pretrained-init", "--embedding-file", "/dev/zero"],
     "embedding file /dev/zero is not a regular file"),
    (["analyze", "--inputs", "/dev/zero"], "inputs file /dev/zero is not a regular file"),
    (["analyze", "--seed", str(2**70)], "--seed must be in [0, 9223372036854775807]"),
])
def test_odd_values_are_user_errors_never_internal_ones(capsys, arguments, fragment):
    assert cli.main(arguments) == 2
    one_error_line(capsys, fragment, arguments[0])

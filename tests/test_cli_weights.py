"""`rnnviz analyze --weights` for every format, and `--map`, on the torch-written fixtures."""
from __future__ import annotations

import csv
import json
import math
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from rnnviz import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "models"
LISTING = json.loads((FIXTURES / "expected.json").read_text())["models"]
LOG_TOL = 1e-10 / math.log(10)  # 1e-10 relative in a norm, in its log10


@pytest.fixture(scope="module")
def expected():
    with np.load(FIXTURES / "expected.npz", allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _inputs(tmp_path: Path, expected: dict, name: str) -> Path:
    path = tmp_path / f"{name}-x.npy"
    np.save(path, expected[f"{name}/x"])
    return path


def _json(capsys, *arguments) -> dict:
    assert cli.main(["analyze", *arguments, "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return json.loads(captured.out)


def _one_error(capsys, arguments, fragment) -> str:
    assert cli.main(["analyze", *arguments]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == "" and len(lines) == 1, lines
    assert lines[0].startswith("rnnviz analyze: error: ") and fragment in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(("name", "fmt"), [(name, fmt) for name in sorted(LISTING)
                                           for fmt in LISTING[name]["formats"]])
def test_analyze_gives_torchs_final_state_and_norms(capsys, tmp_path, expected, name, fmt):
    info = LISTING[name]
    result = _json(capsys, "--weights", str(FIXTURES / f"{name}.{fmt}"),
                   "--inputs", str(_inputs(tmp_path, expected, name)))
    config = result["config"]
    assert (config["cell"], config["hidden_size"], config["num_layers"], config["bidirectional"]) == \
        (info["cell"], info["hidden_size"], info["num_layers"], info["bidirectional"])
    top = (info["num_layers"] - 1) * (2 if info["bidirectional"] else 1)
    np.testing.assert_allclose(result["final_state"]["h"], expected[f"{name}/h_n"][top], rtol=1e-12)
    if "c" in result["final_state"]:
        np.testing.assert_allclose(result["final_state"]["c"], expected[f"{name}/c_n"][top], rtol=1e-12)
    curve = result["state_jacobian"]
    np.testing.assert_allclose(curve["log10_frobenius_norm"], expected[f"{name}/log10_frobenius"][0],
                               rtol=0, atol=LOG_TOL)
    assert result["config"]["precision"] == "exact"
    np.testing.assert_allclose(curve["log10_spectral_norm"], expected[f"{name}/log10_spectral"][0],
                               rtol=0, atol=LOG_TOL)


@pytest.mark.parametrize("suffix", [".csv", ".npy"])
def test_map_file_holds_every_anchor_and_k(capsys, tmp_path, expected, suffix):
    name = "lstm-2layer"
    out = tmp_path / f"map{suffix}"
    assert cli.main(["analyze", "--weights", str(FIXTURES / f"{name}.pt"),
                     "--inputs", str(_inputs(tmp_path, expected, name)), "--map", str(out)]) == 0
    capsys.readouterr()
    if suffix == ".npy":
        table = np.load(out, allow_pickle=False)
    else:
        with open(out, newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == ["anchor", "k", "log10_spectral_norm", "log10_frobenius_norm"]
        table = np.array([[float(v) for v in row] for row in rows[1:]])
    spectral, frobenius = expected[f"{name}/log10_spectral"], expected[f"{name}/log10_frobenius"]
    T = spectral.shape[0]
    assert table.shape == (T * (T + 1) // 2, 4)
    anchors, ks = table[:, 0].astype(int), table[:, 1].astype(int)
    assert sorted(zip(anchors, ks)) == [(t0, k) for t0 in range(T) for k in range(1, T - t0 + 1)]
    np.testing.assert_allclose(table[:, 3], frobenius[anchors, ks - 1], rtol=0, atol=LOG_TOL)
    np.testing.assert_allclose(table[:, 2], spectral[anchors, ks - 1], rtol=0, atol=LOG_TOL)
    assert list(tmp_path.glob(".*")) == []  # atomic: no temporary left behind


def test_map_path_is_checked_before_any_work(capsys, tmp_path):
    _one_error(capsys, ["--map", str(tmp_path / "map.txt")], "--map")
    _one_error(capsys, ["--map", str(tmp_path / "missing" / "map.csv")], "does not exist")


def test_flags_must_agree_with_a_state_dict(capsys, tmp_path, expected):
    path = str(FIXTURES / "gru-bidirectional.pt")
    _one_error(capsys, ["--weights", path, "--hidden", "9"],
               "--hidden 9 does not match the weights file, which has --hidden 4")
    _one_error(capsys, ["--weights", path, "--cell", "lstm"], "not a lstm network")
    # a state dict does not fix Cho's form or the activation: the flags choose them
    result = _json(capsys, "--weights", path, "--cell", "gru-cho", "--activation", "relu", "--seq-len", "4")
    assert (result["config"]["cell"], result["config"]["activation"]) == ("gru-cho", "relu")
    _one_error(capsys, ["--weights", str(FIXTURES / "gru-bidirectional.onnx"), "--cell", "gru-cho"],
               "--cell gru-cho does not match the weights file, which has --cell gru")


class _Shell:
    def __reduce__(self):
        import os

        return os.system, ("touch pwned",)


def test_hostile_model_files_are_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evil = tmp_path / "evil.pt"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"weight_hh_l0": _Shell()}, protocol=2))
    line = _one_error(capsys, ["--weights", str(evil)], "not a PyTorch state dict: found ")
    assert "system" in line and not (tmp_path / "pwned").exists()
    raw = (FIXTURES / "rnn-tanh.pt").read_bytes()
    (tmp_path / "cut.pt").write_bytes(raw[:len(raw) // 2])
    _one_error(capsys, ["--weights", str(tmp_path / "cut.pt")], "cut.pt")
    _one_error(capsys, ["--weights", str(FIXTURES / "wrong-shape.pt")], "weight_hh_l0 has shape (16, 5)")
    raw = (FIXTURES / "rnn-tanh.onnx").read_bytes()
    (tmp_path / "cut.onnx").write_bytes(raw[:len(raw) // 2])
    _one_error(capsys, ["--weights", str(tmp_path / "cut.onnx")], "not a readable ONNX model")
    raw = (FIXTURES / "rnn-tanh.safetensors").read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(raw[:len(raw) - 40])
    _one_error(capsys, ["--weights", str(tmp_path / "cut.safetensors")], "not a readable safetensors file")


def test_a_live_torch_module_round_trips(tmp_path, capsys, torch):
    """Runs where torch is installed, and always in CI (the fixture tests above always run)."""
    module = torch.nn.LSTM(2, 3, num_layers=2, bidirectional=True).double()
    torch.save(module.state_dict(), tmp_path / "live.pt")
    x = torch.randn(5, 1, 2, dtype=torch.float64)
    with torch.no_grad():
        _, (h_n, c_n) = module(x)
    np.save(tmp_path / "x.npy", x.numpy())
    result = _json(capsys, "--weights", str(tmp_path / "live.pt"), "--inputs", str(tmp_path / "x.npy"))
    np.testing.assert_allclose(result["final_state"]["h"], h_n.numpy()[2], rtol=1e-12)
    np.testing.assert_allclose(result["final_state"]["c"], c_n.numpy()[2], rtol=1e-12)

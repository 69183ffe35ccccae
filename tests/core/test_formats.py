"""Weights files written by torch, safetensors and the ONNX exporter (tests/fixtures/models, made by
tools/make_fixtures.py): rnnviz reads them without torch and computes what torch computed."""
from __future__ import annotations

import io
import json
import math
import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

from rnnviz.core import reference
from rnnviz.core.analysis import ExperimentConfig, run_fast
from rnnviz.core.config import ConfigError, NetConfig
from rnnviz.core.formats import read_network, sniff
from rnnviz.core.formats.onnx_io import read_onnx
from rnnviz.core.formats.torchzip import interpret, read_state_dict
from rnnviz.core.params import init_params, save_npz

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "models"
LISTING = json.loads((FIXTURES / "expected.json").read_text())["models"]
FORMATS = ("pt", "safetensors", "onnx")
# pt, safetensors, onnx (torch's TorchScript exporter) and, for LSTM and GRU, dynamo.onnx (its
# torch.export-based exporter, weights in a .data file beside it)
CASES = [(name, fmt) for name, info in LISTING.items() for fmt in info["formats"]]
assert {fmt for _, fmt in CASES} == {*FORMATS, "dynamo.onnx"}


@pytest.fixture(scope="module")
def expected():
    with np.load(FIXTURES / "expected.npz", allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _config(net: NetConfig, seq_len: int, anchor: int = 0) -> ExperimentConfig:
    return ExperimentConfig(
        cell=net.cell, activation=net.activation, leaky_slope=net.leaky_slope,
        hidden_size=net.hidden_size, input_size=net.input_size, num_layers=net.num_layers,
        bidirectional=net.bidirectional, radius=None, seq_len=seq_len, batch=1, anchor=anchor)


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_every_fixture_gives_the_architecture_torch_had(name, fmt):
    loaded = read_network(FIXTURES / f"{name}.{fmt}")
    info = LISTING[name]
    assert loaded.format == fmt.removeprefix("dynamo.")
    assert loaded.net == NetConfig(cell=info["cell"], activation=info["activation"],
                                   input_size=info["input_size"], hidden_size=info["hidden_size"],
                                   num_layers=info["num_layers"], bidirectional=info["bidirectional"])
    assert all(v.dtype == np.dtype(info["dtype"]) for v in loaded.params.values())


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_final_states_and_jacobian_norms_equal_torch(name, fmt, expected):
    loaded = read_network(FIXTURES / f"{name}.{fmt}")
    x = expected[f"{name}/x"]
    T = x.shape[0]
    fast = run_fast(_config(loaded.net, T), params=loaded.params, inputs=x)
    np.testing.assert_allclose(fast.final_state["h"], expected[f"{name}/h_n"], rtol=1e-12, atol=1e-300)
    if loaded.net.is_lstm:
        np.testing.assert_allclose(fast.final_state["c"], expected[f"{name}/c_n"], rtol=1e-12)
    # Every anchor: exact norms of the engine's Jacobian products against torch autograd's.
    assert fast.jacobians.shape[0] == T
    spectral, frobenius = expected[f"{name}/log10_spectral"], expected[f"{name}/log10_frobenius"]
    for t0 in range(T):
        curve = reference.anchor_curve(fast.jacobians, t0)
        # 1e-10 relative in the norm is 1e-10 / ln 10 in its log10
        tol = 1e-10 / math.log(10)
        np.testing.assert_allclose(curve["log10_spectral"], spectral[t0, :T - t0], rtol=0, atol=tol)
        np.testing.assert_allclose(curve["log10_frobenius"], frobenius[t0, :T - t0], rtol=0, atol=tol)
    # The engine's own anchor curve (Lanczos at the explorer's tolerance for the spectral norm).
    np.testing.assert_allclose(fast.curve["log10_frobenius"], frobenius[0], rtol=0, atol=1e-10)
    np.testing.assert_allclose(fast.curve["log10_spectral"], spectral[0], rtol=0, atol=1e-5)


def test_three_formats_hold_the_same_weights():
    for name in LISTING:
        tensors = [read_network(FIXTURES / f"{name}.{fmt}").params for fmt in LISTING[name]["formats"]]
        for other in tensors[1:]:
            assert sorted(other) == sorted(tensors[0])
            for key, value in tensors[0].items():
                np.testing.assert_array_equal(other[key], value, err_msg=f"{name} {key}")


def test_dtypes_strides_and_offsets_of_torch_tensors():
    arrays = read_state_dict(FIXTURES / "tensors.pt")
    with np.load(FIXTURES / "tensors-expected.npz", allow_pickle=False) as archive:
        for name in archive.files:
            np.testing.assert_array_equal(arrays[name], archive[name], err_msg=name)
            assert arrays[name].dtype == archive[name].dtype, name
    assert arrays["float16"].dtype == np.float32 and arrays["bfloat16"].dtype == np.float32
    assert arrays["transposed"].shape == (6, 4) and arrays["offset"].shape == (2, 3)
    np.testing.assert_array_equal(arrays["transposed"], arrays["float64"].T)
    np.testing.assert_array_equal(arrays["offset"], arrays["float64"][1:3, 2:5])


# ----------------------------------------------------------------------------- hostile files


class _System:
    def __reduce__(self):
        import os

        return os.system, ("echo this must never run",)


def _torch_zip(path: Path, pickled: bytes, storages: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickled)
        for key, data in (storages or {}).items():
            archive.writestr(f"archive/data/{key}", data)
        archive.writestr("archive/version", "3\n")
    return path


def test_a_pickle_that_calls_os_system_is_refused_without_running(tmp_path, capfd):
    path = _torch_zip(tmp_path / "evil.pt", pickle.dumps({"weight_hh_l0": _System()}, protocol=2))
    with pytest.raises(ConfigError, match=r"not a PyTorch state dict: found (posix|os|nt)\.system, "
                                          r"expected only tensors"):
        read_state_dict(path)
    assert "must never run" not in capfd.readouterr().out
    for protocol in (3, 4, 5):  # STACK_GLOBAL, MEMOIZE, FRAME
        with pytest.raises(ConfigError, match=r"found (posix|os|nt)\.system"):
            interpret(pickle.dumps([_System()], protocol=protocol))


def test_other_objects_and_opcodes_are_not_a_state_dict():
    with pytest.raises(ConfigError, match="found builtins.eval"):
        interpret(b"\x80\x02cbuiltins\neval\nX\x01\x00\x00\x001\x85R.")
    with pytest.raises(ConfigError, match=r"found pickle opcode b'I'"):
        interpret(b"I1\n.")
    with pytest.raises(ConfigError, match="the pickle ends early"):
        interpret(pickle.dumps(OrderedDict(a=1), protocol=2)[:-5])


def test_a_pickle_of_something_else_is_named(tmp_path):
    path = _torch_zip(tmp_path / "list.pt", pickle.dumps([1, 2, 3], protocol=2))
    with pytest.raises(ConfigError, match="found a list, expected a dict of tensors"):
        read_state_dict(path)
    path = _torch_zip(tmp_path / "number.pt", pickle.dumps({"weight_hh_l0": 3}, protocol=2))
    with pytest.raises(ConfigError, match="entry 'weight_hh_l0' is a int, expected a tensor"):
        read_state_dict(path)


def test_truncated_archive_is_one_line(tmp_path):
    raw = (FIXTURES / "lstm-2layer.pt").read_bytes()
    for cut in (len(raw) // 2, len(raw) - 30, 100):
        path = tmp_path / f"cut{cut}.pt"
        path.write_bytes(raw[:cut])
        with pytest.raises(ConfigError) as info:
            read_network(path)
        assert "\n" not in str(info.value) and "pickle" not in str(info.value).replace("the pickle", "")


def test_storage_that_does_not_hold_its_tensor_is_refused(tmp_path):
    raw = (FIXTURES / "tensors.pt").read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    storage = next(n for n in entries if "/data/" in n)
    entries[storage] = entries[storage][:-8]
    path = tmp_path / "short.pt"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    with pytest.raises(ConfigError, match=r"holds \d+ bytes, the pickle says \d+ elements"):
        read_state_dict(path)


def test_wrong_shaped_tensor_names_the_tensor():
    with pytest.raises(ConfigError, match=r"wrong-shape.pt: weight_hh_l0 has shape \(16, 5\); expected \(G\*H, H\)"):
        read_network(FIXTURES / "wrong-shape.pt")


def test_state_dict_with_a_prefix_and_other_tensors(tmp_path):
    net = NetConfig(cell="gru", input_size=2, hidden_size=3)
    params = init_params(net, "pytorch", seed=1)
    arrays = {f"encoder.rnn.{k}": v for k, v in params.items()}
    arrays["head.weight"] = np.ones((2, 3))
    from safetensors.numpy import save_file

    save_file(arrays, str(tmp_path / "m.safetensors"))
    loaded = read_network(tmp_path / "m.safetensors")
    assert loaded.net == net and loaded.ignored == ["head.weight"]
    assert read_network(tmp_path / "m.safetensors", cell="gru-cho").net.cell == "gru-cho"
    with pytest.raises(ConfigError, match=r"has 3 gate block\(s\) per layer \(gru, gru-cho, lstm-cifg\), "
                                          "not a lstm network"):
        read_network(tmp_path / "m.safetensors", cell="lstm")
    save_file({"embedding.weight": np.ones((4, 2))}, str(tmp_path / "none.safetensors"))
    with pytest.raises(ConfigError, match=r"does not describe a recurrent network: found embedding.weight "
                                          r"\(4, 2\); expected weight_ih_l0"):
        read_network(tmp_path / "none.safetensors")


def test_bias_free_module_gets_zero_biases(tmp_path):
    from safetensors.numpy import save_file

    net = NetConfig(cell="rnn", input_size=2, hidden_size=3, num_layers=2)
    params = init_params(net, "pytorch", seed=1)
    save_file({k: v for k, v in params.items() if k.startswith("weight")}, str(tmp_path / "nobias.safetensors"))
    loaded = read_network(tmp_path / "nobias.safetensors")
    assert loaded.net == net
    assert not np.any(loaded.params["bias_ih_l1"]) and loaded.params["bias_hh_l1"].shape == (3,)


def test_npz_as_before(tmp_path):
    net = NetConfig(cell="lstm-cifg", activation="relu", input_size=2, hidden_size=3)
    params = init_params(net, "pytorch", seed=1)
    save_npz(tmp_path / "w.npz", params, net)
    loaded = read_network(tmp_path / "w.npz")
    assert loaded.complete and loaded.net == net
    np.savez(tmp_path / "plain.npz", **params)
    assert read_network(tmp_path / "plain.npz", cell="lstm-cifg", activation="relu").net == net


def test_format_is_recognised_by_content(tmp_path):
    for src, fmt in (("lstm-2layer.pt", "pt"), ("lstm-2layer.safetensors", "safetensors")):
        copy = tmp_path / "weights.bin"
        copy.write_bytes((FIXTURES / src).read_bytes())
        assert sniff(copy) == fmt
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(ConfigError, match="unknown format; expected .npz, .pt/.pth, .safetensors or .onnx"):
        sniff(tmp_path / "x.txt")
    (tmp_path / "legacy.pt").write_bytes(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.")
    with pytest.raises(ConfigError, match="not a zip archive: not a PyTorch state dict"):
        read_network(tmp_path / "legacy.pt")
    (tmp_path / "bad.onnx").write_bytes(b"\xff\xff\xff garbage")
    with pytest.raises(ConfigError, match="not a readable ONNX model"):
        read_network(tmp_path / "bad.onnx")
    (tmp_path / "bad.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{")
    with pytest.raises(ConfigError, match="not a valid .safetensors file|not a readable safetensors"):
        read_network(tmp_path / "bad.safetensors")


# ----------------------------------------------------------------------------- ONNX cells torch lacks


def _onnx_model(path: Path, op: str, H: int, inputs: int, *, D: int = 1, peephole: bool = False,
                seed: int = 0, **attributes) -> dict[str, np.ndarray]:
    """One ONNX recurrent operator with seeded float64 weights; returns its initializers."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    G = {"RNN": 1, "LSTM": 4, "GRU": 3}[op]
    rng = np.random.default_rng(seed)
    values = {"W": rng.normal(0, 0.6, (D, G * H, inputs)), "R": rng.normal(0, 0.6, (D, G * H, H)),
              "B": rng.normal(0, 0.3, (D, 2 * G * H))}
    names = ["x", "W", "R", "B"]
    if peephole:
        values["P"] = rng.normal(0, 0.5, (D, 3 * H))
        names += ["", "", "", "P"]
    attributes.setdefault("direction", "bidirectional" if D == 2 else "forward")
    node = helper.make_node(op, names, ["y", "y_h"] + (["y_c"] if op == "LSTM" else []), hidden_size=H,
                            **attributes)
    outputs = [helper.make_tensor_value_info("y_h", TensorProto.DOUBLE, None)]
    if op == "LSTM":
        outputs.append(helper.make_tensor_value_info("y_c", TensorProto.DOUBLE, None))
    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None, 1, inputs])], outputs,
        initializer=[numpy_helper.from_array(v, k) for k, v in values.items()])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), str(path))
    return values


@pytest.mark.parametrize(("op", "attributes", "D", "peephole", "cell"), [
    ("LSTM", {}, 1, True, "lstm-peephole"),
    ("LSTM", {}, 2, True, "lstm-peephole"),
    ("GRU", {"linear_before_reset": 0}, 1, False, "gru-cho"),
    ("GRU", {"linear_before_reset": 1}, 2, False, "gru"),
    ("RNN", {}, 2, False, "rnn"),
])
def test_onnx_cells_compute_what_the_onnx_reference_computes(tmp_path, op, attributes, D, peephole, cell):
    from onnx.reference import ReferenceEvaluator

    path = tmp_path / "m.onnx"
    _onnx_model(path, op, 4, 3, D=D, peephole=peephole, **attributes)
    loaded = read_network(path)
    assert (loaded.net.cell, loaded.net.activation, loaded.net.num_directions) == (cell, "tanh", D)
    x = np.random.default_rng(5).normal(size=(6, 1, 3))
    outputs = ReferenceEvaluator(str(path)).run(None, {"x": x})
    fast = run_fast(_config(loaded.net, 6), params=loaded.params, inputs=x)
    np.testing.assert_allclose(fast.final_state["h"], outputs[0], rtol=1e-12, atol=1e-15)
    if op == "LSTM":
        np.testing.assert_allclose(fast.final_state["c"], outputs[1], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("op", "activations", "activation"), [
    ("RNN", ["Relu"], "relu"), ("LSTM", ["Sigmoid", "Sigmoid", "Sigmoid"] * 2, "sigmoid"),
    ("GRU", ["Sigmoid", "LeakyRelu"], "leaky-relu")])
def test_onnx_activations(tmp_path, op, activations, activation):
    D = 2 if len(activations) == 6 else 1
    _onnx_model(tmp_path / "m.onnx", op, 3, 2, D=D, activations=activations)
    assert read_network(tmp_path / "m.onnx").net.activation == activation


def test_onnx_cifg_takes_the_i_c_o_blocks(tmp_path):
    values = _onnx_model(tmp_path / "cifg.onnx", "LSTM", 3, 2, input_forget=1)
    loaded = read_network(tmp_path / "cifg.onnx")
    assert loaded.net.cell == "lstm-cifg"
    H = 3
    W, R, B = values["W"][0], values["R"][0], values["B"][0]
    block = lambda a, i: a[i * H:(i + 1) * H]  # noqa: E731  ONNX order i, o, f, c
    np.testing.assert_array_equal(loaded.params["weight_ih_l0"], np.concatenate([block(W, 0), block(W, 3), block(W, 1)]))
    np.testing.assert_array_equal(loaded.params["weight_hh_l0"], np.concatenate([block(R, 0), block(R, 3), block(R, 1)]))
    np.testing.assert_array_equal(loaded.params["bias_hh_l0"], np.concatenate([block(B[4 * H:], i) for i in (0, 3, 1)]))


@pytest.mark.parametrize(("op", "attributes", "fragment"), [
    ("RNN", {"activations": ["Softsign"]}, r"has activations \['Softsign'\]; supported: Sigmoid gates and "
                                           "one of Tanh, Sigmoid, Relu, LeakyRelu"),
    ("LSTM", {"activations": ["Sigmoid", "Tanh", "Relu"]}, "for the candidate and the cell output"),
    ("GRU", {"activations": ["HardSigmoid", "Tanh"]}, "has activations"),
    ("LSTM", {"clip": 3.0}, r"clips its gate pre-activations to ±3; rnnviz has no clipped cells"),
    ("RNN", {"clip": 0.5}, "no clipped cells"),
    ("GRU", {"direction": "reverse"}, r"has direction 'reverse'; expected forward or bidirectional \(rnnviz has "
                                      r"no reverse-only layers: export the layer as forward and feed it x\[::-1\]\)"),
    ("LSTM", {"direction": "reverse"}, "no reverse-only layers"),
])
def test_unsupported_onnx_operators_say_why(tmp_path, op, attributes, fragment):
    _onnx_model(tmp_path / "m.onnx", op, 3, 2, **attributes)
    with pytest.raises(ConfigError, match=fragment):
        read_network(tmp_path / "m.onnx")


@pytest.mark.parametrize(("op", "D", "attributes"), [
    ("LSTM", 1, {}), ("GRU", 2, {"linear_before_reset": 1}), ("GRU", 1, {"linear_before_reset": 0}), ("RNN", 1, {})])
def test_onnx_batch_first_layout_is_the_same_network(tmp_path, op, D, attributes):
    """layout=1 only transposes X and Y: the (batch, T, input) inputs the ONNX reference runs give its
    final states when rnnviz runs them as (T, batch, input)."""
    from onnx.reference import ReferenceEvaluator

    path = tmp_path / "batch_first.onnx"
    _onnx_model(path, op, 4, 3, D=D, layout=1, **attributes)
    loaded = read_network(path)
    x_batch_first = np.random.default_rng(7).normal(size=(2, 6, 3))
    outputs = ReferenceEvaluator(str(path)).run(None, {"x": x_batch_first})
    x = np.swapaxes(x_batch_first, 0, 1)
    config = _config(loaded.net, 6).replace(batch=2)
    fast = run_fast(config, params=loaded.params, inputs=x)
    # Y_h is (batch, directions, H) in layout 1; rnnviz's final state (directions, batch, H)
    np.testing.assert_allclose(fast.final_state["h"], np.swapaxes(outputs[0], 0, 1), rtol=1e-12, atol=1e-15)
    if op == "LSTM":
        np.testing.assert_allclose(fast.final_state["c"], np.swapaxes(outputs[1], 0, 1), rtol=1e-12, atol=1e-15)


def test_onnx_without_recurrent_operators(tmp_path):
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    onnx.save(helper.make_model(graph), str(tmp_path / "relu.onnx"))
    with pytest.raises(ConfigError, match="found no recurrent operator \\(operators: Relu\\); expected ONNX RNN, "
                                          "LSTM or GRU operators"):
        read_onnx(tmp_path / "relu.onnx")


def _text(value: str) -> bytes:
    data = value.encode()
    return b"X" + len(data).to_bytes(4, "little") + data


def _tensor_pickle(size: tuple, stride: tuple, numel: int) -> bytes:
    """A protocol-2 pickle of {"w": tensor} as torch writes it, with the given size and stride."""
    ints = lambda values: b"(" + b"".join(b"J" + v.to_bytes(4, "little") for v in values) + b"t"  # noqa: E731
    return (b"\x80\x02}" + _text("w") + b"ctorch._utils\n_rebuild_tensor_v2\n("
            + b"(" + _text("storage") + b"ctorch\nDoubleStorage\n" + _text("0") + _text("cpu")
            + b"J" + numel.to_bytes(4, "little") + b"tQ"
            + b"K\x00" + ints(size) + ints(stride) + b"\x89N" + b"tRs.")


def test_hand_written_state_dict_pickle_and_a_tensor_larger_than_its_storage(tmp_path):
    values = np.arange(6, dtype="<f8")
    good = _torch_zip(tmp_path / "good.pt", _tensor_pickle((3, 2), (1, 3), 6), {"0": values.tobytes()})
    np.testing.assert_array_equal(read_state_dict(good)["w"], values.reshape(2, 3).T)
    bomb = _torch_zip(tmp_path / "bomb.pt", _tensor_pickle((100000, 100000), (0, 0), 1),
                      {"0": values[:1].tobytes()})
    with pytest.raises(ConfigError, match=r"tensor w of size \(100000, 100000\) has more elements "
                                          r"\(10000000000\) than its storage \(1\)"):
        read_state_dict(bomb)
    past = _torch_zip(tmp_path / "past.pt", _tensor_pickle((3, 2), (2, 3), 6), {"0": values.tobytes()})
    with pytest.raises(ConfigError, match="reaches past its storage of 6 elements"):
        read_state_dict(past)


def test_training_checkpoint_gives_the_models_state_dict(tmp_path):
    """torch.save({"epoch", "model_state_dict", "optimizer_state_dict" (Adam), ...})."""
    loaded = read_network(FIXTURES / "checkpoint.pt")
    assert loaded.net == NetConfig(cell="gru", input_size=2, hidden_size=3)
    with np.load(FIXTURES / "checkpoint-expected.npz", allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(loaded.params)
        for name in archive.files:
            np.testing.assert_array_equal(loaded.params[name], archive[name])
    path = _torch_zip(tmp_path / "meta.pt", pickle.dumps({"epoch": 3, "lr": 0.1}, protocol=2))
    with pytest.raises(ConfigError, match=r"entry 'epoch' is a int, expected a tensor \(nor is there a dict "
                                          "of tensors under state_dict, model_state_dict"):
        read_state_dict(path)


def test_bfloat16_safetensors_become_float32(tmp_path):
    # a safetensors file as safetensors.torch writes a bfloat16 tensor: header, then 2-byte values
    header = json.dumps({"w": {"dtype": "BF16", "shape": [3], "data_offsets": [0, 6]}}).encode()
    path = tmp_path / "bf16.safetensors"
    values = np.array([1.5, -2.0, 0.0078125], dtype=np.float32)  # exact in bfloat16
    path.write_bytes(len(header).to_bytes(8, "little") + header + (values.view(np.uint32) >> 16).astype("<u2").tobytes())
    from rnnviz.core.formats import _read_safetensors

    arrays = _read_safetensors(path)  # onnx, in the test extra, brings ml_dtypes: NumPy has bfloat16
    assert arrays["w"].dtype == np.float32
    np.testing.assert_array_equal(arrays["w"], values)

"""Regenerate tests/fixtures/models/: small torch RNN/LSTM/GRU models saved as .pt, .safetensors and
.onnx, with what torch computes for them (final states, Jacobian norms by autograd) beside them.

Needs torch, safetensors, onnx and onnxscript (for torch's torch.export-based ONNX exporter,
whose files are NAME.dynamo.onnx; torch is not a dependency of rnnviz; the tests read the committed
files without it):

    python tools/make_fixtures.py

expected.npz holds, for each model NAME: NAME/x (T, 1, input) inputs, NAME/h_n and NAME/c_n (torch's
final states, (layers·directions, 1, H)), NAME/log10_spectral and NAME/log10_frobenius ((T, T),
entry [t0, k-1] = log10 ||ds_(t0+k)/ds_t0|| of the forward direction, NaN where t0 + k > T).
expected.json lists the models with their architecture. tensors.pt holds tensors stored in other
dtypes, strides and offsets, tensors-expected.npz their values; checkpoint.pt a GRU's state dict
beside an Adam optimizer's state (checkpoint-expected.npz the weights); wrong-shape.pt an LSTM state dict
with a weight of the wrong shape.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "models"
T = 7

MODELS = {
    # name: (module class, cell, kwargs)
    "lstm-2layer": (torch.nn.LSTM, "lstm", dict(input_size=3, hidden_size=5, num_layers=2,
                                                dtype=torch.float64)),
    "gru-bidirectional": (torch.nn.GRU, "gru", dict(input_size=3, hidden_size=4, bidirectional=True,
                                                    dtype=torch.float64)),
    "rnn-tanh": (torch.nn.RNN, "rnn", dict(input_size=3, hidden_size=6, nonlinearity="tanh",
                                           dtype=torch.float64)),
    # saved in float32 (torch's default); the expected values are computed in float64 from the
    # same (exactly representable) weights
    "lstm-float32": (torch.nn.LSTM, "lstm", dict(input_size=2, hidden_size=4, dtype=torch.float32)),
}


def _cells(module):
    """One torch cell per layer of the forward direction, holding the module's own weights."""
    kind = {torch.nn.LSTM: torch.nn.LSTMCell, torch.nn.GRU: torch.nn.GRUCell,
            torch.nn.RNN: torch.nn.RNNCell}[type(module)]
    cells = []
    for layer in range(module.num_layers):
        size = module.input_size if layer == 0 else module.hidden_size * (2 if module.bidirectional else 1)
        extra = {"nonlinearity": module.nonlinearity} if isinstance(module, torch.nn.RNN) else {}
        cell = kind(size, module.hidden_size, dtype=torch.float64, **extra)
        with torch.no_grad():
            for part in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(cell, part).copy_(getattr(module, f"{part}_l{layer}"))
        cells.append(cell)
    return cells


def _norm_map(module, x):
    """log10 norms of ds_(t0+k)/ds_t0 for the forward direction, by autograd through torch's cells."""
    is_lstm = isinstance(module, torch.nn.LSTM)
    H, L = module.hidden_size, module.num_layers
    per_layer = 2 * H if is_lstm else H
    cells = _cells(module)
    # The reverse direction's outputs feed the layers above as fixed inputs.
    with torch.no_grad():
        below = []
        inp = x
        for layer in range(L):
            single = type(module)(inp.shape[-1], H, bidirectional=module.bidirectional, dtype=torch.float64,
                                  **({"nonlinearity": module.nonlinearity} if isinstance(module, torch.nn.RNN) else {}))
            for name, _ in single.named_parameters():
                getattr(single, name).copy_(getattr(module, name.replace("_l0", f"_l{layer}")))
            out = single(inp)[0]
            below.append(out[..., H:] if module.bidirectional else None)
            inp = out

    def step(s, t):
        states = []
        layer_in = x[t, 0]
        for layer, cell in enumerate(cells):
            part = s[layer * per_layer:(layer + 1) * per_layer]
            if layer > 0 and module.bidirectional:
                layer_in = torch.cat([layer_in, below[layer - 1][t, 0]])
            if is_lstm:
                h, c = cell(layer_in[None], (part[None, :H], part[None, H:]))
                states += [h[0], c[0]]
            else:
                h = cell(layer_in[None], part[None])
                states.append(h[0])
            layer_in = states[-2] if is_lstm else states[-1]
        return torch.cat(states)

    # forward states s_t, t = 0 .. T
    s = [torch.zeros(L * per_layer, dtype=torch.float64)]
    with torch.no_grad():
        for t in range(T):
            s.append(step(s[-1], t))
    spectral = np.full((T, T), np.nan)
    frobenius = np.full((T, T), np.nan)
    for t0 in range(T):
        for k in range(1, T - t0 + 1):
            def run(state, t0=t0, k=k):
                for t in range(t0, t0 + k):
                    state = step(state, t)
                return state
            J = torch.autograd.functional.jacobian(run, s[t0]).numpy()
            spectral[t0, k - 1] = np.log10(np.linalg.svd(J, compute_uv=False)[0])
            frobenius[t0, k - 1] = np.log10(np.sqrt(np.sum(J * J)))
    return spectral, frobenius


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    expected, listing = {}, {}
    for name, (kind, cell, kwargs) in MODELS.items():
        saved = kind(**kwargs).eval()
        module = kind(**{**kwargs, "dtype": torch.float64}).eval()
        module.load_state_dict({k: v.double() for k, v in saved.state_dict().items()})
        x = torch.randn(T, 1, kwargs["input_size"], dtype=torch.float64)
        with torch.no_grad():
            out, state = module(x)
        h_n, c_n = state if isinstance(state, tuple) else (state, None)
        state_dict = {k: v.detach().clone() for k, v in saved.state_dict().items()}
        torch.save(saved.state_dict(), OUT / f"{name}.pt")
        save_file(state_dict, str(OUT / f"{name}.safetensors"))
        torch.onnx.export(saved, (x.to(state_dict["weight_hh_l0"].dtype),), str(OUT / f"{name}.onnx"),
                          input_names=["x"], dynamo=False)
        formats = ["pt", "safetensors", "onnx"]
        if kind is not torch.nn.RNN:  # the torch.export-based exporter unrolls nn.RNN into MatMul/Tanh
            torch.onnx.export(saved, (x.to(state_dict["weight_hh_l0"].dtype),),
                              str(OUT / f"{name}.dynamo.onnx"), dynamo=True)
            formats.append("dynamo.onnx")
        expected[f"{name}/x"] = x.numpy()
        expected[f"{name}/h_n"] = h_n.numpy()
        if c_n is not None:
            expected[f"{name}/c_n"] = c_n.numpy()
        expected[f"{name}/log10_spectral"], expected[f"{name}/log10_frobenius"] = _norm_map(module, x)
        listing[name] = {"cell": cell, "activation": kwargs.get("nonlinearity", "tanh"),
                         "input_size": kwargs["input_size"], "hidden_size": kwargs["hidden_size"],
                         "num_layers": kwargs.get("num_layers", 1),
                         "bidirectional": kwargs.get("bidirectional", False), "seq_len": T,
                         "dtype": str(state_dict["weight_hh_l0"].dtype).removeprefix("torch."),
                         "formats": formats}
    np.savez(OUT / "expected.npz", **expected)
    (OUT / "expected.json").write_text(json.dumps({"torch": torch.__version__, "models": listing},
                                                  indent=2) + "\n")

    # dtypes, strides and offsets
    base = torch.arange(24, dtype=torch.float64).reshape(4, 6) / 7
    tensors = {
        "float64": base.clone(),
        "float32": base.float(),
        "float16": base.half(),
        "bfloat16": base.bfloat16(),
        "transposed": base.t(),                 # stride (1, 6)
        "offset": base[1:3, 2:5],               # storage offset 8, stride (6, 1)
        "scalar": torch.tensor(2.5, dtype=torch.float64),
        "empty": torch.zeros(0, 3),
    }
    torch.save(tensors, OUT / "tensors.pt")
    np.savez(OUT / "tensors-expected.npz",
             **{k: (v.float() if v.dtype in (torch.float16, torch.bfloat16) else v).numpy()
                for k, v in tensors.items()})
    # a training checkpoint: the model's state dict beside an optimizer's state and an epoch
    gru = torch.nn.GRU(2, 3, dtype=torch.float64)
    optimizer = torch.optim.Adam(gru.parameters(), lr=1e-3, betas=(0.9, 0.99))
    gru(torch.randn(4, 1, 2, dtype=torch.float64))[0].sum().backward()
    optimizer.step()
    torch.save({"epoch": 3, "model_state_dict": gru.state_dict(), "optimizer_state_dict": optimizer.state_dict(),
                "loss": 0.25, "note": "fixture"}, OUT / "checkpoint.pt")
    np.savez(OUT / "checkpoint-expected.npz", **{k: v.detach().numpy() for k, v in gru.state_dict().items()})
    bad = torch.nn.LSTM(3, 4).double().state_dict()
    bad["weight_hh_l0"] = torch.zeros(16, 5, dtype=torch.float64)
    torch.save(bad, OUT / "wrong-shape.pt")
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Tokens/s of one full language-model training step: rnnviz against PyTorch CPU, same run.

One step = embedding lookup, recurrent forward, softmax head, BPTT, global-norm clipping and an
Adam update, with the hidden state carried from the previous step. Model: vocabulary 65,
embedding 128, one layer of 256 hidden units, batch 32, T = 64, float32 -- for LSTM, GRU and the
Elman RNN (tanh). PyTorch (if importable) runs the same model with ``torch.set_num_threads(2)``.

Prints one line per cell (median over the repeats), a breakdown line (rnnviz's whole step, its
forward alone, forward + head + backward without clipping and Adam, and the time of the step's
matrix products alone: a lower bound for this implementation at this BLAS speed) and, last,
``train_vs_torch lstm=<x> gru=<y> rnn=<z>`` with x = rnnviz tokens/s / PyTorch tokens/s (goal >= 1.2).

    python benchmarks/bench_train.py [--repeats 15] [--blas-threads N] [--torch-threads 2] [--profile]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

VOCAB, EMBED, HIDDEN, BATCH, SEQ_LEN = 65, 128, 256, 32, 64
CELLS = (("lstm", "LSTM"), ("gru", "GRU"), ("rnn", "RNN"))


def _median_seconds(step, repeats: int, warmup: int = 2, settle: float = 0.5) -> float:
    """Median seconds of ``step`` over ``repeats`` runs after ``warmup`` untimed ones.

    Measurements run one after the other, each after ``settle`` idle seconds: the worker threads
    of OpenBLAS and of PyTorch's OpenMP keep spinning for a while after their last call, and would
    slow down whatever ran next (alternating the two libraries step by step would penalise each
    by the other's spinning threads).
    """
    time.sleep(settle)
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rnnviz_step_factory(cell: str, parts: bool = False):
    """One training step as a callable; ``parts``: also return callables for its forward alone and
    for forward + backward without clipping and the optimiser (for the breakdown line)."""
    from rnnviz.lm.model import LanguageModel, ModelSpec, init_model_params
    from rnnviz.lm.optim import Adam, clip_gradients

    spec = ModelSpec(vocab_size=VOCAB, embed_size=EMBED, cell=cell, hidden_size=HIDDEN, num_layers=1)
    model = LanguageModel(spec, init_model_params(spec, seed=0, dtype=np.float32))
    optimizer = Adam()
    rng = np.random.default_rng(0)
    data = rng.integers(0, VOCAB, (SEQ_LEN + 1, BATCH))
    inputs, targets = data[:-1], data[1:]
    carried = {"state": None}

    def step():
        _, grads, state = model.loss_and_grads(inputs, targets, carried["state"])
        clip_gradients(grads, clip_norm=5.0)
        optimizer.step(model.params, grads, 0.002)
        carried["state"] = state

    if not parts:
        return step
    return (step, lambda: model.forward(inputs, carried["state"], reuse=True),
            lambda: model.loss_and_grads(inputs, targets, carried["state"]))


def gemm_floor_factory(cell: str):
    """The matrix products one rnnviz training step performs, alone (same shapes and layouts):
    the per-step recurrent products of the forward and backward sweeps, the table of the token
    projection and its one-hot gradient sum, dW_hh and the softmax head. Its time is a lower bound
    for the step at this BLAS speed."""
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[cell] * HIDDEN
    rng = np.random.default_rng(0)
    rand = lambda *shape: rng.standard_normal(shape, dtype=np.float32)  # noqa: E731
    n = SEQ_LEN * BATCH
    w_hh, w_hh_t = rand(gates, HIDDEN), rand(HIDDEN, gates)
    states = np.swapaxes(rand(HIDDEN, SEQ_LEN + 1, BATCH), 0, 1)
    d_pre, d_pre_flat = rand(SEQ_LEN, gates, BATCH), rand(gates, n)
    h_flat, embedding, w_ih = rand(n, HIDDEN), rand(VOCAB, EMBED), rand(gates, EMBED)
    one_hot, decoder, d_logits = rand(VOCAB, n), rand(VOCAB, HIDDEN), rand(n, VOCAB)
    rec, d_h = np.empty((gates, BATCH), np.float32), np.empty((HIDDEN, BATCH), np.float32)

    def products():
        embedding @ w_ih.T                          # token table
        for t in range(SEQ_LEN):
            np.matmul(w_hh, states[t], out=rec)
        h_flat @ decoder.T                          # logits
        d_logits.T @ h_flat                         # decoder gradient
        decoder.T @ d_logits.T                      # gradient on the top layer's output
        for t in range(SEQ_LEN):
            np.matmul(w_hh_t, d_pre[t], out=d_h)
        d_pre_flat @ h_flat                         # dW_hh
        per_token = one_hot @ d_pre_flat.T          # gradient of the table
        per_token.T @ embedding                     # dW_ih
        per_token @ w_ih                            # embedding gradient

    return products


def torch_step_factory(cell_class: str):
    import torch
    from torch import nn

    torch.manual_seed(0)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(VOCAB, EMBED)
            self.rnn = getattr(nn, cell_class)(EMBED, HIDDEN, num_layers=1)
            self.decoder = nn.Linear(HIDDEN, VOCAB)

        def forward(self, tokens, state):
            output, state = self.rnn(self.embedding(tokens), state)
            return self.decoder(output).view(-1, VOCAB), state

    model = Model()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
    loss_fn = nn.CrossEntropyLoss()
    data = torch.randint(0, VOCAB, (SEQ_LEN + 1, BATCH))
    inputs, targets = data[:-1], data[1:].reshape(-1)
    carried = {"state": None}

    def detach(state):
        if state is None:
            return None
        return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()

    def step():
        optimizer.zero_grad(set_to_none=True)
        logits, state = model(inputs, detach(carried["state"]))
        loss = loss_fn(logits, targets)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        carried["state"] = state

    return step


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="limit NumPy's BLAS threads (threadpoolctl); default: leave as is")
    parser.add_argument("--torch-threads", type=int, default=2,
                        help="PyTorch intra-op threads (the reference figure uses 2)")
    parser.add_argument("--profile", action="store_true",
                        help="also print where rnnviz's LSTM step spends its time (cProfile)")
    args = parser.parse_args()
    tokens = SEQ_LEN * BATCH
    limiter = None
    if args.blas_threads is not None:
        from threadpoolctl import threadpool_limits

        limiter = threadpool_limits(limits=args.blas_threads, user_api="blas")
    try:
        import torch

        torch.set_num_threads(args.torch_threads)
    except ImportError:
        torch = None
    print(f"model: vocab {VOCAB}, embed {EMBED}, hidden {HIDDEN}, batch {BATCH}, T {SEQ_LEN}, "
          f"float32; median of {args.repeats} steps"
          + ("" if torch is None else f"; torch {torch.__version__} with {args.torch_threads} threads")
          + f"; BLAS threads for rnnviz: {args.blas_threads or 'default'}")
    ratios = {}
    for cell, torch_class in CELLS:
        step, forward_only, loss_and_grads = rnnviz_step_factory(cell, parts=True)
        runs = {"ours": step, "forward": forward_only, "grads": loss_and_grads,
                "floor": gemm_floor_factory(cell)}
        if torch is not None:
            runs["torch"] = torch_step_factory(torch_class)
        seconds = {name: _median_seconds(run, args.repeats) for name, run in runs.items()}
        ours = tokens / seconds["ours"]
        line = f"{cell:5s} rnnviz {ours:10.0f} tokens/s"
        if torch is not None:
            theirs = tokens / seconds["torch"]
            ratios[cell] = ours / theirs
            line += f"   torch {theirs:10.0f} tokens/s   ratio {ratios[cell]:.2f}"
        print(line, flush=True)
        ms = {name: f"{value * 1e3:.1f}" for name, value in seconds.items()}
        # Separate medians (not differences, which noise can turn negative).
        print(f"      breakdown (medians of separate runs): rnnviz whole step {ms['ours']} ms, forward "
              f"alone {ms['forward']}, forward + head + backward {ms['grads']}; its GEMMs alone "
              f"{ms['floor']} ms ({seconds['floor'] / seconds['ours']:.0%} of the step)"
              + ("" if torch is None else f"; torch {ms['torch']} ms/step"), flush=True)
    if args.profile:
        import cProfile
        import pstats

        step = rnnviz_step_factory("lstm")
        step()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            step()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    if limiter is not None:
        limiter.restore_original_limits()
    if torch is None:
        print("train_vs_torch unavailable (torch is not importable)")
    else:
        print("train_vs_torch " + " ".join(f"{cell}={ratios[cell]:.2f}" for cell, _ in CELLS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Training as a generator of :class:`TrainEvent`: truncated BPTT with the state carried across batches.

``train(config, data, should_stop=..., resume=...)`` yields one event per optimiser step and a last
event (``kind`` ``"done"``, ``"stopped"`` or ``"diverged"``). It never touches Qt: the GUI runs it
through ``rnnviz.app.jobs``; the command line prints its events.

Batches: the training tokens are cut into B parallel streams (B = ``batch``); step i reads window i
of length T (``seq_len``) from every stream, and the hidden state at the end of window i is the
initial state of window i+1 (gradients stop at the window edge). The state is reset at the start
of every epoch.

Exact resume: a checkpoint stores the parameters, the optimiser state, the dropout RNG state, the
carried hidden state and the data position, so a run resumed from step k gives the same losses as
the uninterrupted run.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import numpy as np

from rnnviz.core.parallel.blas import take_control
from rnnviz.core.config import CELLS, ConfigError, config_from_dict
from rnnviz.errors import Message, ResourceError
from rnnviz.lm.checkpoint import Checkpoint, CheckpointLock, load_checkpoint, save_checkpoint
from rnnviz.lm.data import (LEVELS, Corpus, Vocabulary, available_memory, batchify, check_long_enough,
                            get_batch, num_batches)
from rnnviz.lm.model import (EMBEDDINGS, LOSS_REDUCTIONS, LanguageModel, ModelSpec,
                             init_model_params, load_word_vectors)
from rnnviz.lm.optim import OPTIMIZERS, clip_gradients, learning_rate, make_optimizer

DTYPES = ("float32", "float64")
LN2 = math.log(2.0)
#: A loss above this many times ln V (the loss of a uniform guess) means training has diverged.
DIVERGED_LOSS_FACTOR = 10.0
#: A gradient norm this many times the median of the run's first steps means it has diverged.
DIVERGED_GRADIENT_FACTOR = 1e8
#: Steps whose gradient norms set that reference.
GRADIENT_REFERENCE_STEPS = 10

#: Fields that only say how long / how a run is driven; a resumed run may change them.
RUN_CONTROL_FIELDS = ("epochs", "max_seconds", "max_steps", "checkpoint", "checkpoint_every",
                      "eval_every", "eval_tokens", "snapshot_every", "snapshot_len", "blas_threads",
                      "log")


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run; saved with every checkpoint.

    Data: ``corpus`` (file, PTB folder or ``builtin:sample`` / ``builtin:python-stdlib``), optional
    ``valid`` / ``test`` files, ``level`` char|word. Model: ``cell``, ``layers``, ``hidden``,
    ``embed``, ``dropout`` (non-recurrent connections), ``tie_weights``, ``embedding``
    (learned | random-fixed | pretrained-fixed | pretrained-init, with ``embedding_file``),
    ``init_scale`` (U(+-A) for every parameter; None = PyTorch-style defaults). Training:
    ``seq_len`` T, ``batch`` B, ``optimizer`` sgd|adagrad|rmsprop|adam, ``lr``, ``momentum`` (SGD),
    ``lr_decay`` applied each epoch after ``decay_after``, ``clip_norm`` / ``clip_value``,
    ``loss_reduction`` mean|sum-time, ``dtype``. Run control: ``epochs``, ``max_seconds``,
    ``max_steps``, ``eval_every`` (steps, 0 = end of epoch) on the first ``eval_tokens`` validation
    tokens (None = all; the final evaluation always uses all), ``snapshot_every`` (steps, 0 = never),
    ``checkpoint`` path and ``checkpoint_every`` (steps, 0 = end of each epoch and of the run),
    ``blas_threads`` (None = leave BLAS alone).
    """

    corpus: str = "builtin:sample"
    valid: str | None = None
    test: str | None = None
    level: str = "char"
    sentence_start: bool = False
    cell: str = "lstm"
    activation: str = "tanh"
    layers: int = 1
    hidden: int = 128
    embed: int = 64
    dropout: float = 0.0
    tie_weights: bool = False
    embedding: str = "learned"
    embedding_file: str | None = None
    init_scale: float | None = None
    seq_len: int = 32
    batch: int = 16
    optimizer: str = "adam"
    lr: float = 0.003
    momentum: float = 0.0
    lr_decay: float = 1.0
    decay_after: int = 0
    clip_norm: float | None = 5.0
    clip_value: float | None = None
    loss_reduction: str = "mean"
    dtype: str = "float32"
    seed: int = 0
    epochs: int = 20
    max_seconds: float | None = None
    max_steps: int | None = None
    eval_every: int = 0
    eval_tokens: int | None = None
    snapshot_every: int = 100
    snapshot_len: int = 32
    checkpoint: str | None = None
    checkpoint_every: int = 0
    blas_threads: int | None = None
    log: str | None = None

    def validate(self) -> "TrainConfig":
        def positive_int(name, low=1):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ConfigError("{value0} must be an integer >= {low}, got {value!r}", value0=name.replace('_', '-'), low=low, value=value)

        def number(name, low=None, high=None, allow_none=False, strict_low=False):
            value = getattr(self, name)
            if value is None and allow_none:
                return
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ConfigError("{value0} must be a finite number, got {value!r}", value0=name.replace('_', '-'), value=value)
            if low is not None and (value <= low if strict_low else value < low):
                raise ConfigError(
                    "{value0} must be {value2} {low}, got {value}", value0=name.replace('_', '-'), value2='>' if strict_low else '>=', low=low, value=value)
            if high is not None and value > high:
                raise ConfigError("{value0} must be <= {high}, got {value}", value0=name.replace('_', '-'), high=high, value=value)

        if self.level not in LEVELS:
            raise ConfigError("unknown level {level!r}; choose one of {choices}", level=self.level, choices=', '.join(LEVELS))
        if self.cell not in CELLS:
            raise ConfigError("unknown cell {cell!r}; choose one of {choices}", cell=self.cell, choices=', '.join(CELLS))
        if self.optimizer not in OPTIMIZERS:
            raise ConfigError(
                "unknown optimizer {optimizer!r}; choose one of {choices}", optimizer=self.optimizer, choices=', '.join(OPTIMIZERS))
        if self.embedding not in EMBEDDINGS:
            raise ConfigError(
                "unknown embedding {embedding!r}; choose one of {choices}", embedding=self.embedding, choices=', '.join(EMBEDDINGS))
        if self.embedding.startswith("pretrained") and not self.embedding_file:
            raise ConfigError("embedding {embedding} needs an embedding file", embedding=self.embedding)
        if self.loss_reduction not in LOSS_REDUCTIONS:
            raise ConfigError(
                "unknown loss reduction {loss_reduction!r}; choose one of {choices}", loss_reduction=self.loss_reduction, choices=', '.join(LOSS_REDUCTIONS))
        if self.dtype not in DTYPES:
            raise ConfigError("dtype must be float32 or float64, got {dtype!r}", dtype=self.dtype)
        for name in ("layers", "hidden", "embed", "seq_len", "batch", "epochs"):
            positive_int(name)
        for name in ("decay_after", "eval_every", "snapshot_every", "checkpoint_every", "seed"):
            positive_int(name, 0)
        positive_int("snapshot_len", 2)
        number("lr", 0.0, strict_low=True)
        number("momentum", 0.0, 0.999)
        number("lr_decay", 0.0, 1.0, strict_low=True)
        number("dropout", 0.0, 0.95)
        number("clip_norm", 0.0, allow_none=True, strict_low=True)
        number("clip_value", 0.0, allow_none=True, strict_low=True)
        number("init_scale", 0.0, allow_none=True, strict_low=True)
        number("max_seconds", 0.0, allow_none=True, strict_low=True)
        if self.max_steps is not None:
            positive_int("max_steps")
        if self.eval_tokens is not None:
            positive_int("eval_tokens", 2)
        if self.blas_threads is not None:
            positive_int("blas_threads")
        self.model_spec(2).validate()
        return self

    def model_spec(self, vocab_size: int) -> ModelSpec:
        return ModelSpec(vocab_size=vocab_size, embed_size=self.embed, cell=self.cell,
                         activation=self.activation, hidden_size=self.hidden, num_layers=self.layers,
                         dropout=self.dropout, tie_weights=self.tie_weights, embedding=self.embedding)

    @property
    def numpy_dtype(self):
        return np.float32 if self.dtype == "float32" else np.float64

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        return config_from_dict(cls, data, Message("training config"))

    def replace(self, **changes) -> "TrainConfig":
        return replace(self, **changes)


@dataclass(frozen=True)
class GradientSnapshot:
    """Gradient flow of the model being trained, on a window of real training text (stream 0).

    ``distance: (K,)`` 0..K-1; ``grad_by_distance: (K,)`` mean over loss steps tau of
    ``||dL_tau/dh_{tau-k}||`` (top layer); ``grad_per_step: (K,)`` ``||dL/dh_t||`` for t = 1..K;
    ``jacobian_k: (K,)`` 1..K and ``jacobian_log10: (K,)`` ``log10 ||ds_k/ds_0||_2`` (whole stacked
    state); ``text``: the window's tokens.
    """

    step: int
    distance: np.ndarray
    grad_by_distance: np.ndarray
    grad_per_step: np.ndarray
    jacobian_k: np.ndarray
    jacobian_log10: np.ndarray
    text: str


@dataclass(frozen=True)
class TrainEvent:
    """One optimiser step (``kind="step"``) or the end of a run (``done``/``stopped``/``diverged``).

    Losses are per token: nats (``*_loss``), bits (``*_bits``) and perplexity (``*_ppl``).
    ``train_loss`` is this batch's loss; ``train_loss_avg`` the mean since the epoch began.
    """

    kind: str
    step: int
    epoch: int
    epochs: int
    batch_index: int
    batches_per_epoch: int
    progress: float
    tokens_seen: int
    tokens_per_s: float
    seconds: float
    eta_seconds: float | None
    lr: float
    train_loss: float | None = None
    train_loss_avg: float | None = None
    grad_norm: float | None = None
    grad_norm_clipped: float | None = None
    clipped: bool = False
    valid_loss: float | None = None
    test_loss: float | None = None
    snapshot: GradientSnapshot | None = None
    checkpoint_path: str | None = None
    message: str = ""
    vocab_size: int = 0

    @staticmethod
    def _bits(loss):
        return None if loss is None else loss / LN2

    @staticmethod
    def _ppl(loss):
        if loss is None:
            return None
        return math.exp(loss) if loss < 700 else math.inf

    @property
    def train_bits(self):
        return self._bits(self.train_loss)

    @property
    def train_ppl(self):
        return self._ppl(self.train_loss)

    @property
    def valid_bits(self):
        return self._bits(self.valid_loss)

    @property
    def valid_ppl(self):
        return self._ppl(self.valid_loss)

    @property
    def test_ppl(self):
        return self._ppl(self.test_loss)

    @property
    def baseline_loss(self) -> float:
        """ln V: the loss of a model that knows nothing (uniform over the vocabulary)."""
        return math.log(self.vocab_size) if self.vocab_size else math.nan

    def to_json_dict(self) -> dict:
        """Plain JSON-safe numbers (no arrays; NaN/inf as None) for logs."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "snapshot":
                value = None if value is None else {
                    "step": value.step,
                    "grad_by_distance": [float(v) for v in value.grad_by_distance],
                    "jacobian_log10": [None if not math.isfinite(v) else float(v)
                                       for v in value.jacobian_log10],
                }
            elif isinstance(value, float) and not math.isfinite(value):
                value = None
            out[f.name] = value
        for name in ("train_ppl", "valid_ppl", "test_ppl"):
            value = getattr(self, name)
            out[name] = None if value is None or not math.isfinite(value) else value
        return out


def evaluate(model: LanguageModel, ids: np.ndarray, batch: int, seq_len: int,
             should_stop: Callable[[], bool] | None = None) -> float | None:
    """Mean loss per token (nats) of ``ids`` without dropout, state carried across windows.

    Uses ``min(batch, ...)`` streams so that short held-out texts still give at least one window.
    Returns None if ``should_stop()`` turned True on the way.
    """
    streams_count = max(1, min(batch, (len(ids) - 1) // max(1, min(seq_len, len(ids) - 1))))
    streams = batchify(ids, streams_count)
    if streams.shape[0] < 2:
        streams = batchify(ids, 1)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        return _evaluate_streams(model, streams, seq_len, should_stop)


def _evaluate_streams(model, streams, seq_len, should_stop):
    total, count = 0.0, 0
    state = None
    for index in range(num_batches(streams, seq_len)):
        if should_stop is not None and should_stop():
            return None
        inputs, targets = get_batch(streams, index, seq_len)
        result = model.forward(inputs, state)
        losses = model.token_losses(result.logits, targets)
        total += float(losses.astype(np.float64).sum())
        count += losses.size
        state = result.final_state
    return total / count if count else math.nan


def gradient_snapshot(model: LanguageModel, inputs: np.ndarray, targets: np.ndarray,
                      state: dict | None, vocab: Vocabulary, level: str, step: int,
                      length: int) -> GradientSnapshot:
    """Engine analysis of the model on stream 0 of a real batch (no dropout).

    The stacked cells run as one engine network with the decoder as its readout; the engine's
    itemised BPTT gives ``||dL_tau/dh_t||`` and its closed-form step Jacobians give
    ``||ds_k/ds_0||``.
    """
    from rnnviz.core.bptt import loss_and_grads, loss_steps_for
    from rnnviz.core.jacobian import step_jacobians
    from rnnviz.core.products import anchor_curve

    spec = model.spec
    net = spec.net
    T = min(length, inputs.shape[0])
    tokens = inputs[:T, :1]
    params = {name: model.params[name] for name in spec.param_shapes()
              if name not in ("embedding.weight", "decoder.weight", "decoder.bias")}
    params = {k: v.astype(np.float64) for k, v in params.items()}
    params["readout.weight"] = model.decoder_weight.astype(np.float64)
    params["readout.bias"] = model.params["decoder.bias"].astype(np.float64)
    x = model.params["embedding.weight"][tokens].astype(np.float64)     # (T, 1, E)
    h0 = None if state is None else {k: v[:, :1].astype(np.float64) for k, v in state.items()}
    _, grads, trace = loss_and_grads(params, net, x, targets[:T, :1], loss_steps_for("all", T),
                                     h0=h0, itemize=True)
    itemized = grads.itemized                                          # [tau-1, t-1]
    by_distance = np.array([np.mean(np.diagonal(itemized, offset=-k)) for k in range(T)])
    jacobians = step_jacobians(params, net, trace, batch_index=0)
    curve = anchor_curve(jacobians, 0)
    return GradientSnapshot(
        step=step, distance=np.arange(T), grad_by_distance=by_distance,
        grad_per_step=np.asarray(grads.grad_norm_per_step, dtype=np.float64),
        jacobian_k=np.asarray(curve.k), jacobian_log10=np.asarray(curve.log10_spectral),
        text=vocab.decode(tokens[:, 0], level),
    )


class _BlasLimit:
    """Limit BLAS thread pools for the duration of a run (threadpoolctl), if asked to."""

    def __init__(self, threads: int | None):
        self.threads = threads
        self._controller = None

    def __enter__(self):
        if self.threads is not None:
            from threadpoolctl import threadpool_limits

            with take_control():  # a training thread is not the thread that set the last limit
                self._controller = threadpool_limits(limits=self.threads, user_api="blas")
        return self

    def __exit__(self, *exc):
        if self._controller is not None:
            with take_control():
                self._controller.restore_original_limits()
        return False


def _number_text(value) -> str:
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.4g}"
    return value if isinstance(value, Message) else str(value)


#: Optimiser state arrays per parameter array.
_OPTIMIZER_SLOTS = {"sgd": 1, "adagrad": 1, "rmsprop": 1, "adam": 2}


def estimate_training_bytes(config: "TrainConfig", spec: ModelSpec) -> int:
    """Rough peak memory of a run: parameters, gradients, optimiser state and a checkpoint copy,
    plus one window's activations and logits (T·B·(3V + L·H·(gates + 4)) values)."""
    itemsize = np.dtype(config.numpy_dtype).itemsize
    parameters = sum(math.prod(shape) for shape in spec.param_shapes().values())
    slots = _OPTIMIZER_SLOTS.get(config.optimizer, 2)
    copies = 2 + slots + (1 + slots if config.checkpoint else 0)
    gates = len(spec.net.gate_names)
    window = config.seq_len * config.batch * (3 * spec.vocab_size
                                              + spec.num_layers * spec.hidden_size * (gates + 4))
    return (parameters * copies + window) * itemsize


def _check_memory(config: "TrainConfig", spec: ModelSpec) -> None:
    needed = estimate_training_bytes(config, spec)
    available = available_memory()
    if available is not None and needed > available:
        parameters = sum(math.prod(shape) for shape in spec.param_shapes().values())
        raise ResourceError(
            "the model has {parameters:,} parameters (--hidden {hidden}, --layers {layers}, vocabulary {vocab_size:,}); training it with {optimizer} needs about {value11:.1f} GiB of memory, but only {value13:.1f} GiB are available", parameters=parameters, hidden=config.hidden, layers=config.layers, vocab_size=spec.vocab_size, optimizer=config.optimizer, value11=needed / (1 << 30), value13=available / (1 << 30))


def _check_resume_config(config: TrainConfig, saved: dict) -> None:
    try:
        saved_config = TrainConfig.from_dict(saved)
    except (ConfigError, TypeError) as error:
        raise ConfigError("checkpoint has an invalid training config: {error}", error=error) from None
    differing = [f.name for f in fields(TrainConfig)
                 if f.name not in RUN_CONTROL_FIELDS
                 and getattr(saved_config, f.name) != getattr(config, f.name)]
    if differing:
        raise ConfigError("cannot resume: the checkpoint was trained with different settings for {fields}",
                          fields=", ".join(differing))


class Trainer:
    """Holds the model, optimiser, RNG and data position; :meth:`run` yields :class:`TrainEvent`."""

    def __init__(self, config: TrainConfig, data: Corpus, resume: Checkpoint | str | Path | None = None):
        config.validate()
        self._lock = None
        self._setup(config, data, resume)
        # One run per checkpoint file, taken before any step (and after every check, so that a
        # refused run leaves no lock file behind).
        self._lock = CheckpointLock(config.checkpoint) if config.checkpoint else None

    def release(self) -> None:
        """Let another run use the checkpoint file (also happens when the process ends)."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _setup(self, config: TrainConfig, data: Corpus, resume) -> None:
        self.config = config
        self.data = data
        check_long_enough(data.train, config.batch, config.seq_len, Message("the training text"))
        if len(data.valid) < 2:
            raise ConfigError("the validation text needs at least 2 tokens")
        if data.test is not None and len(data.test) < 2:
            raise ConfigError("the test text needs at least 2 tokens")
        self.spec = config.model_spec(data.vocab_size)
        self.spec.validate()
        _check_memory(config, self.spec)   # before anything of the model's size is allocated
        dtype = config.numpy_dtype
        self.streams = batchify(data.train, config.batch)
        self.batches_per_epoch = num_batches(self.streams, config.seq_len)
        self.optimizer = make_optimizer(config.optimizer, momentum=config.momentum)
        self.rng = np.random.default_rng([config.seed, 1])
        self.epoch, self.batch_index, self.step = 1, 0, 0
        self.tokens_seen = 0
        self.seconds_before = 0.0
        self.state: dict | None = None
        self.last_valid_loss: float | None = None
        self.last_checkpoint: str | None = None
        self.last_checkpoint_step: int | None = None
        if resume is not None:
            checkpoint = resume if isinstance(resume, Checkpoint) else load_checkpoint(resume)
            self._restore(checkpoint)
        else:
            matrix = None
            if config.embedding.startswith("pretrained"):
                matrix = load_word_vectors(config.embedding_file, data.vocab.tokens, config.embed,
                                           np.random.default_rng([config.seed, 2]),
                                           config.init_scale or 0.1)
            params = init_model_params(self.spec, seed=config.seed, init_scale=config.init_scale,
                                       embedding_matrix=matrix, dtype=dtype)
            self.model = LanguageModel(self.spec, params)

    # ------------------------------------------------------------------ checkpoints
    def _restore(self, checkpoint: Checkpoint) -> None:
        _check_resume_config(self.config, checkpoint.config)
        if checkpoint.level != self.data.level or tuple(checkpoint.tokens) != self.data.vocab.tokens:
            raise ConfigError("cannot resume: the corpus vocabulary differs from the checkpoint's")
        dtype = self.config.numpy_dtype
        corrupt = (KeyError, ValueError, TypeError, OverflowError, AttributeError)
        try:
            params = {k: np.ascontiguousarray(v, dtype=dtype) for k, v in checkpoint.params.items()}
        except corrupt as error:
            raise ConfigError("cannot resume: the checkpoint's parameters are corrupt ({error})", error=error) from None
        self.model = LanguageModel(self.spec, params)
        try:
            self.optimizer.load_state_dict(checkpoint.optimizer_state)
        except corrupt as error:
            raise ConfigError("cannot resume: the checkpoint's optimizer state is corrupt ({error})", error=error) from None
        if checkpoint.rng_state is not None:
            try:
                self.rng.bit_generator.state = checkpoint.rng_state
            except corrupt as error:
                raise ConfigError("cannot resume: the checkpoint's random-number state is corrupt ({name__}: {error})", name__=type(error).__name__, error=error) from None
        position = checkpoint.position
        try:
            self.epoch = int(position.get("epoch", 1))
            self.batch_index = int(position.get("batch_index", 0))
            self.step = int(position.get("step", 0))
            self.tokens_seen = int(position.get("tokens_seen", 0))
            self.seconds_before = float(position.get("seconds", 0.0))
        except corrupt as error:
            raise ConfigError("cannot resume: the checkpoint's data position is corrupt ({error})", error=error) from None
        if not (1 <= self.epoch and 0 <= self.batch_index <= self.batches_per_epoch and self.step >= 0):
            raise ConfigError("cannot resume: the checkpoint's data position {position} does not fit this corpus ({batches_per_epoch} batches per epoch)", position=position, batches_per_epoch=self.batches_per_epoch)
        if checkpoint.carried_state:
            expected = (self.spec.num_layers, self.config.batch, self.spec.hidden_size)
            for name, value in checkpoint.carried_state.items():
                if value.shape != expected:
                    raise ConfigError("checkpoint carried state {name}: expected shape {expected}, got {shape}", name=name, expected=expected, shape=value.shape)
            self.state = {k: np.array(v, dtype=dtype) for k, v in checkpoint.carried_state.items()}
        self.last_valid_loss = checkpoint.history.get("valid_loss")

    def make_checkpoint(self, seconds: float) -> Checkpoint:
        return Checkpoint(
            config=self.config.to_dict(), level=self.data.level, tokens=self.data.vocab.tokens,
            params={k: v.copy() for k, v in self.model.params.items()},
            optimizer_state={k: np.array(v) for k, v in self.optimizer.state_dict().items()},
            carried_state={} if self.state is None else {k: v.copy() for k, v in self.state.items()},
            rng_state=self.rng.bit_generator.state,
            position={"epoch": self.epoch, "batch_index": self.batch_index, "step": self.step,
                      "tokens_seen": self.tokens_seen, "seconds": seconds},
            history={"valid_loss": self.last_valid_loss},
        )

    def params_finite(self) -> bool:
        # a sum is NaN/inf iff an entry is (or it overflows, which is just as bad)
        return all(math.isfinite(float(np.sum(v, dtype=np.float64))) for v in self.model.params.values())

    def save(self, path: str | Path, seconds: float, checkpoint: Checkpoint | None = None) -> str:
        """Write a checkpoint (``checkpoint``, or the current state); never one with NaN/inf
        parameters (:class:`FloatingPointError`)."""
        if checkpoint is None:
            if not self.params_finite():
                raise FloatingPointError("parameters contain NaN or infinite values")
            checkpoint = self.make_checkpoint(seconds)
        save_checkpoint(path, checkpoint)
        self.last_checkpoint = str(path)
        self.last_checkpoint_step = int(checkpoint.position.get("step", 0))
        return str(path)

    def exploded_loss(self) -> float:
        """Losses above this (nats/token) count as divergence: far worse than a uniform guess."""
        return DIVERGED_LOSS_FACTOR * max(math.log(max(self.data.vocab_size, 2)), 0.5)

    def loss_is_healthy(self, loss: float | None) -> bool:
        return loss is not None and math.isfinite(loss) and loss <= self.exploded_loss()

    def current_loss(self) -> float:
        """Loss of the current parameters on the next training window (no update, no dropout)."""
        inputs, targets = get_batch(self.streams, min(self.batch_index, self.batches_per_epoch - 1),
                                    self.config.seq_len)
        state = self.state if self.batch_index else None
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            try:
                result = self.model.forward(inputs, state)
            except ConfigError:
                return math.nan
            return float(self.model.token_losses(result.logits, targets).astype(np.float64).mean())

    # ------------------------------------------------------------------ the loop
    def run(self, should_stop: Callable[[], bool] | None = None) -> Iterator[TrainEvent]:
        try:
            with _BlasLimit(self.config.blas_threads):
                yield from self._run(should_stop)
        finally:
            self.release()

    def _run(self, should_stop):
        config = self.config
        T, B = config.seq_len, config.batch
        total_steps = config.epochs * self.batches_per_epoch
        if config.max_steps is not None:
            total_steps = min(total_steps, config.max_steps)
        start = time.perf_counter()
        train_seconds = 0.0
        run_tokens = 0
        run_steps = 0
        epoch_loss_sum, epoch_loss_count = 0.0, 0
        vocab_size = self.data.vocab_size

        def elapsed():
            return self.seconds_before + time.perf_counter() - start

        def base_event(kind, lr=None, **extra):
            now = time.perf_counter() - start
            remaining = max(0, total_steps - self.step)
            eta = None
            if run_steps > 0:
                eta = remaining * now / run_steps
                if config.max_seconds is not None:
                    eta = min(eta, max(0.0, config.max_seconds - now))
            progress = self.step / total_steps if total_steps else 1.0
            return TrainEvent(
                kind=kind, step=self.step, epoch=min(self.epoch, config.epochs), epochs=config.epochs,
                batch_index=self.batch_index, batches_per_epoch=self.batches_per_epoch,
                progress=min(1.0, progress), tokens_seen=self.tokens_seen,
                tokens_per_s=run_tokens / train_seconds if train_seconds > 0 else 0.0,
                seconds=elapsed(), eta_seconds=eta,
                lr=lr if lr is not None else learning_rate(config.lr, min(self.epoch, config.epochs),
                                                           config.lr_decay, config.decay_after),
                vocab_size=vocab_size, **extra)

        # A checkpoint that falls due is written only after the next loss shows that its
        # parameters are still sound: a diverging update is never saved.
        pending: Checkpoint | None = None
        first_norms: list[float] = []

        def diverged(what, value, step, explain=""):
            # Messages (rnnviz.errors): English here and in the command line, the Trainer tab's language there
            if self.last_checkpoint:
                kept = Message("; the last checkpoint before it (step {step}) is kept in {path}",
                               step=self.last_checkpoint_step, path=self.last_checkpoint)
            elif config.checkpoint:
                kept = Message("; no checkpoint was written")
            else:
                kept = ""
            return base_event("diverged", train_loss=value if what == "loss" else None,
                              message=Message("{what} became {value} at step {step}{explain}; training stopped "
                                              "(try a lower learning rate or gradient clipping){kept}",
                                              what=what, value=_number_text(value), step=step,
                                              explain=explain, kept=kept),
                              checkpoint_path=self.last_checkpoint)

        def exploded(loss):
            return Message(" (nats/token, far above ln V = {bound:.2f}, the loss of a uniform guess)",
                           bound=math.log(max(vocab_size, 2))) if math.isfinite(loss) else ""

        def finish(kind, reason):
            valid_loss = test_loss = None
            if kind == "done":
                valid_loss = evaluate(self.model, self.data.valid, B, T)
                check = valid_loss
            else:
                check = self.current_loss() if config.checkpoint else 0.0
            if not self.loss_is_healthy(check):
                what = Message("the validation loss") if kind == "done" else Message("the loss")
                return diverged(what, check, self.step, exploded(check))
            if kind == "done":
                self.last_valid_loss = valid_loss
                if self.data.test is not None:
                    test_loss = evaluate(self.model, self.data.test, B, T)
            path = None
            if config.checkpoint and self.params_finite():
                path = self.save(config.checkpoint, elapsed())
            return base_event(kind, valid_loss=valid_loss, test_loss=test_loss,
                              checkpoint_path=path, message=reason)

        while True:
            if self.epoch > config.epochs:
                yield finish("done", f"finished {config.epochs} epochs")
                return
            if config.max_steps is not None and self.step >= config.max_steps:
                yield finish("done", f"reached {config.max_steps} steps")
                return
            if config.max_seconds is not None and time.perf_counter() - start >= config.max_seconds:
                yield finish("done", f"reached the time limit of {config.max_seconds:g} s")
                return
            if should_stop is not None and should_stop():
                yield finish("stopped", "stopped")
                return
            if self.batch_index == 0:
                self.state = None   # every epoch starts from a zero state
                epoch_loss_sum, epoch_loss_count = 0.0, 0
            inputs, targets = get_batch(self.streams, self.batch_index, T)
            lr = learning_rate(config.lr, self.epoch, config.lr_decay, config.decay_after)
            t0 = time.perf_counter()
            state_before = self.state
            # Overflow is expected when training diverges; it is detected below and reported as
            # a "diverged" event, so NumPy's warnings would only be noise.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
                try:
                    loss, grads, new_state = self.model.loss_and_grads(
                        inputs, targets, self.state, rng=self.rng if config.dropout > 0 else None,
                        reduction=config.loss_reduction)
                except ConfigError:
                    # the engine refuses non-finite inputs, i.e. a NaN/inf embedding row
                    if self.params_finite():
                        raise
                    yield diverged(Message("a parameter"), Message("NaN or infinite"), self.step + 1)
                    return
                norm_before, norm_after = clip_gradients(
                    grads, clip_value=config.clip_value, clip_norm=config.clip_norm)
            if not self.loss_is_healthy(loss):
                yield diverged(Message("loss"), loss, self.step + 1, exploded(loss))
                return
            if not math.isfinite(norm_before):
                yield diverged(Message("the gradient norm"), norm_before, self.step + 1)
                return
            if len(first_norms) < GRADIENT_REFERENCE_STEPS:
                first_norms.append(norm_before)
            elif norm_before > DIVERGED_GRADIENT_FACTOR * max(float(np.median(first_norms)), 1e-30):
                yield diverged(Message("the gradient norm"), norm_before, self.step + 1,
                               Message(" ({factor:.0e} times its size in the first steps)",
                                       factor=DIVERGED_GRADIENT_FACTOR))
                return
            extra = {}
            if pending is not None:   # the parameters it holds just gave a sound loss
                extra["checkpoint_path"] = self.save(config.checkpoint, 0.0, pending)
                pending = None
            with np.errstate(over="ignore", invalid="ignore", under="ignore"):
                self.optimizer.step(self.model.params, grads, lr)
            train_seconds += time.perf_counter() - t0
            self.state = new_state
            self.step += 1
            run_steps += 1
            self.batch_index += 1
            self.tokens_seen += inputs.size
            run_tokens += inputs.size
            epoch_loss_sum += loss * inputs.size
            epoch_loss_count += inputs.size
            end_of_epoch = self.batch_index >= self.batches_per_epoch
            if end_of_epoch or (config.eval_every and self.step % config.eval_every == 0):
                held_out = self.data.valid if config.eval_tokens is None else \
                    self.data.valid[:config.eval_tokens]
                extra["valid_loss"] = evaluate(self.model, held_out, B, T, should_stop)
                if extra["valid_loss"] is not None:
                    self.last_valid_loss = extra["valid_loss"]
            if config.snapshot_every and self.step % config.snapshot_every == 0:
                extra["snapshot"] = gradient_snapshot(
                    self.model, inputs, targets, state_before, self.data.vocab, self.data.level,
                    self.step, config.snapshot_len)
            epoch_for_event = self.epoch
            if end_of_epoch:
                self.epoch += 1
                self.batch_index = 0
            if config.checkpoint and (
                    (config.checkpoint_every and self.step % config.checkpoint_every == 0)
                    or (not config.checkpoint_every and end_of_epoch)):
                if not self.params_finite():
                    yield diverged(Message("a parameter"), Message("NaN or infinite"), self.step)
                    return
                pending = self.make_checkpoint(elapsed())
            event = base_event(
                "step", lr=lr, train_loss=loss, train_loss_avg=epoch_loss_sum / epoch_loss_count,
                grad_norm=norm_before, grad_norm_clipped=norm_after,
                clipped=norm_after < norm_before * (1 - 1e-6), **extra)
            if end_of_epoch:
                event = replace(event, epoch=epoch_for_event,
                                batch_index=self.batches_per_epoch)
            yield event


def train(config: TrainConfig, data: Corpus, *, should_stop: Callable[[], bool] | None = None,
          resume: Checkpoint | str | Path | None = None) -> Iterator[TrainEvent]:
    """Train a language model on ``data``; yields a :class:`TrainEvent` per step and a final one.

    ``should_stop()`` is checked before every step; when it returns True the run saves a checkpoint
    (if ``config.checkpoint``) and ends with a ``"stopped"`` event. ``resume``: a checkpoint (or its
    path) of a run with the same settings (run-control fields may differ).
    """
    return Trainer(config, data, resume).run(should_stop)


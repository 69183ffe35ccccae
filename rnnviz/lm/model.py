"""The recurrent language model: embedding -> stacked engine cells -> softmax over the vocabulary.

Shapes (T steps, B parallel streams, V vocabulary, E embedding, H hidden, L layers)::

    tokens (T, B) int  ->  x = E[tokens] (T, B, E)  ->  dropout  ->  layer 1 .. L (engine cells,
    dropout between layers)  ->  h (T, B, H)  ->  dropout  ->  logits = h W_dec^T + b_dec (T*B, V)

Dropout sits only on the non-recurrent connections (Zaremba et al. 2014): the embedding output, the
outputs of every layer, never the recurrent state. Masks are inverted (kept units scaled by
1/(1-p)) so evaluation needs no rescaling.

Parameter names: ``embedding.weight (V, E)``; the engine's PyTorch names for the cells
(``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``, peepholes);
``decoder.weight (V, H)`` (absent when tied to the embedding) and ``decoder.bias (V,)``.

The recurrent part runs through the engine: :func:`rnnviz.core.sequence.forward` and
:func:`rnnviz.core.bptt.backward`, one layer at a time so that dropout can act between layers. The
softmax head is one GEMM over all T*B rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnviz.core.bptt import backward
from rnnviz.core.config import ConfigError, NetConfig
from rnnviz.core.fused import Workspace
from rnnviz.core.params import expected_shapes, init_params
from rnnviz.core.sequence import forward, projection_bias

EMBEDDINGS = ("learned", "random-fixed", "pretrained-fixed", "pretrained-init")
LOSS_REDUCTIONS = ("mean", "sum-time")



def _uniform(rng: np.random.Generator, scale: float, shape) -> np.ndarray:
    return rng.uniform(-scale, scale, shape)


def load_word_vectors(path: str | Path, tokens: tuple[str, ...], dim: int | None,
                      rng: np.random.Generator, init_scale: float = 0.1) -> np.ndarray:
    """Embedding matrix ``(V, D)`` from a GloVe or word2vec text file.

    Lines are ``word v_1 ... v_D``; a word2vec header line ``count D`` is skipped. Tokens missing
    from the file keep a random U(+-init_scale) row. ``dim``: the expected D (None = the file's).
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError("embedding file not found: {path}", path=path)
    if not path.is_file():
        raise ConfigError("embedding file {path} is not a regular file", path=path)
    wanted = {tok: i for i, tok in enumerate(tokens)}
    rows: dict[int, np.ndarray] = {}
    file_dim = None
    try:
        with open(path, encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, 1):
                parts = line.rstrip().split(" ")
                if line_number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                    continue  # word2vec header
                if len(parts) < 2:
                    continue
                if file_dim is None:
                    file_dim = len(parts) - 1
                    if dim is not None and file_dim != dim:
                        raise ConfigError(
                            "embedding file {name} has dimension {file_dim} but the embedding size is {dim}", name=path.name, file_dim=file_dim, dim=dim)
                if len(parts) - 1 != file_dim:
                    raise ConfigError(
                        "embedding file {name}, line {line_number}: expected {file_dim} numbers, got {value7}", name=path.name, line_number=line_number, file_dim=file_dim, value7=len(parts) - 1)
                index = wanted.get(parts[0])
                if index is not None:
                    try:
                        rows[index] = np.array(parts[1:], dtype=np.float64)
                    except ValueError:
                        raise ConfigError(
                            "embedding file {name}, line {line_number}: not a number", name=path.name, line_number=line_number) from None
    except UnicodeDecodeError:
        raise ConfigError("embedding file {name} is not UTF-8 text", name=path.name) from None
    if file_dim is None:
        raise ConfigError("embedding file {name} has no vectors", name=path.name)
    matrix = _uniform(rng, init_scale, (len(tokens), file_dim))
    for index, row in rows.items():
        matrix[index] = row
    return matrix


@dataclass(frozen=True)
class ModelSpec:
    """Architecture of the language model (everything needed to rebuild it from a checkpoint)."""

    vocab_size: int
    embed_size: int = 64
    cell: str = "lstm"
    activation: str = "tanh"
    hidden_size: int = 128
    num_layers: int = 1
    dropout: float = 0.0
    tie_weights: bool = False
    embedding: str = "learned"

    def validate(self) -> "ModelSpec":
        self.net.validate()
        if not (isinstance(self.vocab_size, int) and self.vocab_size >= 2):
            raise ConfigError("vocabulary must have at least 2 tokens, got {vocab_size}", vocab_size=self.vocab_size)
        if not (0.0 <= self.dropout < 1.0):
            raise ConfigError("dropout must be in [0, 1), got {dropout}", dropout=self.dropout)
        if self.embedding not in EMBEDDINGS:
            raise ConfigError(
                "unknown embedding {embedding!r}; choose one of {choices}", embedding=self.embedding, choices=', '.join(EMBEDDINGS))
        if self.tie_weights:
            if self.embed_size != self.hidden_size:
                raise ConfigError(
                    "weight tying needs embed size == hidden size, got {embed_size} and {hidden_size}", embed_size=self.embed_size, hidden_size=self.hidden_size)
            if not self.embedding_trainable:
                raise ConfigError("weight tying needs a trainable embedding")
        return self

    @property
    def embedding_trainable(self) -> bool:
        return self.embedding in ("learned", "pretrained-init")

    @property
    def net(self) -> NetConfig:
        """The stacked recurrent part as one engine network (used for gradient-flow snapshots)."""
        return NetConfig(cell=self.cell, activation=self.activation, input_size=self.embed_size,
                         hidden_size=self.hidden_size, num_layers=self.num_layers)

    def layer_net(self, layer: int) -> NetConfig:
        """Layer ``layer`` alone as a one-layer engine network."""
        return NetConfig(cell=self.cell, activation=self.activation,
                         input_size=self.embed_size if layer == 0 else self.hidden_size,
                         hidden_size=self.hidden_size, num_layers=1)

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        shapes = {"embedding.weight": (self.vocab_size, self.embed_size)}
        shapes.update(expected_shapes(self.net))
        if not self.tie_weights:
            shapes["decoder.weight"] = (self.vocab_size, self.hidden_size)
        shapes["decoder.bias"] = (self.vocab_size,)
        return shapes


def init_model_params(spec: ModelSpec, *, seed: int = 0, init_scale: float | None = None,
                      embedding_matrix: np.ndarray | None = None, dtype=np.float32
                      ) -> dict[str, np.ndarray]:
    """Initial parameters.

    ``init_scale`` A: every parameter, biases included, U(+-A) (Zaremba et al.). Otherwise the cells
    use the engine's PyTorch scheme (U(+-1/sqrt(H))), the embedding and decoder U(+-0.1), the decoder
    bias zero. ``embedding_matrix (V, E)`` replaces the embedding (pretrained vectors).
    """
    spec.validate()
    rng = np.random.default_rng(seed)
    shapes = spec.param_shapes()
    params: dict[str, np.ndarray] = {}
    if init_scale is not None:
        if not (np.isfinite(init_scale) and init_scale > 0):
            raise ConfigError("init scale must be a positive number, got {init_scale}", init_scale=init_scale)
        for name, shape in shapes.items():
            params[name] = _uniform(rng, init_scale, shape)
    else:
        cells = init_params(spec.net, "pytorch", seed=seed, dtype=np.float64)
        params["embedding.weight"] = _uniform(rng, 0.1, shapes["embedding.weight"])
        params.update(cells)
        if "decoder.weight" in shapes:
            params["decoder.weight"] = _uniform(rng, 0.1, shapes["decoder.weight"])
        params["decoder.bias"] = np.zeros(shapes["decoder.bias"])
    if embedding_matrix is not None:
        if embedding_matrix.shape != shapes["embedding.weight"]:
            raise ConfigError(
                "embedding matrix: expected shape {shapes_item}, got {shape}", shapes_item=shapes['embedding.weight'], shape=embedding_matrix.shape)
        params["embedding.weight"] = np.array(embedding_matrix, dtype=np.float64)
    return {name: np.ascontiguousarray(value, dtype=dtype) for name, value in params.items()}


def validate_model_params(params: dict[str, np.ndarray], spec: ModelSpec) -> None:
    shapes = spec.param_shapes()
    missing = [n for n in shapes if n not in params]
    if missing:
        raise ConfigError("model parameters missing: {choices}", choices=', '.join(missing))
    unknown = sorted(set(params) - set(shapes))
    if unknown:
        raise ConfigError("unknown model parameter(s): {choices}", choices=', '.join(unknown))
    for name, shape in shapes.items():
        if tuple(params[name].shape) != shape:
            raise ConfigError("{name}: expected shape {shape}, got {value4}", name=name, shape=shape, value4=tuple(params[name].shape))


def _layer_names(spec: ModelSpec, layer: int) -> dict[str, str]:
    """Engine name inside the one-layer network -> name in the stacked parameter dict."""
    return {name: name.replace("_l0", f"_l{layer}") for name in expected_shapes(spec.layer_net(0))}


def _dropout_mask(rng: np.random.Generator, p: float, shape, dtype) -> np.ndarray:
    keep = rng.random(shape, dtype=np.float32 if dtype == np.float32 else np.float64) >= p
    return keep.astype(dtype) * dtype.type(1.0 / (1.0 - p))


def zero_state(spec: ModelSpec, batch: int, dtype) -> dict[str, np.ndarray]:
    """Initial carried state ``{"h": (L, B, H), "c": ...}`` of zeros."""
    return {name: np.zeros((spec.num_layers, batch, spec.hidden_size), dtype=dtype)
            for name in spec.net.state_names}


def softmax_cross_entropy(logits: np.ndarray, targets: np.ndarray, *, overwrite: bool = False
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Per-token cross-entropy ``(N,)`` (nats) and softmax probabilities ``(N, V)``.

    ``logits: (N, V)``; ``targets``: N ids. One max, one exp and one sum over the big array (the
    head is the most expensive part of a word-level step); ``overwrite`` reuses ``logits``.
    """
    flat_targets = np.asarray(targets).reshape(-1)
    rows = np.arange(flat_targets.size)
    shifted = logits if overwrite else logits.copy()
    shifted -= shifted.max(axis=1, keepdims=True)
    target_logit = shifted[rows, flat_targets]
    probs = np.exp(shifted, out=shifted)
    sums = probs.sum(axis=1, keepdims=True)
    losses = np.log(sums[:, 0]) - target_logit
    probs *= (1.0 / sums).astype(probs.dtype)
    return losses, probs


@dataclass
class ForwardResult:
    """What :meth:`LanguageModel.forward` computed: logits ``(T*B, V)`` and everything backward needs."""

    logits: np.ndarray
    final_state: dict
    tokens: np.ndarray
    traces: list
    masks: list  # masks[k]: dropout mask on layer k's input (k = 0 embedding, L = top output) or None
    top_output: np.ndarray  # (T*B, H) after dropout, the head's input
    table: bool = False  # layer 0's input projection was looked up in the (V, G·H) token table


class LanguageModel:
    """Parameters plus forward / backward of the whole model; no optimiser, no data handling."""

    def __init__(self, spec: ModelSpec, params: dict[str, np.ndarray]):
        spec.validate()
        validate_model_params(params, spec)
        self.spec = spec
        self.params = params
        self._layer_maps = [_layer_names(spec, k) for k in range(spec.num_layers)]
        self._layer_nets = [spec.layer_net(k) for k in range(spec.num_layers)]
        # arrays of the training step, reused from step to step (one set per layer)
        self._workspaces = [Workspace() for _ in range(spec.num_layers)]

    @property
    def dtype(self):
        return self.params["decoder.bias"].dtype

    @property
    def decoder_weight(self) -> np.ndarray:
        return self.params["embedding.weight" if self.spec.tie_weights else "decoder.weight"]

    def trainable_names(self) -> list[str]:
        names = list(self.params)
        if not self.spec.embedding_trainable:
            names.remove("embedding.weight")
        return names

    def layer_params(self, layer: int) -> dict[str, np.ndarray]:
        return {inner: self.params[outer] for inner, outer in self._layer_maps[layer].items()}

    def forward(self, tokens: np.ndarray, state: dict | None = None, *,
                rng: np.random.Generator | None = None, reuse: bool = False) -> ForwardResult:
        """Logits for ``tokens (T, B)`` starting from ``state`` (None = zeros).

        ``rng`` given and dropout > 0: training mode with fresh dropout masks; otherwise no dropout.
        ``reuse``: the traces live in the model's workspaces and are overwritten by the next call
        with ``reuse`` (the training step's own use).
        """
        spec = self.spec
        T, B = tokens.shape
        dtype = self.dtype
        if state is None:
            state = zero_state(spec, B, dtype)
        use_dropout = rng is not None and spec.dropout > 0
        embedding = self.params["embedding.weight"]
        x = embedding[tokens]                                  # (T, B, E)
        table = not use_dropout and self.use_token_table(T * B)
        traces, masks = [], []
        final = {name: np.empty_like(value) for name, value in state.items()}
        for layer in range(spec.num_layers):
            mask = None
            if use_dropout:
                mask = _dropout_mask(rng, spec.dropout, x.shape, dtype)
                x = x * mask
            masks.append(mask)
            h0 = {name: value[layer:layer + 1] for name, value in state.items()}
            projection = None
            if layer == 0 and table:
                # x_t W_ih^T + b = (E W_ih^T + b)[token]: one (V, G·H) table instead of a T·B GEMM
                params = self.layer_params(0)
                lookup = embedding @ params["weight_ih_l0"].T
                lookup += projection_bias(params, self._layer_nets[0], 0)
                out = (self._workspaces[0].empty("projection", tokens.shape + lookup.shape[1:],
                                                 lookup.dtype) if reuse else None)
                projection = np.take(lookup, tokens, axis=0, out=out)
            trace = forward(self.layer_params(layer), self._layer_nets[layer], x, h0=h0,
                            validate=False, input_projection=projection,
                            workspace=self._workspaces[layer] if reuse else None)
            traces.append(trace)
            for name, value in trace.final_state.items():
                final[name][layer] = value[0]
            x = trace.output
        top = x.reshape(T * B, spec.hidden_size)
        mask = None
        if use_dropout:
            mask = _dropout_mask(rng, spec.dropout, top.shape, dtype)
            top = top * mask
        masks.append(mask)
        logits = top @ self.decoder_weight.T
        logits += self.params["decoder.bias"]
        return ForwardResult(logits, final, tokens, traces, masks, top, table)

    #: whether layer 0 looks its input projection up in a per-token table: None decides by cost
    #: (below), True / False force it (tests compare both ways)
    token_table: bool | None = None

    def use_token_table(self, rows: int) -> bool:
        """Whether the token-table form of layer 0's input projection is cheaper for ``rows`` = T·B
        tokens. Building the table costs V·E·G, the one-hot sum of its gradient V·N·G and two
        V·E·G products, against N·E·G for each of the projection, ∂W_ih and ∂x GEMMs."""
        if self.token_table is not None:
            return self.token_table
        V, E = self.spec.vocab_size, self.spec.embed_size
        return V * (rows + 3 * E) < 3 * rows * E

    @staticmethod
    def token_losses(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Per-token cross-entropy ``(T*B,)`` in nats."""
        return softmax_cross_entropy(logits, targets)[0]

    def loss(self, tokens: np.ndarray, targets: np.ndarray, state: dict | None = None
             ) -> tuple[float, dict]:
        """Mean cross-entropy per token (nats, float64) without dropout, and the final state."""
        result = self.forward(tokens, state)
        losses = self.token_losses(result.logits, targets)
        return float(losses.astype(np.float64).mean()), result.final_state

    def loss_and_grads(self, tokens: np.ndarray, targets: np.ndarray, state: dict | None = None, *,
                       rng: np.random.Generator | None = None, reduction: str = "mean"
                       ) -> tuple[float, dict[str, np.ndarray], dict]:
        """Mean per-token loss (nats), gradients of the training objective, final state.

        ``reduction``: ``"mean"`` differentiates the mean over all T*B tokens; ``"sum-time"`` the sum
        over time of the batch mean (T times larger; the objective of Zaremba et al.'s code).
        Gradients are returned for the trainable parameters only; they are consumed by the
        optimiser (the embedding gradient array is reused by the next call).
        """
        if reduction not in LOSS_REDUCTIONS:
            raise ConfigError("unknown loss reduction {reduction!r}", reduction=reduction)
        spec = self.spec
        T, B = tokens.shape
        result = self.forward(tokens, state, rng=rng, reuse=True)
        losses, d_logits = softmax_cross_entropy(result.logits, targets, overwrite=True)
        loss = float(losses.astype(np.float64).mean())
        # dL/dlogits = softmax - onehot, scaled by the reduction
        flat_targets = targets.reshape(-1)
        d_logits[np.arange(flat_targets.size), flat_targets] -= 1
        scale = 1.0 / (T * B) if reduction == "mean" else 1.0 / B
        d_logits *= d_logits.dtype.type(scale)
        grads: dict[str, np.ndarray] = {}
        d_decoder = d_logits.T @ result.top_output            # (V, H)
        grads["decoder.bias"] = d_logits.sum(axis=0)
        # (T, B, H) view of an (H, T, B) array: the layout the fused backward sweep reads per step
        d_x = np.moveaxis((self.decoder_weight.T @ d_logits.T).reshape(spec.hidden_size, T, B), 0, -1)
        if result.masks[-1] is not None:
            d_x *= result.masks[-1].reshape(T, B, spec.hidden_size)
        for layer in range(spec.num_layers - 1, -1, -1):
            own = layer == 0 and result.table
            layer_grads, d_input = self._layer_backward(layer, result.traces[layer], d_x, own)
            for inner, outer in self._layer_maps[layer].items():
                if inner in layer_grads:
                    grads[outer] = layer_grads[inner]
            if result.masks[layer] is not None:
                d_input *= result.masks[layer]
            d_x = d_input
        flat_tokens = tokens.reshape(-1)
        d_table_input = None
        if result.table:
            # d_x is the (T, B, G·H) gradient of the looked-up projection; sum it per token
            embedding = self.params["embedding.weight"]
            flat = d_x.reshape(T * B, -1)
            one_hot = self._workspaces[0].zeros("one_hot", (spec.vocab_size, T * B), flat.dtype)
            one_hot[flat_tokens, np.arange(T * B)] = 1
            per_token = one_hot @ flat                       # (V, G·H)
            grads[self._layer_maps[0]["weight_ih_l0"]] = per_token.T @ embedding
            if spec.embedding_trainable:
                d_table_input = per_token @ self.params[self._layer_maps[0]["weight_ih_l0"]]
        if spec.embedding_trainable:
            if d_table_input is not None:
                if spec.tie_weights:
                    d_decoder += d_table_input
                    d_embedding = d_decoder
                else:
                    d_embedding = d_table_input
            else:
                if spec.tie_weights:
                    d_embedding = d_decoder      # a fresh (V, H) array: add the input side into it
                else:
                    d_embedding = self._embedding_gradient_buffer(flat_tokens)
                np.add.at(d_embedding, flat_tokens, d_x.reshape(T * B, -1))
            grads["embedding.weight"] = d_embedding
        if not spec.tie_weights:
            grads["decoder.weight"] = d_decoder
        return loss, grads, result.final_state

    def _embedding_gradient_buffer(self, tokens: np.ndarray) -> np.ndarray:
        """A zero (V, E) array for the embedding gradient, reused between calls.

        Only the rows of the tokens of one batch are ever non-zero, so instead of allocating and
        clearing V x E numbers every step (most of a word-level model's parameters) the rows
        written by the previous call are cleared. The array returned by the previous call is
        therefore overwritten: gradients are meant to be consumed before the next step.
        """
        embedding = self.params["embedding.weight"]
        buffer = getattr(self, "_embedding_grad", None)
        if buffer is None or buffer.shape != embedding.shape or buffer.dtype != embedding.dtype:
            buffer = self._embedding_grad = np.zeros_like(embedding)
        else:
            buffer[self._embedding_grad_rows] = 0
        self._embedding_grad_rows = np.unique(tokens)
        return buffer

    def _layer_backward(self, layer: int, trace, d_output: np.ndarray, own_projection: bool = False):
        """Engine BPTT through one layer: (parameter grads in one-layer names, dL/dx (T, B, In)).

        ``own_projection``: the layer's input projection came from the token table; the second
        value is then its gradient (T, B, G·H) and ``weight_ih`` is left to the caller.
        """
        net = self._layer_nets[layer]
        params = self.layer_params(layer)
        grads = backward(params, net, trace, d_output, input_grad=not own_projection,
                         projection_grad=own_projection, step_norms=False,
                         workspace=self._workspaces[layer])
        return grads.params, grads.d_projection if own_projection else grads.d_input

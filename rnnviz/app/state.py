"""AppState: the one QObject holding the explorer's configuration and results.

Controls write to it (``update(**changes)``), plots listen to it. It knows nothing about widgets
or threads; ``rnnviz.app.compute`` turns configuration changes into jobs and feeds results back in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from PySide6.QtCore import QObject, Signal

from rnnviz.app.i18n import translated
from rnnviz.core.analysis import ExperimentConfig
from rnnviz.core.config import ConfigError

#: Sequence length limits offered by the controls.
MIN_SEQ_LEN = 1
MAX_SEQ_LEN = 2000
#: Largest auxiliary input size A the controls offer.
MAX_AUX_SIZE = 64


def clamp_dependent_fields(config: ExperimentConfig) -> ExperimentConfig:
    """Keep the anchor t0 in [0, T-1], the loss step in [1, T] and k in [1, T] after T changed, and
    the encoder–decoder's N + M within T (see :func:`clamp_encoder_decoder`)."""
    seq_len = config.seq_len
    changes = {}
    if config.anchor > seq_len - 1:
        changes["anchor"] = max(0, seq_len - 1)
    if config.loss_step > seq_len:
        changes["loss_step"] = seq_len
    if config.truncate is not None and config.truncate > seq_len:
        changes["truncate"] = seq_len
    changes.update(clamp_encoder_decoder(config))
    return config.replace(**changes) if changes else config


def clamp_encoder_decoder(config: ExperimentConfig) -> dict:
    """Changes that keep the encoder steps N and decoder steps M valid for the sequence length T.

    Unset (None) they follow T (N = ⌈T/2⌉, M = T − N). Set ones that no longer fit (N + M > T, or
    either beyond T) shrink in proportion, so that T down keeps the split's shape; at T = 1 they are
    unset (the placement itself then needs T ≥ 2, which validation says).
    """
    T = config.seq_len
    n_set, m_set = config.encoder_steps, config.decoder_steps
    if n_set is None and m_set is None:
        return {}
    n, m = config.encoder_length, config.decoder_length
    if 1 <= n and 1 <= m and n + m <= T and (n_set or 0) <= T and (m_set or 0) <= T:
        return {}
    if T < 2:
        return {"encoder_steps": None, "decoder_steps": None}
    n, m = max(1, n), max(1, m)
    new_n = min(T - 1, max(1, round(n * T / max(n + m, T))))
    new_m = min(T - new_n, max(1, round(m * T / max(n + m, T))))
    return {"encoder_steps": None if n_set is None else new_n, "decoder_steps": None if m_set is None else new_m}


#: Fields whose controls do not apply to loaded weights (the weights and inputs come with them).
NOT_APPLICABLE_TO_LOADED = ("init", "init_scale", "radius", "forget_bias", "seed", "input_signal", "input_scale",
                            "input_text", "input_size", "leaky_slope", "aux_size", "aux_pattern", "aux_scale")

#: Fields that decide which weights and inputs the engine generates; weights loaded from elsewhere
#: (a trained language model) stop applying as soon as one of them changes.
WEIGHT_FIELDS = ("cell", "activation", "leaky_slope", "hidden_size", "input_size", "num_layers",
                 "bidirectional", "init", "init_scale", "radius", "forget_bias", "input_signal",
                 "input_scale", "input_text", "seq_len", "batch", "seed", "dtype", "aux_size", "aux_pattern",
                 "aux_scale")


#: Fields a network read from a file fixes: changing one analyses generated weights instead.
NETWORK_FIELDS = ("cell", "activation", "leaky_slope", "hidden_size", "input_size", "num_layers",
                  "bidirectional", "init", "init_scale", "radius", "forget_bias", "dtype", "aux_size",
                  "aux_pattern", "aux_scale")
#: Fields inputs read from a file fix.
INPUT_FIELDS = ("input_signal", "input_scale", "input_text", "input_size", "seq_len", "batch")


@dataclass(frozen=True)
class LoadedWeights:
    """Weights (engine names) and/or inputs ``(T, B, input_size)`` to analyse instead of generated ones.

    ``params`` None: generated weights with loaded inputs; ``inputs`` None: generated inputs.
    ``fixed``: the configuration fields these weights and inputs fix; a change of one of them
    analyses generated ones instead (undoable). ``network_file``/``inputs_file``: the files they
    were read from (:class:`rnnviz.app.loading.FileSource`), None for a trained model's hand-off.
    ``vocabulary``: a trainer checkpoint's (text files become inputs through it).
    ``texts``: for weights from no file, ``texts(config) -> (label, description)`` makes the two
    again in the interface language (a language switch); None: they stay as they are.
    """

    params: dict | None
    inputs: np.ndarray | None
    label: str
    text: str = ""          # what the inputs encode (a trained model's real text), shown by the controls
    description: str = ""   # the network, e.g. "LSTM, 1 layer, H = 128"
    fixed: tuple = WEIGHT_FIELDS
    network_file: object = None
    inputs_file: object = None
    vocabulary: object = field(default=None, repr=False)
    texts: Callable[[object], tuple[str, str]] | None = field(default=None, repr=False, compare=False)

    @property
    def from_files(self) -> bool:
        return self.network_file is not None or self.inputs_file is not None


class AppState(QObject):
    """Current ExperimentConfig and the newest results computed for it.

    Signals:
        config_changed(ExperimentConfig): emitted after every accepted change.
        forward_result_changed(ForwardResult): the forward part of the next FastResult (states,
            gates, spectra), shown by the plots that need no gradient while the rest is computed.
        fast_result_changed(FastResult): the cheap results (everything but the (t, k) map).
        map_result_changed(MapResult): a (partial or complete) (t, k) map.
        map_progress(float): fraction of the map computed, 0..1.
        busy_changed(bool): a computation is running.
        message(str): a one-line error or notice for the user.
        weights_changed(object): the LoadedWeights now analysed, or None (generated weights).
        weights_dropped(str): a change replaced loaded weights by generated ones; ``undo_drop`` goes back.
    """

    config_changed = Signal(object)
    forward_result_changed = Signal(object)
    fast_result_changed = Signal(object)
    map_result_changed = Signal(object)
    map_progress = Signal(float)
    busy_changed = Signal(bool)
    message = Signal(str)
    weights_changed = Signal(object)
    weights_dropped = Signal(str)

    def __init__(self, config: ExperimentConfig | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._config = config if config is not None else ExperimentConfig()
        self._config.validate()
        self.fast_result = None
        #: the forward part shown ahead of its FastResult (None once that came: see fast_result)
        self.forward_result = None
        self.map_result = None
        self._busy = False
        self.weights: LoadedWeights | None = None
        #: ``admit(config) -> reason | None``: a configuration with a reason (e.g. over the memory
        #: budget) is refused before anything changes; set by the compute controller.
        self.admit: Callable[[ExperimentConfig], str | None] | None = None
        self._dropped: tuple[ExperimentConfig, LoadedWeights] | None = None  # what undo_drop brings back

    @property
    def config(self) -> ExperimentConfig:
        return self._config

    def update(self, **changes) -> bool:
        """Apply field changes; invalid values give one message and change nothing. True if accepted."""
        try:
            new_config = clamp_dependent_fields(self._config.replace(**changes))
            new_config.validate()
        except (ConfigError, TypeError, ValueError) as error:
            self.message.emit(self.tr("Not applied: {0}").format(translated(error)))
            return False
        return self._accept(new_config)

    def set_config(self, config: ExperimentConfig) -> bool:
        """Replace the whole configuration (presets, sessions); invalid -> message, nothing changes."""
        try:
            config = clamp_dependent_fields(config)
            config.validate()
        except (ConfigError, TypeError, ValueError) as error:
            self.message.emit(self.tr("Not applied: {0}").format(translated(error)))
            return False
        return self._accept(config)

    def set_weights(self, config: ExperimentConfig, weights: LoadedWeights) -> bool:
        """Analyse ``weights`` (e.g. a trained model) under ``config``; invalid -> message, nothing changes."""
        try:
            config.validate()
        except (ConfigError, TypeError, ValueError) as error:
            self.message.emit(self.tr("Not applied: {0}").format(translated(error)))
            return False
        if not self._admitted(config):
            return False
        self.weights = weights
        self._dropped = None
        self._config = config
        self.weights_changed.emit(weights)
        self.config_changed.emit(config)
        return True

    def _admitted(self, config: ExperimentConfig) -> bool:
        reason = self.admit(config) if self.admit is not None else None
        if reason:
            self.message.emit(self.tr("Not applied: {0}").format(translated(reason)))
        return not reason

    @property
    def dropped_label(self) -> str:
        """The label of the weights undo_drop brings back ("" if none)."""
        return self._dropped[1].label if self._dropped is not None else ""

    @property
    def can_undo_drop(self) -> bool:
        return self._dropped is not None and self.weights is not self._dropped[1]

    def undo_drop(self) -> bool:
        """Analyse the weights the last drop replaced again, with the configuration they had."""
        if not self.can_undo_drop:
            return False
        config, weights = self._dropped
        return self.set_weights(config, weights)

    def generated_network(self) -> bool:
        """Back to a generated network (of the same architecture), keeping loaded inputs; undoable."""
        weights = self.weights
        if weights is None or weights.network_file is None:
            return False
        rest = None
        if weights.inputs_file is not None:
            rest = replace(weights, params=None, network_file=None, description="", fixed=INPUT_FIELDS,
                           label=self.tr("inputs {name}").format(name=weights.inputs_file.name))
        return self.keep_part(self._config, rest, self.tr("Now analysing a generated network instead of {name}")
                              .format(name=weights.network_file.name))

    def generated_inputs(self) -> bool:
        """Back to generated inputs, keeping a loaded network; undoable."""
        weights = self.weights
        if weights is None or weights.inputs_file is None:
            return False
        rest = None
        if weights.network_file is not None:
            rest = replace(weights, inputs=None, inputs_file=None, text="", fixed=NETWORK_FIELDS,
                           label=self.tr("network {name}").format(name=weights.network_file.name))
        return self.keep_part(self._config, rest, self.tr("Now analysing generated inputs instead of {name}")
                              .format(name=weights.inputs_file.name))

    def drop_weights(self) -> bool:
        """Analyse generated weights for the current configuration (undoable); False if none were loaded."""
        if self.weights is None:
            return False
        self._drop()
        self.config_changed.emit(self._config)
        return True

    def _drop(self) -> None:
        self._dropped = (self._config, self.weights)
        label = self.weights.label
        self.weights = None
        self.weights_changed.emit(None)
        self.weights_dropped.emit(self.tr("Now analysing generated weights instead of the {label}").format(label=label))

    def keep_part(self, config: ExperimentConfig, weights: LoadedWeights | None, text: str) -> bool:
        """Go back to generated weights or inputs for part of what is loaded: analyse ``weights``
        (the rest; None: all generated) under ``config``, undoably; ``text`` says what happened."""
        if self.weights is None:
            return False
        before = (self._config, self.weights)
        if weights is None:
            if not self._admitted(config):
                return False
            self.weights = None
            self._config = config
            self.weights_changed.emit(None)
            self.config_changed.emit(config)
        elif not self.set_weights(config, weights):
            return False
        self._dropped = before
        self.weights_dropped.emit(text)
        return True

    def _accept(self, config: ExperimentConfig) -> bool:
        if config == self._config:
            return True
        if not self._admitted(config):
            return False
        if self.weights is not None and any(getattr(config, f) != getattr(self._config, f)
                                            for f in self.weights.fixed):
            self._drop()
        self._config = config
        self.config_changed.emit(config)
        return True

    def recompute(self) -> None:
        """Ask listeners to compute again for the same configuration (F5)."""
        self.config_changed.emit(self._config)

    # -- results (called by the compute controller in the UI thread) -------------------------
    def set_forward_result(self, part) -> None:
        """The forward part of the result being computed (``fast_result`` stays the last whole one)."""
        self.forward_result = part
        self.forward_result_changed.emit(part)

    def set_fast_result(self, fast) -> None:
        self.forward_result = None
        self.fast_result = fast
        self.map_result = None
        self.fast_result_changed.emit(fast)

    def set_map_result(self, map_result) -> None:
        self.map_result = map_result
        self.map_result_changed.emit(map_result)
        self.map_progress.emit(float(map_result.fraction))

    def set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    @property
    def busy(self) -> bool:
        return self._busy

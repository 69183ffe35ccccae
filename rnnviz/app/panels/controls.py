"""The controls dock: every knob of the experiment, grouped, each with a tooltip.

Widgets write to AppState (``state.update(field=value)``); when the state changes (preset,
session, clamping) the widgets are set from it with their signals blocked, so there is exactly
one source of truth and no feedback loop.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSignalBlocker, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QScrollArea, QSlider, QSpinBox, QVBoxLayout, QWidget)

from rnnviz.app.i18n import names
from rnnviz.app.state import MAX_AUX_SIZE, MAX_SEQ_LEN, MIN_SEQ_LEN, AppState, LoadedWeights

CELL_NAMES = {
    "rnn": QT_TRANSLATE_NOOP("Names", "Elman RNN"),
    "lstm": QT_TRANSLATE_NOOP("Names", "LSTM"),
    "lstm-peephole": QT_TRANSLATE_NOOP("Names", "Peephole LSTM"),
    "lstm-cifg": QT_TRANSLATE_NOOP("Names", "CIFG LSTM"),
    "gru": QT_TRANSLATE_NOOP("Names", "GRU (PyTorch/cuDNN)"),
    "gru-cho": QT_TRANSLATE_NOOP("Names", "GRU (Cho 2014)"),
}
ACTIVATION_NAMES = {
    "tanh": "tanh",
    "sigmoid": QT_TRANSLATE_NOOP("Names", "sigmoid"),
    "relu": QT_TRANSLATE_NOOP("Names", "ReLU"),
    "linear": QT_TRANSLATE_NOOP("Names", "linear (identity)"),
    "leaky-relu": QT_TRANSLATE_NOOP("Names", "leaky ReLU"),
}
INIT_NAMES = {
    "orthogonal": QT_TRANSLATE_NOOP("Names", "orthogonal"),
    "gaussian": QT_TRANSLATE_NOOP("Names", "Gaussian"),
    "uniform": QT_TRANSLATE_NOOP("Names", "uniform"),
    "identity": QT_TRANSLATE_NOOP("Names", "identity (IRNN)"),
    "pytorch": QT_TRANSLATE_NOOP("Names", "PyTorch default U(±1/√H)"),
}
SIGNAL_NAMES = {
    "gaussian": QT_TRANSLATE_NOOP("Names", "Gaussian noise"),
    "zeros": QT_TRANSLATE_NOOP("Names", "zeros"),
    "constant": QT_TRANSLATE_NOOP("Names", "constant"),
    "sine": QT_TRANSLATE_NOOP("Names", "sine"),
    "onehot": QT_TRANSLATE_NOOP("Names", "random one-hot tokens"),
    "text": QT_TRANSLATE_NOOP("Names", "text (type below)"),
}
LOSS_NAMES = {"all": QT_TRANSLATE_NOOP("Names", "every step"), "last": QT_TRANSLATE_NOOP("Names", "last step"),
              "step": QT_TRANSLATE_NOOP("Names", "chosen step")}
LSTM_CELLS = ("lstm", "lstm-peephole", "lstm-cifg")
#: The input entry shown (and only shown) while loaded weights bring their own inputs.
LOADED_SIGNAL = "loaded"
LOADED_SIGNAL_NAME = QT_TRANSLATE_NOOP("Names", "real text (trained model)")
NOT_APPLICABLE_TIP = (QT_TRANSLATE_NOOP("Names", "Does not apply: the trained model's own weights and its embedded text are analysed. "
                      "“Use generated weights” above makes it apply again."))
DROP_TIP = QT_TRANSLATE_NOOP("Names", "Changing this analyses generated weights instead of the trained model's (Ctrl+Z goes back).")
PREVIEW_CHARS = 80
DEFAULT_TEXT = "the quick brown fox jumps over the lazy dog"

#: Spectral radius slider: integer positions 0..RADIUS_SLIDER_STEPS map onto ρ in [0, RADIUS_MAX].
RADIUS_SLIDER_STEPS = 1000
RADIUS_MAX = 2.0
RADIUS_LOG_MIN = 0.01


def slider_to_radius(position: int, log_scale: bool) -> float:
    """ρ for a slider position; log scale spans [0.01, 2] (position 0 is ρ = 0 exactly)."""
    fraction = position / RADIUS_SLIDER_STEPS
    if not log_scale:
        return round(RADIUS_MAX * fraction, 4)
    if position <= 0:
        return 0.0
    low, high = math.log10(RADIUS_LOG_MIN), math.log10(RADIUS_MAX)
    return round(10.0 ** (low + fraction * (high - low)), 4)


def radius_to_slider(radius: float, log_scale: bool) -> int:
    """Nearest slider position for ρ (ρ beyond 2 pins the slider at its end)."""
    if not log_scale:
        position = radius / RADIUS_MAX * RADIUS_SLIDER_STEPS
    elif radius <= 0:
        return 0
    else:
        low, high = math.log10(RADIUS_LOG_MIN), math.log10(RADIUS_MAX)
        position = max(1.0, (math.log10(radius) - low) / (high - low) * RADIUS_SLIDER_STEPS)
    return int(min(RADIUS_SLIDER_STEPS, max(0, round(position))))


def _combo(items: dict[str, str], tooltip: str, name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for value, text in items.items():
        combo.addItem(names(text), value)
    combo.setToolTip(tooltip)
    return combo


def keep_maximum(spin, maximum) -> None:
    """``spin.setMaximum(maximum)`` only when it changes: Qt lays the controls out again after every
    call (the spin box asks for a new size), and ``show_config`` runs on every change, while the
    worker computes (four such calls cost ~1 ms of the UI thread per change of ρ)."""
    if spin.maximum() != maximum:
        spin.setMaximum(maximum)


def keep_value(spin, value) -> None:
    """``spin.setValue(value)`` only when it changes: Qt repaints a spin box on every call, equal
    value or not, and its group box behind it; ``show_config`` sets all 20 of them on every change
    of ρ (2-3 ms of the UI thread's painting per change, while the worker computes)."""
    if spin.value() != value:
        spin.setValue(value)


def keep_tooltip(widget, text: str) -> None:
    """``widget.setToolTip(text)`` only when it changes (Qt sends the widget an event each time)."""
    if widget.toolTip() != text:
        widget.setToolTip(text)


def _spin(low: int, high: int, tooltip: str, name: str, live: bool = True) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setToolTip(tooltip)
    # Typing "128" must not compute for 1 and 12 first: typed values apply on Enter / focus out.
    spin.setKeyboardTracking(live)
    return spin


def _double(low: float, high: float, step: float, decimals: int, tooltip: str, name: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setSingleStep(step)
    spin.setDecimals(decimals)
    spin.setToolTip(tooltip)
    spin.setKeyboardTracking(False)
    return spin


class ControlsPanel(QScrollArea):
    """Left dock content. Attributes are the widgets (tests drive them directly)."""

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.setObjectName("controls")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(4, 4, 4, 4)
        self.setWidget(body)

        # -- what is analysed when weights come from elsewhere (a trained language model) --------
        self.loaded_label = QLabel()
        self.loaded_label.setObjectName("loaded_weights")
        self.loaded_label.setWordWrap(True)
        self.generated_button = QPushButton(self.tr("Use generated weights"))
        self.generated_button.setObjectName("use_generated_weights")
        self.generated_button.setToolTip(self.tr("Analyse weights generated from these controls instead of the trained "
                                         "model's (Ctrl+Z goes back)"))
        self.generated_button.clicked.connect(self.state.drop_weights)
        # weights and inputs read from files (File → Open network…, File → Open inputs…)
        self.generated_network_button = QPushButton(self.tr("Back to generated network"))
        self.generated_network_button.setObjectName("back_to_generated_network")
        self.generated_network_button.setToolTip(self.tr(
            "Analyse a network generated from these controls (same architecture) instead of the file's; "
            "loaded inputs stay (Ctrl+Z goes back)"))
        self.generated_network_button.clicked.connect(self.state.generated_network)
        self.generated_inputs_button = QPushButton(self.tr("Back to generated inputs"))
        self.generated_inputs_button.setObjectName("back_to_generated_inputs")
        self.generated_inputs_button.setToolTip(self.tr(
            "Feed the network the input signal chosen below instead of the file's inputs (Ctrl+Z goes back)"))
        self.generated_inputs_button.clicked.connect(self.state.generated_inputs)
        loaded = QVBoxLayout()
        loaded.addWidget(self.loaded_label)
        loaded.addWidget(self.generated_button)
        loaded.addWidget(self.generated_network_button)
        loaded.addWidget(self.generated_inputs_button)
        self.loaded_box = self._group(self.tr("Analysed: a trained model"), loaded)
        self.loaded_box.setVisible(False)
        column.addWidget(self.loaded_box)

        # -- network ---------------------------------------------------------------------------
        self.cell_combo = _combo(CELL_NAMES, self.tr("Recurrent cell. GRU (PyTorch/cuDNN) applies the reset gate to "
                                 "(W_hn h + b_hn); GRU (Cho 2014) applies it to h before W_hn."), "cell")
        self.activation_combo = _combo(ACTIVATION_NAMES, self.tr("Nonlinearity φ: the Elman RNN's activation; for gated "
                                       "cells it replaces tanh in the candidate and the cell output (gates stay "
                                       "sigmoid)."), "activation")
        self.leaky_slope_spin = _double(0.0, 1.0, 0.01, 3, self.tr("Slope of leaky ReLU for negative inputs"), "leaky_slope")
        self.hidden_spin = _spin(1, 1024, self.tr("Hidden size H: units per layer and direction"), "hidden_size", live=False)
        self.input_size_spin = _spin(1, 512, self.tr("Input size: width of each input vector xₜ"), "input_size", live=False)
        self.layers_spin = _spin(1, 8, self.tr("Number of stacked layers; the analysed state s stacks all layers"),
                                 "num_layers")
        self.bidirectional_check = QCheckBox(self.tr("bidirectional"))
        self.bidirectional_check.setObjectName("bidirectional")
        self.bidirectional_check.setToolTip(self.tr("Add a reverse-direction RNN per layer (the plots show the forward "
                                            "direction)"))
        network = QFormLayout()
        network.addRow(self.tr("Cell"), self.cell_combo)
        network.addRow(self.tr("Activation φ"), self.activation_combo)
        network.addRow(self.tr("Leaky slope"), self.leaky_slope_spin)
        network.addRow(self.tr("Hidden size H"), self.hidden_spin)
        network.addRow(self.tr("Input size"), self.input_size_spin)
        network.addRow(self.tr("Layers"), self.layers_spin)
        network.addRow("", self.bidirectional_check)
        column.addWidget(self._group(self.tr("Network"), network))

        # -- initialisation ------------------------------------------------------------------
        self.init_combo = _combo(INIT_NAMES, self.tr("Initialisation scheme of the weights (before rescaling to ρ)"), "init")
        self.init_scale_spin = _double(0.0, 10.0, 0.05, 3, self.tr("Scale of the init scheme: σ for Gaussian, a for "
                                       "U(−a, a); 'default' = the scheme's own choice"), "init_scale")
        self.init_scale_spin.setSpecialValueText(self.tr("default"))
        self.radius_check = QCheckBox(self.tr("rescale to ρ"))
        self.radius_check.setObjectName("radius_enabled")
        self.radius_check.setToolTip(self.tr("Rescale every square recurrent block W_hh so its spectral radius is ρ; "
                                     "off = keep the init scheme's weights"))
        self.radius_slider = QSlider(Qt.Orientation.Horizontal)
        self.radius_slider.setObjectName("radius_slider")
        self.radius_slider.setRange(0, RADIUS_SLIDER_STEPS)
        self.radius_slider.setToolTip(self.tr("Spectral radius ρ of each recurrent block, 0 to 2 (drag: live update)"))
        self.radius_spin = _double(0.0, 10.0, 0.01, 4, self.tr("Exact spectral radius ρ"), "radius")
        self.radius_log_check = QCheckBox(self.tr("log slider"))
        self.radius_log_check.setObjectName("radius_log")
        self.radius_log_check.setToolTip(self.tr("Map the ρ slider logarithmically (0.01 … 2) instead of linearly (0 … 2)"))
        self.forget_bias_spin = _double(-10.0, 10.0, 0.5, 3, self.tr("Forget-gate bias b<sub>f</sub> added at init (LSTM "
                                        "variants): 1 keeps the cell-state highway open, 0 lets it close"), "forget_bias")
        self.seed_spin = _spin(0, 2**31 - 1, self.tr("Random seed of weights and inputs"), "seed", live=False)
        radius_row = QHBoxLayout()
        radius_row.addWidget(self.radius_slider, 1)
        radius_row.addWidget(self.radius_spin)
        init = QFormLayout()
        init.addRow(self.tr("Scheme"), self.init_combo)
        init.addRow(self.tr("Scale"), self.init_scale_spin)
        init.addRow(self.radius_check, self.radius_log_check)
        init.addRow("ρ", radius_row)
        init.addRow(self.tr("Forget bias b<sub>f</sub>"), self.forget_bias_spin)
        init.addRow(self.tr("Seed"), self.seed_spin)
        column.addWidget(self._group(self.tr("Initialisation"), init))

        # -- input -----------------------------------------------------------------------------
        self.input_combo = _combo(SIGNAL_NAMES, self.tr("Input sequence x<sub>1</sub> … x<sub>T</sub> fed to the network"),
                                  "input_signal")
        self.input_text_edit = QLineEdit()
        self.input_text_edit.setObjectName("input_text")
        self.input_text_edit.setPlaceholderText(self.tr("type text here"))
        self.input_text_edit.setToolTip(self.tr("Characters hashed to one-hot vectors (input signal 'text'); the text "
                                        "repeats to fill the sequence length"))
        self.input_scale_spin = _double(0.0, 100.0, 0.1, 3, self.tr("Multiplies the input signal"), "input_scale")
        self.seq_len_spin = _spin(MIN_SEQ_LEN, MAX_SEQ_LEN, self.tr("Sequence length T (1–2000)"), "seq_len", live=False)
        inputs = QFormLayout()
        inputs.addRow(self.tr("Signal"), self.input_combo)
        inputs.addRow(self.tr("Text"), self.input_text_edit)
        inputs.addRow(self.tr("Scale"), self.input_scale_spin)
        inputs.addRow(self.tr("Length T"), self.seq_len_spin)
        column.addWidget(self._group(self.tr("Input"), inputs))
        column.addWidget(self._build_aux_group())

        # -- loss and BPTT ---------------------------------------------------------------------
        self.loss_combo = _combo(LOSS_NAMES, self.tr("Which steps carry a loss term L_τ (cross-entropy of a random "
                                 "readout against random targets)"), "loss_placement")
        self.loss_step_spin = _spin(1, MAX_SEQ_LEN, self.tr("The step τ carrying the loss when 'chosen step' is selected"),
                                    "loss_step")
        self.truncate_check = QCheckBox(self.tr("truncate BPTT"))
        self.truncate_check.setObjectName("truncate_enabled")
        self.truncate_check.setToolTip(self.tr("Off = full backprop through time; on = each loss term sends gradient back "
                                       "at most k steps"))
        self.truncate_spin = _spin(1, MAX_SEQ_LEN, self.tr("Truncation window k in steps"), "truncate")
        self.anchor_spin = _spin(0, MAX_SEQ_LEN - 1, self.tr("Anchor step t₀ of the gradient-decay curve (click the map "
                                 "to set it)"), "anchor")
        loss = QFormLayout()
        loss.addRow(self.tr("Loss at"), self.loss_combo)
        loss.addRow(self.tr("Loss step τ"), self.loss_step_spin)
        self._add_encoder_decoder_rows(loss)
        loss.addRow(self.truncate_check, self.truncate_spin)
        loss.addRow(self.tr("Anchor t₀"), self.anchor_spin)
        column.addWidget(self._group(self.tr("Loss and backprop"), loss))
        column.addStretch(1)

        # Controls that do not apply to loaded weights, and those whose change drops them.
        self._not_applicable = [self.init_combo, self.init_scale_spin, self.radius_check, self.radius_slider,
                                self.radius_spin, self.radius_log_check, self.forget_bias_spin, self.seed_spin,
                                self.input_combo, self.input_text_edit, self.input_scale_spin,
                                self.input_size_spin, self.leaky_slope_spin, self.aux_size_spin,
                                self.aux_pattern_combo, self.aux_scale_spin]
        self._dropping = [self.cell_combo, self.activation_combo, self.hidden_spin, self.layers_spin,
                          self.bidirectional_check, self.seq_len_spin]
        # ... and those a network or inputs read from a file fix.
        self._network_fixed = [self.cell_combo, self.activation_combo, self.leaky_slope_spin, self.hidden_spin,
                               self.input_size_spin, self.layers_spin, self.bidirectional_check, self.init_combo,
                               self.init_scale_spin, self.radius_check, self.radius_slider, self.radius_spin,
                               self.radius_log_check, self.forget_bias_spin, self.aux_size_spin,
                               self.aux_pattern_combo, self.aux_scale_spin]
        self._inputs_fixed = [self.input_combo, self.input_text_edit, self.input_scale_spin, self.seq_len_spin,
                              self.input_size_spin]
        self._tooltips = {id(w): w.toolTip() for w in self._not_applicable + self._dropping + self._network_fixed
                          + self._inputs_fixed}

        self._connect()
        self.show_config(state.config)
        state.config_changed.connect(self.show_config)
        state.fast_result_changed.connect(self._show_measured_radius)

    @staticmethod
    def _group(title: str, layout) -> QGroupBox:
        box = QGroupBox(title)
        box.setLayout(layout)
        return box

    # -- widgets -> state ------------------------------------------------------------------------
    def _update(self, **changes) -> None:
        """Write to the state; a rejected value (one message already shown) puts the widgets back."""
        if not self.state.update(**changes):
            self.show_config(self.state.config)

    def _on_input_signal(self) -> None:
        signal = self.input_combo.currentData()
        if signal == "text" and not self.state.config.input_text:
            text = self.input_text_edit.text() or DEFAULT_TEXT
            self._update(input_signal=signal, input_text=text)
        else:
            self._update(input_signal=signal)

    def _on_input_text(self, text: str) -> None:
        # An empty line while typing is a transient state, not an error worth a message.
        if text or self.state.config.input_signal != "text":
            self._update(input_text=text)

    def _connect(self) -> None:
        update = self._update
        self.cell_combo.currentIndexChanged.connect(lambda _i: update(cell=self.cell_combo.currentData()))
        self.activation_combo.currentIndexChanged.connect(
            lambda _i: update(activation=self.activation_combo.currentData()))
        self.leaky_slope_spin.valueChanged.connect(lambda value: update(leaky_slope=value))
        self.hidden_spin.valueChanged.connect(lambda value: update(hidden_size=value))
        self.input_size_spin.valueChanged.connect(lambda value: update(input_size=value))
        self.layers_spin.valueChanged.connect(lambda value: update(num_layers=value))
        self.bidirectional_check.toggled.connect(lambda on: update(bidirectional=on))
        self.init_combo.currentIndexChanged.connect(lambda _i: update(init=self.init_combo.currentData()))
        self.init_scale_spin.valueChanged.connect(
            lambda value: update(init_scale=None if value <= self.init_scale_spin.minimum() else value))
        self.radius_check.toggled.connect(
            lambda on: update(radius=self.radius_spin.value() if on else None))
        self.radius_slider.valueChanged.connect(self._on_radius_slider)
        self.radius_spin.valueChanged.connect(lambda value: update(radius=value))
        self.radius_log_check.toggled.connect(self._on_radius_log)
        self.forget_bias_spin.valueChanged.connect(lambda value: update(forget_bias=value))
        self.seed_spin.valueChanged.connect(lambda value: update(seed=value))
        self.input_combo.currentIndexChanged.connect(lambda _i: self._on_input_signal())
        self.input_text_edit.textChanged.connect(self._on_input_text)
        self.input_scale_spin.valueChanged.connect(lambda value: update(input_scale=value))
        self.seq_len_spin.valueChanged.connect(lambda value: update(seq_len=value))
        self.loss_combo.currentIndexChanged.connect(
            lambda _i: update(loss_placement=self.loss_combo.currentData()))
        self.loss_step_spin.valueChanged.connect(lambda value: update(loss_step=value))
        self.truncate_check.toggled.connect(
            lambda on: update(truncate=self.truncate_spin.value() if on else None))
        self.truncate_spin.valueChanged.connect(lambda value: update(truncate=value))
        self.anchor_spin.valueChanged.connect(lambda value: update(anchor=value))
        self.aux_size_spin.valueChanged.connect(lambda value: update(aux_size=value))
        self.aux_pattern_combo.currentIndexChanged.connect(
            lambda _i: update(aux_pattern=self.aux_pattern_combo.currentData()))
        self.aux_scale_spin.valueChanged.connect(lambda value: update(aux_scale=value))
        self.encoder_spin.valueChanged.connect(self._on_encoder_steps)
        self.decoder_spin.valueChanged.connect(self._on_decoder_steps)

    def _on_radius_slider(self, position: int) -> None:
        self._update(radius=slider_to_radius(position, self.radius_log_check.isChecked()))

    def _on_radius_log(self, log_scale: bool) -> None:
        # Only the slider's mapping changes; ρ itself stays.
        radius = self.state.config.radius
        with QSignalBlocker(self.radius_slider):
            self.radius_slider.setValue(radius_to_slider(radius if radius is not None else 1.0, log_scale))

    # -- state -> widgets ------------------------------------------------------------------------
    def show_config(self, config) -> None:
        """Set every widget from ``config`` without emitting change signals."""
        widgets = [self.cell_combo, self.activation_combo, self.leaky_slope_spin, self.hidden_spin,
                   self.input_size_spin, self.layers_spin, self.bidirectional_check, self.init_combo,
                   self.init_scale_spin, self.radius_check, self.radius_slider, self.radius_spin,
                   self.forget_bias_spin, self.seed_spin, self.input_combo, self.input_text_edit,
                   self.input_scale_spin, self.seq_len_spin, self.loss_combo, self.loss_step_spin,
                   self.truncate_check, self.truncate_spin, self.anchor_spin, self.aux_size_spin,
                   self.aux_pattern_combo, self.aux_scale_spin, self.encoder_spin, self.decoder_spin]
        blockers = [QSignalBlocker(widget) for widget in widgets]
        try:
            self.cell_combo.setCurrentIndex(self.cell_combo.findData(config.cell))
            self.activation_combo.setCurrentIndex(self.activation_combo.findData(config.activation))
            keep_value(self.leaky_slope_spin, config.leaky_slope)
            keep_value(self.hidden_spin, config.hidden_size)
            keep_value(self.input_size_spin, config.input_size)
            keep_value(self.layers_spin, config.num_layers)
            self.bidirectional_check.setChecked(config.bidirectional)
            self.init_combo.setCurrentIndex(self.init_combo.findData(config.init))
            keep_value(self.init_scale_spin, self.init_scale_spin.minimum() if config.init_scale is None
                                          else config.init_scale)
            self.radius_check.setChecked(config.radius is not None)
            if config.radius is not None:
                keep_value(self.radius_spin, config.radius)
                if not self.radius_slider.isSliderDown():  # never fight the user's drag
                    self.radius_slider.setValue(radius_to_slider(config.radius, self.radius_log_check.isChecked()))
            keep_value(self.forget_bias_spin, config.forget_bias)
            keep_value(self.seed_spin, config.seed)
            self.input_combo.setCurrentIndex(self.input_combo.findData(config.input_signal))
            if self.input_text_edit.text() != config.input_text:
                self.input_text_edit.setText(config.input_text)
            keep_value(self.input_scale_spin, config.input_scale)
            keep_value(self.seq_len_spin, config.seq_len)
            self.loss_combo.setCurrentIndex(self.loss_combo.findData(config.loss_placement))
            keep_maximum(self.loss_step_spin, config.seq_len)
            keep_value(self.loss_step_spin, config.loss_step)
            self.truncate_check.setChecked(config.truncate is not None)
            keep_maximum(self.truncate_spin, config.seq_len)
            if config.truncate is not None:
                keep_value(self.truncate_spin, config.truncate)
            keep_maximum(self.anchor_spin, max(0, config.seq_len - 1))
            keep_value(self.anchor_spin, config.anchor)
            self._show_topology(config)
        finally:
            for blocker in blockers:
                blocker.unblock()
        self._enable_dependent(config)
        self._show_analysed(self.state.weights)

    def _show_analysed(self, weights: LoadedWeights | None) -> None:
        """With loaded weights: say what is analysed, grey out what does not apply, warn on the rest."""
        if weights is not None and weights.from_files:
            self._show_files(weights)
            return
        for button in (self.generated_network_button, self.generated_inputs_button):
            button.setVisible(False)
        self.generated_button.setVisible(True)
        self.loaded_box.setTitle(self.tr("Analysed: a trained model"))
        loaded = weights is not None
        with QSignalBlocker(self.input_combo), QSignalBlocker(self.input_text_edit):
            index = self.input_combo.findData(LOADED_SIGNAL)
            if loaded:
                if index < 0:
                    self.input_combo.addItem(names(LOADED_SIGNAL_NAME), LOADED_SIGNAL)
                    index = self.input_combo.count() - 1
                self.input_combo.setItemText(index, names(LOADED_SIGNAL_NAME))
                self.input_combo.setCurrentIndex(index)
                self.input_text_edit.setText(weights.text)
                self.input_text_edit.setCursorPosition(0)
            elif index >= 0:
                self.input_combo.removeItem(index)
        self.loaded_box.setVisible(loaded)
        if loaded:
            preview = " ".join(weights.text.split())
            if len(preview) > PREVIEW_CHARS:
                preview = preview[:PREVIEW_CHARS].rstrip() + "…"
            steps = "" if weights.inputs is None else self.tr(" ({0} steps)").format(weights.inputs.shape[0])
            self.loaded_label.setText(
                self.tr("The {0} on real text{1}: “{2}”. Greyed controls do not apply; changing the network or T analyses generated weights instead (Ctrl+Z goes back).").format(weights.description or weights.label, steps, preview))
        for widget in self._not_applicable:
            if loaded:
                widget.setEnabled(False)
            keep_tooltip(widget, names(NOT_APPLICABLE_TIP) if loaded else self._tooltips[id(widget)])
        for widget in self._dropping:
            original = self._tooltips[id(widget)]
            keep_tooltip(widget, f"{original}\n{names(DROP_TIP)}" if loaded else original)

    def _show_files(self, weights: LoadedWeights) -> None:
        """A network and/or inputs read from files: the banner, and the controls they fix greyed."""
        network, inputs = weights.network_file, weights.inputs_file
        with QSignalBlocker(self.input_combo):
            index = self.input_combo.findData(LOADED_SIGNAL)
            if inputs is not None:
                if index < 0:
                    self.input_combo.addItem(names(LOADED_SIGNAL_NAME), LOADED_SIGNAL)
                    index = self.input_combo.count() - 1
                self.input_combo.setItemText(index, self.tr("from file {name}").format(name=inputs.name))
                self.input_combo.setCurrentIndex(index)
                if weights.text:
                    with QSignalBlocker(self.input_text_edit):
                        self.input_text_edit.setText(weights.text)
                        self.input_text_edit.setCursorPosition(0)
            elif index >= 0:
                self.input_combo.removeItem(index)
        self.loaded_box.setTitle(self.tr("Analysed: loaded from files"))
        self.loaded_box.setVisible(True)
        self.generated_button.setVisible(False)
        self.generated_network_button.setVisible(network is not None)
        self.generated_inputs_button.setVisible(inputs is not None)
        lines = []
        if network is not None:
            lines.append(self.tr("Analysing network {name} ({description})").format(
                name=network.name, description=weights.description))
        else:
            lines.append(self.tr("Network: generated from the controls below"))
        if inputs is not None:
            x = weights.inputs
            batch = self.tr(", batch = {batch}").format(batch=x.shape[1]) if x.shape[1] > 1 else ""
            lines.append(self.tr("inputs: {name} (T = {steps}{batch})").format(
                name=inputs.name, steps=x.shape[0], batch=batch))
        else:
            lines.append(self.tr("inputs: generated ({signal})").format(
                signal=names(SIGNAL_NAMES.get(self.state.config.input_signal, self.state.config.input_signal))))
        self.loaded_label.setText("\n".join(lines))
        self.loaded_label.setToolTip("\n".join(f"{source.name}: {source.path}" for source in (network, inputs)
                                               if source is not None))
        fixed_by = {}
        if network is not None:
            tip = self.tr("Does not apply: the network read from {name} is analysed as it is. "
                          "“Back to generated network” makes it apply again.").format(name=network.name)
            fixed_by.update({id(widget): tip for widget in self._network_fixed})
        if inputs is not None:
            tip = self.tr("Does not apply: the inputs read from {name} are analysed. "
                          "“Back to generated inputs” makes it apply again.").format(name=inputs.name)
            fixed_by.update({id(widget): tip for widget in self._inputs_fixed})
        for widget in self._network_fixed + self._inputs_fixed:
            tip = fixed_by.get(id(widget))
            if tip is not None:
                widget.setEnabled(False)
            widget.setToolTip(tip or self._tooltips[id(widget)])

    def _show_measured_radius(self, fast) -> None:
        """Without rescaling, the (disabled) ρ box shows the weights' own spectral radius, so that
        switching rescaling on starts from the current network."""
        if fast.config.radius is not None or fast.config != self.state.config or not fast.spectra:
            return
        measured = max(block.spectral_radius for block in fast.spectra if block.layer == 0)
        with QSignalBlocker(self.radius_spin), QSignalBlocker(self.radius_slider):
            self.radius_spin.setValue(round(float(measured), 4))
            self.radius_slider.setValue(radius_to_slider(float(measured), self.radius_log_check.isChecked()))

    def _enable_dependent(self, config) -> None:
        for widget in (self.init_combo, self.radius_check, self.radius_log_check, self.seed_spin, self.input_combo,
                       self.input_scale_spin, self.input_size_spin, self.aux_size_spin, self.cell_combo,
                       self.activation_combo, self.hidden_spin, self.layers_spin, self.bidirectional_check,
                       self.seq_len_spin):
            widget.setEnabled(True)   # greyed only while loaded weights are analysed
        self.leaky_slope_spin.setEnabled(config.activation == "leaky-relu")
        self.radius_slider.setEnabled(config.radius is not None)
        self.radius_spin.setEnabled(config.radius is not None)
        self.init_scale_spin.setEnabled(config.init in ("gaussian", "uniform"))
        self.forget_bias_spin.setEnabled(config.cell in LSTM_CELLS)
        self.input_text_edit.setEnabled(config.input_signal == "text")
        self.loss_step_spin.setEnabled(config.loss_placement == "step")
        for widget in (self.encoder_spin, self.decoder_spin):
            widget.setEnabled(config.loss_placement == "encoder-decoder")
        for widget in (self.aux_pattern_combo, self.aux_scale_spin):
            widget.setEnabled(config.aux_size > 0)
        self.truncate_spin.setEnabled(config.truncate is not None)

    # -- the auxiliary input and the encoder–decoder ----------------------------------------------
    def _build_aux_group(self) -> QGroupBox:
        self.aux_size_spin = _spin(0, MAX_AUX_SIZE, self.tr(
            "Size A of an auxiliary input aₜ added to layer 1 as W_aux aₜ (0 = none). W_aux is seeded and "
            "initialised like W_ih; aₜ is an input, not a state"), "aux_size", live=False)
        self.aux_size_spin.setSpecialValueText(self.tr("none"))
        self.aux_pattern_combo = QComboBox()
        self.aux_pattern_combo.setObjectName("aux_pattern")
        for value, text in (("intent", self.tr("one-hot intent")),
                            ("constant", self.tr("constant")), ("gaussian", self.tr("Gaussian noise"))):
            self.aux_pattern_combo.addItem(text, value)
        self.aux_pattern_combo.setToolTip(self.tr(
            "What aₜ holds: a one-hot class that changes every few steps (e.g. the previous intent), "
            "ones, or seeded Gaussian noise"))
        self.aux_scale_spin = _double(0.0, 100.0, 0.1, 3, self.tr("Multiplies the auxiliary input aₜ"),
                                      "aux_scale")
        form = QFormLayout()
        form.addRow(self.tr("Size A"), self.aux_size_spin)
        form.addRow(self.tr("Pattern"), self.aux_pattern_combo)
        form.addRow(self.tr("Scale"), self.aux_scale_spin)
        return self._group(self.tr("Auxiliary input"), form)

    def _add_encoder_decoder_rows(self, form: QFormLayout) -> None:
        self.loss_combo.addItem(self.tr("encoder–decoder"), "encoder-decoder")
        self.encoder_spin = _spin(1, MAX_SEQ_LEN - 1, self.tr(
            "Encoder–decoder: steps 1…N read the input; after them the input is zero (the previous output "
            "is not fed back). Shrinks with T"), "encoder_steps", live=False)
        self.decoder_spin = _spin(1, MAX_SEQ_LEN - 1, self.tr(
            "Encoder–decoder: only the last M steps carry a loss (N + M ≤ T; the steps between are a delay "
            "without input or loss). Shrinks with T"), "decoder_steps", live=False)
        form.addRow(self.tr("Encoder steps N"), self.encoder_spin)
        form.addRow(self.tr("Decoder steps M"), self.decoder_spin)

    def _on_encoder_steps(self, value: int) -> None:
        # What the two boxes show is kept; the other one gives way only when N + M would exceed T.
        config = self.state.config
        self._update(encoder_steps=value, decoder_steps=max(1, min(config.decoder_length, config.seq_len - value)))

    def _on_decoder_steps(self, value: int) -> None:
        config = self.state.config
        self._update(decoder_steps=value, encoder_steps=max(1, min(config.encoder_length, config.seq_len - value)))

    def _show_topology(self, config) -> None:
        """The aux and encoder–decoder widgets from ``config`` (signals blocked by the caller)."""
        keep_value(self.aux_size_spin, config.aux_size)
        self.aux_pattern_combo.setCurrentIndex(self.aux_pattern_combo.findData(config.aux_pattern))
        keep_value(self.aux_scale_spin, config.aux_scale)
        top = max(1, config.seq_len - 1)
        for spin, value in ((self.encoder_spin, config.encoder_length), (self.decoder_spin, config.decoder_length)):
            keep_maximum(spin, top)
            keep_value(spin, min(top, max(1, value)))

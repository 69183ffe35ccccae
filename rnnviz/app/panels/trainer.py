"""The language-model trainer tab: train a char/word RNN LM live and watch loss, gradients and samples.

Threads: training and sampling run through :class:`rnnviz.app.jobs.JobRunner` (lanes
``lm-train`` and ``lm-sample``); this widget never blocks. The worker yields
:class:`rnnviz.lm.train.TrainEvent` objects; the UI thread appends them to plain lists and a
QTimer redraws at ~10 Hz (redraw on a clock, not per event).

Pause blocks the training generator inside its ``should_stop`` hook (between two steps, so the
model stays consistent); Stop ends it cleanly (a checkpoint is written if a path is set); Reset
stops and forgets the model and the plots.

Sampling needs a consistent copy of the weights: while training runs the worker hands one over
after its next step (``request_params``); while paused or finished the UI copies them directly
(the worker is not touching them then).
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QSignalBlocker, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QProgressBar, QPushButton, QScrollArea, QSizePolicy, QSlider, QSpinBox,
                               QSplitter, QToolButton, QVBoxLayout, QWidget)

from rnnviz.app.i18n import translated
from rnnviz.app.plots.axis import cached_axes
from rnnviz.app.plots.base import (COMPACT_PRESENTATION_MIN_SIZE, COMPACT_PRESENTATION_STYLE, NORMAL_STYLE, PALETTE,
                                   EmptyNote,
                                   PRESENTATION_MIN_SIZE, PRESENTATION_STYLE, fitting_text,
                                   legend_below, legend_pt, restyle_plot, set_plot_title, settle_views,
                                   text_width, wrapped_height)
from rnnviz.app.repaint import NextTurnRepaint, PaintPriority
from rnnviz.core.config import CELLS, ConfigError
from rnnviz.lm.data import load_corpus
from rnnviz.lm.model import LanguageModel
from rnnviz.lm.optim import OPTIMIZERS
from rnnviz.lm.sample import Sampler
from rnnviz.lm.train import TrainConfig, TrainEvent, Trainer

TRAIN_LANE = "lm-train"
SAMPLE_LANE = "lm-sample"
REDRAW_MS = 100
SAMPLE_LENGTH = 300
TOP_TOKENS = 20
MIN_TOKENS = 5
#: The built-in sample is short (4,600 training characters): 60 epochs to watch the text improve,
#: with dropout 0.5 so that the validation loss does not rise again. Measured on builtin:sample
#: (LSTM H 128, seeds 0-2): without dropout it is lowest near step 300 (2.04-2.07) and ends at
#: 2.24-2.38 at step 540; with dropout 0.5 it ends 0.006-0.034 above its lowest (2.058-2.126).
PANEL_EPOCHS = 60
PANEL_DROPOUT = 0.5
#: The left column's narrowest width (the settings scroll sideways below their own width).
LEFT_MIN_WIDTH = 240
LEFT_MIN_WIDTH_PRESENTATION = 360
LEFT_MAX_FRACTION = 0.37   # at 1280 pixels the lecture-size form (~470) still fits
#: Validation during training: every N steps (and at each epoch end) on the first M tokens.
PANEL_EVAL_EVERY = 200
PANEL_EVAL_TOKENS = 20_000
#: Temperature slider: positions 1..300 map to 0.01..3.00.
TEMPERATURE_STEPS = 300


@dataclass
class ModelCopy:
    """A consistent copy of the weights with what is needed to sample from them."""

    model: LanguageModel
    vocab: object
    level: str
    step: int


@dataclass
class ExplorerHandoff:
    """What "Open in explorer" sends: the trained cells and a stretch of real text through them.

    ``params``: engine parameter dict (float64, PyTorch names) of the stacked cells; ``net``: its
    NetConfig; ``inputs: (T, 1, E)`` the embedded text; ``text``: the text itself.
    """

    params: dict
    net: object
    inputs: np.ndarray
    text: str


def training_work(config: TrainConfig, *, stop_flag: threading.Event, pause_flag: threading.Event,
                  params_request: threading.Event, train_factory=None, corpus_loader=load_corpus,
                  wait_turn=None):
    """The job run off the UI thread: load the corpus, then yield the trainer's events.

    Besides :class:`TrainEvent` it yields ``("trainer", trainer)`` once and a :class:`ModelCopy`
    whenever ``params_request`` was set. ``train_factory(config, data, should_stop)`` replaces the
    real trainer (tests pass a fake generator). ``wait_turn()``, called between two steps, waits
    while the UI thread paints the plots (:class:`rnnviz.app.repaint.PaintPriority`).
    """

    def work(should_stop):
        def stopped():
            return stop_flag.is_set() or should_stop()

        def loading_stopped():
            # between two chunks of the corpus, as between two steps: the plots' paint first
            if wait_turn is not None:
                wait_turn()
            return stopped()

        # Stop, Reset or closing the window end a long load between two chunks (Cancelled).
        data = corpus_loader(config.corpus, valid=config.valid, test=config.test,
                             level=config.level, sentence_start=config.sentence_start,
                             should_stop=loading_stopped)

        def hook():
            # Pause = wait here, between two steps; Stop/supersede = end the generator.
            while pause_flag.is_set() and not stopped():
                time.sleep(0.02)
            if wait_turn is not None:
                wait_turn()
            return stopped()

        if train_factory is not None:
            yield from train_factory(config, data, hook)
            return
        trainer = Trainer(config, data)
        yield ("trainer", trainer)
        for event in trainer.run(hook):
            yield event
            if params_request.is_set():
                params_request.clear()
                yield copy_model(trainer, event.step)

    return work


def copy_model(trainer: Trainer, step: int) -> ModelCopy:
    params = {k: v.copy() for k, v in trainer.model.params.items()}
    return ModelCopy(LanguageModel(trainer.model.spec, params), trainer.data.vocab, trainer.data.level,
                     step)


def sampling_work(copy: ModelCopy, prime: str, temperature: float, length: int, seed: int,
                  wait_turn=None):
    """Job: (text, next-token probabilities after the prime, vocabulary tokens). ``wait_turn()``,
    called before each token, waits while the UI thread paints the plots (as in training_work)."""

    def work(should_stop):
        def between_tokens():
            if wait_turn is not None:
                wait_turn()
            return should_stop()

        sampler = Sampler(copy.model, copy.vocab, copy.level)
        sampler.prime(prime)
        distribution = sampler.next_distribution(temperature)
        ids = sampler.generate(length, temperature=temperature, rng=np.random.default_rng(seed),
                               should_stop=between_tokens)
        return prime + copy.vocab.decode(ids, copy.level), distribution, copy.vocab.tokens

    return work


def progress_text(event: TrainEvent, paused: bool = False) -> str:
    """The bar's short text: percent, epoch, time left and the run's state, e.g. '45% · epoch 3/60 · 0:12'."""
    states = {"step": "", "done": QCoreApplication.translate("TrainerPanel", " · done"), "stopped": QCoreApplication.translate("TrainerPanel", " · stopped"), "diverged": QCoreApplication.translate("TrainerPanel", " · diverged")}
    state = QCoreApplication.translate("TrainerPanel", " · paused") if paused and event.kind == "step" else states[event.kind]
    eta = event.eta_seconds
    eta_text = ("" if eta is None or event.kind != "step"
                else QCoreApplication.translate("TrainerPanel", " · {0}:{1:02d} left").format(int(eta) // 60, int(eta) % 60))
    return QCoreApplication.translate("TrainerPanel", "{0:.0f}% · epoch {1}/{2}{3}{4}").format(100 * event.progress, event.epoch, event.epochs, eta_text,
                                                    state)


def progress_detail(event: TrainEvent) -> str:
    """The line under the bar: step and speed (elided, never wrapped)."""
    return QCoreApplication.translate("TrainerPanel", "step {0} · {1:,.0f} tokens/s").format(event.step, event.tokens_per_s)


class ElidedLabel(QLabel):
    """One line of text that never wraps or widens its panel: elided on the right to the width it
    gets, the whole text in the tooltip."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._full_text = ""
        self.set_full_text(text)

    def full_text(self) -> str:
        return self._full_text

    def set_full_text(self, text: str) -> None:
        if text == self._full_text and self.toolTip() == text:
            return   # redraws come at 10 Hz: no relayout for the same text
        self._full_text = text
        self.setToolTip(text)
        self._elide()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt name
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._elide()

    def _elide(self) -> None:
        width = max(0, self.contentsRect().width())
        self.setText(QFontMetrics(self.font()).elidedText(self._full_text, Qt.TextElideMode.ElideRight, width))


class WrappedLabel(QLabel):
    """Text that wraps, and is as high as its lines at the width it gets: a layout gives a wrapping
    QLabel the height of its text at its preferred width, and beside a narrower settings column the
    Trainer's result text lost its first and last lines (Chinese, 1280×720)."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt name
        super().setText(text)
        self._fit_height()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().resizeEvent(event)
        self._fit_height()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._fit_height()

    def _fit_height(self) -> None:
        if self.width() > 0:
            height = wrapped_height(self)
            if height > 0 and height != self.minimumHeight():
                self.setMinimumHeight(height)


class SampleView(QPlainTextEdit):
    """The sampled text: read-only, and never squeezed below two whole lines. Qt's own minimum,
    two and a half lines at lecture size, left the loss plot beside the Lessons dock at 1280×720
    too short for its Chinese legend's two rows."""

    LINES = 2

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt name
        hint = super().minimumSizeHint()
        margin = self.document().documentMargin()
        height = self.LINES * self.fontMetrics().lineSpacing() + 2 * (self.frameWidth() + margin)
        return QSize(hint.width(), math.ceil(height))


def two_lines(text: str) -> str:
    """``text`` broken once, at the space nearest its middle (without a space, at its middle)."""
    middle = len(text) / 2
    spaces = [index for index, char in enumerate(text) if char == " "]
    if not spaces:
        cut = len(text) // 2
        return text[:cut] + "\n" + text[cut:] if cut else text
    cut = min(spaces, key=lambda index: abs(index - middle))
    return text[:cut] + "\n" + text[cut + 1:]


#: A legend below a Trainer plot at most this share of its plot area's height (the view checks' bound).
LEGEND_MAX_SHARE = 0.45


def _legend_width(legend, texts: list[str], points: float, columns: int) -> float:
    """Pixels a legend needs across to show ``texts`` (one per entry, in order) in ``columns`` columns."""
    samples = [sample.boundingRect().width() for sample, _label in legend.items]
    return 8 + sum(max(samples[index] + text_width(texts[index], points) for index in range(column, len(texts), columns))
                   + legend.SAMPLE_GAP + legend.SPACING for column in range(min(columns, len(texts))))


def _points(choice: tuple[str, float]) -> tuple[str, float | int]:
    """A fitted text's size as "20pt", not "20.0pt", where it is whole."""
    text, size = choice
    return text, int(size) if float(size).is_integer() else size


def _token_label(token: str) -> str:
    return {"\n": "\\n", " ": "␣", "\t": "\\t"}.get(token, token)


class TrainerPanel(QWidget):
    """The trainer tab. ``runner``: the app's JobRunner; ``train_factory`` for tests (fake events)."""

    open_in_explorer = Signal(object)   # ExplorerHandoff
    explain_requested = Signal(str)     # "trainer": the window opens the plots' explanation
    status = Signal(str)

    def __init__(self, runner, parent: QWidget | None = None, *, train_factory=None,
                 corpus_loader=load_corpus):
        super().__init__(parent)
        self.setObjectName("trainer_panel")
        self.runner = runner
        self.train_factory = train_factory
        self.corpus_loader = corpus_loader
        self.job_id: int | None = None
        self.trainer: Trainer | None = None
        self.model_copy: ModelCopy | None = None
        self._stop_flag = threading.Event()
        self._pause_flag = threading.Event()
        self._params_request = threading.Event()
        self._sample_after_copy = False
        self._dirty = False
        self._last_sample_time = 0.0
        self.events: list[TrainEvent] = []
        self.last_event: TrainEvent | None = None
        self.last_snapshot = None
        self.sample_text = ""
        self.next_token_probs: np.ndarray | None = None
        self._sample_tokens: list[str] = []
        self._build()
        self._connect()
        self.redraw_timer = QTimer(self)
        self.redraw_timer.setInterval(REDRAW_MS)
        self.redraw_timer.timeout.connect(self.redraw)
        self.redraw_timer.start()
        self._update_buttons()

    # ------------------------------------------------------------------------------ building
    def _spin(self, low, high, value, tip, step=1):
        box = QSpinBox()
        box.setRange(low, high)
        box.setSingleStep(step)
        box.setValue(value)
        box.setToolTip(tip)
        return box

    def _dspin(self, low, high, value, decimals, tip, step=None):
        box = QDoubleSpinBox()
        box.setDecimals(decimals)
        box.setRange(low, high)
        box.setValue(value)
        box.setSingleStep(step if step is not None else 10 ** -decimals * 10)
        box.setToolTip(tip)
        return box

    def _combo(self, items, value, tip):
        box = QComboBox()
        box.addItems(list(items))
        box.setCurrentText(value)
        box.setToolTip(tip)
        return box

    def _build(self) -> None:
        d = TrainConfig()
        controls = QWidget()
        column = QVBoxLayout(controls)

        corpus_group = QGroupBox(self.tr("Corpus"))
        form = QFormLayout(corpus_group)
        self.corpus_edit = QComboBox()
        self.corpus_edit.setEditable(True)
        self.corpus_edit.addItems(["builtin:sample", "builtin:python-stdlib"])
        self.corpus_edit.setToolTip(
            self.tr("Training text: a built-in corpus, a UTF-8 text file, or a folder with "
            "ptb.train.txt / ptb.valid.txt / ptb.test.txt (Penn Treebank format)."))
        buttons = QHBoxLayout()
        self.open_file_button = QPushButton(self.tr("Open file…"))
        self.open_file_button.setToolTip(self.tr("Choose a UTF-8 text file to train on."))
        self.open_folder_button = QPushButton(self.tr("PTB folder…"))
        self.open_folder_button.setToolTip(self.tr("Choose a folder with ptb.train.txt, ptb.valid.txt, ptb.test.txt."))
        buttons.addWidget(self.open_file_button)
        buttons.addWidget(self.open_folder_button)
        self.level_combo = self._combo(("char", "word"), d.level,
                                       self.tr("char: every character is a token. word: whitespace-separated "
                                       "words, one sentence per line, <eos> at each line end."))
        form.addRow(self.tr("Corpus"), self.corpus_edit)
        form.addRow(buttons)
        form.addRow(self.tr("Level"), self.level_combo)
        column.addWidget(corpus_group)

        model_group = QGroupBox(self.tr("Model"))
        form = QFormLayout(model_group)
        self.cell_combo = self._combo(CELLS, d.cell, self.tr("Recurrent cell of every layer (the engine's cells)."))
        self.layers_spin = self._spin(1, 8, d.layers, self.tr("Stacked recurrent layers."))
        self.hidden_spin = self._spin(4, 2048, d.hidden, self.tr("Hidden units per layer."), 16)
        self.embed_spin = self._spin(2, 2048, d.embed, self.tr("Embedding size (learned token vectors)."), 16)
        self.dropout_spin = self._dspin(0.0, 0.9, PANEL_DROPOUT, 2,
                                        self.tr("Dropout on non-recurrent connections (embedding, between "
                                        "layers, before the softmax), Zaremba et al. 2014. 0.5 keeps "
                                        "the default model from overfitting the short built-in text."), 0.05)
        self.tie_check = QCheckBox(self.tr("Tie embedding and softmax weights"))
        self._tie_text = self.tie_check.text()
        self.tie_check.setToolTip(self.tr("Share the embedding matrix with the output layer (needs embed = hidden)."))
        self.dtype_combo = self._combo(("float32", "float64"), d.dtype,
                                       self.tr("float32 is about twice as fast; float64 for exact comparisons."))
        for label, widget in ((self.tr("Cell"), self.cell_combo), (self.tr("Layers"), self.layers_spin),
                              (self.tr("Hidden"), self.hidden_spin), (self.tr("Embedding"), self.embed_spin),
                              (self.tr("Dropout"), self.dropout_spin), (self.tr("Precision"), self.dtype_combo)):
            form.addRow(label, widget)
        form.addRow(self.tie_check)
        column.addWidget(model_group)

        train_group = QGroupBox(self.tr("Training"))
        form = QFormLayout(train_group)
        self.optimizer_combo = self._combo(OPTIMIZERS, d.optimizer,
                                           self.tr("sgd (optionally with momentum), adagrad, rmsprop or adam."))
        self.lr_spin = self._dspin(1e-5, 100.0, d.lr, 5, self.tr("Learning rate."), 0.001)
        self.momentum_spin = self._dspin(0.0, 0.99, d.momentum, 2, self.tr("SGD momentum (0 = plain SGD)."), 0.05)
        self.decay_spin = self._dspin(0.01, 1.0, d.lr_decay, 3,
                                      self.tr("Multiply the learning rate by this every epoch after "
                                      "'decay after' (1 = no decay)."), 0.05)
        self.decay_after_spin = self._spin(0, 1000, d.decay_after, self.tr("Last epoch at the full learning rate."))
        self.seq_len_spin = self._spin(2, 1000, d.seq_len,
                                       self.tr("Truncated BPTT window T: gradients flow back at most this "
                                       "many steps; the hidden state is carried across windows."))
        self.batch_spin = self._spin(1, 512, d.batch, self.tr("Parallel streams B over the corpus."))
        self.epochs_spin = self._spin(1, 1000, PANEL_EPOCHS, self.tr("Passes over the training text."))
        self.clip_norm_spin = self._dspin(0.0, 1000.0, d.clip_norm or 0.0, 2,
                                          self.tr("Rescale the gradient when its global norm exceeds this "
                                          "(0 = off)."), 0.5)
        self.clip_value_spin = self._dspin(0.0, 1000.0, 0.0, 3,
                                           self.tr("Clip every gradient entry to ±this (0 = off)."), 0.1)
        self.seed_spin = self._spin(0, 2 ** 31 - 1, d.seed, self.tr("Random seed: initialisation and dropout."))
        self.snapshot_spin = self._spin(0, 100000, d.snapshot_every,
                                        self.tr("Gradient-flow snapshot every N steps (0 = never)."), 10)
        self.threads_spin = self._spin(1, 64, 1,
                                       self.tr("BLAS threads used by training. 1 keeps the explorer "
                                       "responsive on a 2-core machine."))
        for label, widget in ((self.tr("Optimizer"), self.optimizer_combo), (self.tr("Learning rate"), self.lr_spin),
                              (self.tr("Momentum"), self.momentum_spin), (self.tr("LR decay"), self.decay_spin),
                              (self.tr("Decay after epoch"), self.decay_after_spin),
                              (self.tr("BPTT length T"), self.seq_len_spin), (self.tr("Batch B"), self.batch_spin),
                              (self.tr("Epochs"), self.epochs_spin), (self.tr("Clip norm"), self.clip_norm_spin),
                              (self.tr("Clip value"), self.clip_value_spin), (self.tr("Seed"), self.seed_spin),
                              (self.tr("Snapshot every"), self.snapshot_spin), (self.tr("BLAS threads"), self.threads_spin)):
            form.addRow(label, widget)
        self.checkpoint_edit = QLineEdit()
        self.checkpoint_edit.setPlaceholderText(self.tr("(no checkpoint)"))
        self.checkpoint_edit.setToolTip(self.tr("Write checkpoints (.npz) here at each epoch end and on Stop."))
        form.addRow(self.tr("Checkpoint"), self.checkpoint_edit)
        column.addWidget(train_group)

        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(controls)
        scroll.setWidgetResizable(True)
        # Narrower than its form: scroll sideways rather than squeeze the fields.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._controls_scroll = scroll

        # Run control above the settings, outside their scroll area: Start is always in view.
        run_row = QHBoxLayout()
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setToolTip(self.tr("Start training from scratch with these settings."))
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setToolTip(self.tr("Pause between two steps; press again to resume."))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("End training now (writes the checkpoint if one is set)."))
        self.reset_button = QPushButton(self.tr("Reset"))
        self.reset_button.setToolTip(self.tr("Stop and forget the model and the plots."))
        for button in (self.start_button, self.pause_button, self.stop_button, self.reset_button):
            button.setMinimumWidth(0)
            run_row.addWidget(button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFormat(self.tr("idle"))
        self.progress.setTextVisible(True)
        self.progress_label = ElidedLabel("")
        self.progress_label.setObjectName("train_progress_detail")
        self.status_label = WrappedLabel(self.tr("Press Start to train on the chosen corpus."))
        self.explorer_button = QPushButton(self.tr("Open in explorer"))
        self.explorer_button.setToolTip(self.tr("Send the trained cells and a stretch of real text to the explorer."))
        run_box = QWidget()
        run_box.setObjectName("train_run_box")
        run_column = QVBoxLayout(run_box)
        run_column.setContentsMargins(4, 4, 4, 4)
        run_column.addLayout(run_row)
        run_column.addWidget(self.progress)
        run_column.addWidget(self.progress_label)
        run_column.addWidget(self.status_label)
        run_column.addWidget(self.explorer_button)
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.setSpacing(0)
        left_column.addWidget(run_box)
        left_column.addWidget(scroll, 1)
        left.setMinimumWidth(LEFT_MIN_WIDTH)
        self._left = left
        self._forms = [group.layout() for group in (corpus_group, model_group, train_group)]
        self._compact = False
        left.installEventFilter(self)

        # ---- plots
        self.plots = pg.GraphicsLayoutWidget()
        self.loss_plot = self.plots.addPlot(row=0, col=0, axisItems=cached_axes(), title=self.tr("Loss per token (nats)"))
        self.loss_plot.setLabel("bottom", self.tr("step"))
        self.loss_plot.getAxis("left").enableAutoSIPrefix(False)
        legend_below(self.loss_plot, legend_pt(NORMAL_STYLE))
        self.train_curve = self.loss_plot.plot(pen=pg.mkPen(PALETTE[0], width=1), name=self.tr("train (batch)"))
        self.train_avg_curve = self.loss_plot.plot(pen=pg.mkPen(PALETTE[5], width=2), name=self.tr("train (epoch mean)"))
        self.valid_curve = self.loss_plot.plot(pen=pg.mkPen(PALETTE[1], width=2), symbol="o", symbolSize=6,
                                               symbolBrush=PALETTE[1], name=self.tr("valid"))
        self.best_scatter = self.loss_plot.plot(pen=None, symbol="star", symbolSize=16, symbolBrush=PALETTE[3],
                                                symbolPen=pg.mkPen("#000000", width=1), name=self.tr("best valid"))
        self.best_point: tuple[int, float] | None = None   # (step, lowest validation loss)
        self.any_clipped = False   # whether a step shown was clipped (else "before" lies under "after")
        self.baseline_line = pg.InfiniteLine(angle=0, pen=pg.mkPen("#777777", style=Qt.PenStyle.DashLine),
                                             label=self.tr("ln V"), labelOpts={"position": 0.98, "anchors": [(1, 0), (1, 0)]})
        self.baseline_line.setVisible(False)
        self.loss_plot.addItem(self.baseline_line)
        self.grad_plot = self.plots.addPlot(row=0, col=1, axisItems=cached_axes(), title=self.tr("Gradient norm"))
        self.grad_plot.setLabel("bottom", self.tr("step"))
        # log10 of the norm on a plain axis: a log axis labels minor ticks (2·10², 3·10², …) when the
        # norms span less than a decade, and at lecture font sizes those labels run into each other.
        self.grad_plot.setLabel("left", self.tr("log₁₀ ‖∂L/∂θ‖₂"))
        self.grad_plot.getAxis("left").enableAutoSIPrefix(False)
        self.grad_plot.setYRange(-2, 2, padding=0)
        self.grad_plot.enableAutoRange(y=True)
        legend_below(self.grad_plot, legend_pt(NORMAL_STYLE))
        # "after" first and thick, "before" thin on top: where they differ, clipping acted
        self.grad_after_curve = self.grad_plot.plot(pen=pg.mkPen(PALETTE[2], width=3), name=self.tr("after clipping"))
        self.grad_before_curve = self.grad_plot.plot(pen=pg.mkPen(PALETTE[3], width=1), name=self.tr("before clipping"))
        self.clip_scatter = self.grad_plot.plot(pen=None, symbol="x", symbolSize=7, symbolPen=PALETTE[1],
                                                name=self.tr("clipped"))
        self.flow_plot = self.plots.addPlot(row=1, col=0, axisItems=cached_axes(), title=self.tr("Gradient flow on real text"))
        self.flow_plot.setLabel("bottom", self.tr("distance k (steps back)"))
        self.flow_plot.setLabel("left", self.tr("log₁₀ norm"))
        legend_below(self.flow_plot, legend_pt(NORMAL_STYLE))
        self.flow_grad_curve = self.flow_plot.plot(pen=pg.mkPen(PALETTE[0], width=2), name=self.tr("‖∂L<sub>τ</sub>/∂h<sub>τ−k</sub>‖"))
        self.flow_jac_curve = self.flow_plot.plot(pen=pg.mkPen(PALETTE[1], width=2), name=self.tr("‖∂s<sub>k</sub>/∂s<sub>0</sub>‖₂"))
        self.bars_plot = self.plots.addPlot(row=1, col=1, axisItems=cached_axes(), title=self.tr("Next-token distribution"))
        self._fit_left_pending = False
        self._restyle_when_shown = False   # presentation mode changed while the tab was not shown
        self._plots_repaint = NextTurnRepaint(self.plots, self)   # the turn after the tab's first paint (showEvent)
        self._paint_priority = PaintPriority(self.plots, self)    # the steps wait while the plots paint
        self._presentation = False
        self._plots_style: dict = {}
        self._refused_style: tuple | None = None   # (font, plots' width, height) a style was refused at
        #: Width the window's docks take beside this tab (the Lessons dock): not the settings' room.
        self.docks_beside = 0
        self.plots.installEventFilter(self)
        self.bars_plot.setLabel("left", self.tr("probability"))
        self.bars_plot.getAxis("left").enableAutoSIPrefix(False)
        # Two equal columns, whatever the titles' lengths (a long title would widen its column).
        grid = self.plots.ci.layout
        for column in (0, 1):
            grid.setColumnStretchFactor(column, 1)
            grid.setColumnPreferredWidth(column, 10000)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=PALETTE[0])
        self.bars_plot.addItem(self.bars)
        self.bars_plot.vb.sigResized.connect(lambda _view: self._show_bars())
        for plot in (self.loss_plot, self.grad_plot, self.flow_plot, self.bars_plot):
            plot.vb.sigResized.connect(self._fit_titles)
        # Before a run (and after Reset) each plot says what it will show: four empty plots with
        # 0…1 axes said nothing to a first-time user.
        # Nor do their axes label values before there are any (both axes read 0 … 1).
        self._empty_notes = {plot: EmptyNote(plot, bare_axes=("left", "bottom")) for plot in
                             (self.loss_plot, self.grad_plot, self.flow_plot, self.bars_plot)}
        self._update_empty_notes()

        sample_box = QWidget()
        sample_layout = QVBoxLayout(sample_box)
        # Its rows start right below the splitter and end at the tab's edge: the style's margins
        # above and below took ~20 px from the plots, which beside the Lessons dock at 1280×720 in
        # Chinese left the loss legend's two rows 54 % of its plot's height.
        margins = sample_layout.contentsMargins()
        sample_layout.setContentsMargins(margins.left(), 2, margins.right(), 0)
        sample_row = QHBoxLayout()
        self.prime_edit = QLineEdit("The ")
        self.prime_edit.setToolTip(self.tr("Text the sample starts from."))
        self.temperature_slider = QSlider(Qt.Orientation.Horizontal)
        self.temperature_slider.setRange(1, TEMPERATURE_STEPS)
        self.temperature_slider.setValue(80)
        self.temperature_slider.setToolTip(self.tr("Softmax temperature: low = safe and repetitive, "
                                           "high = adventurous and often wrong."))
        self.temperature_label = QLabel()
        self.sample_button = QPushButton(self.tr("Sample"))
        self.sample_button.setToolTip(self.tr("Generate new text from the current weights (the next sampling seed)."))
        self.sample_seed_spin = QSpinBox()
        self.sample_seed_spin.setRange(0, 2 ** 31 - 1)
        self.sample_seed_spin.setValue(0)
        self.sample_seed_spin.setKeyboardTracking(False)
        self.sample_seed_spin.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        # Room for six digits, not for 2³¹: beside the Lessons dock at 1280 px the row has no more.
        self.sample_seed_spin.setMaximumWidth(self._seed_width())
        self.sample_seed_spin.setToolTip(self.tr("Seed of the text shown: the same seed, weights, prime and "
                                                 "temperature give the same text. Sample moves on to the next seed."))
        self._prime_label, self._temperature_caption, self._seed_label = (
            QLabel(self.tr("Prime")), QLabel(self.tr("Temperature")), QLabel(self.tr("Seed")))
        # One row; two in presentation mode, where lecture-size text does not fit one row beside
        # the Lessons dock at 1280 px (the temperature slider had no width left, its label was cut).
        self._sample_rows = (sample_row, QHBoxLayout())
        self._arrange_sample_rows(two=False)
        self.sample_view = SampleView()
        self.sample_view.setReadOnly(True)
        self.sample_view.setPlaceholderText(self.tr("Samples appear here while the model trains."))
        sample_layout.addLayout(self._sample_rows[0])
        sample_layout.addLayout(self._sample_rows[1])
        sample_layout.addWidget(self.sample_view)
        self._update_temperature_label()

        self._pen_widths = [(self.train_curve, 1.0), (self.train_avg_curve, 2.0), (self.valid_curve, 2.0),
                            (self.grad_after_curve, 3.0), (self.grad_before_curve, 1.0),
                            (self.flow_grad_curve, 2.0), (self.flow_jac_curve, 2.0)]
        self.set_presentation(False)

        # The plots with a "?" under them (what they show), as on the explorer's plots.
        self.help_button = QToolButton()
        self.help_button.setObjectName("explain_trainer")
        self.help_button.setText("?")
        self.help_button.setAutoRaise(True)
        self.help_button.setToolTip(self.tr("What these plots show and how to read them"))
        self.help_button.clicked.connect(lambda: self.explain_requested.emit("trainer"))
        self.plots_box = QWidget()
        plots_layout = QVBoxLayout(self.plots_box)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        plots_layout.setSpacing(0)
        plots_layout.addWidget(self.plots, 1)
        help_row = QHBoxLayout()
        help_row.setContentsMargins(0, 0, 0, 0)
        help_row.addStretch(1)
        help_row.addWidget(self.help_button)
        plots_layout.addLayout(help_row)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.plots_box)
        right.addWidget(sample_box)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setCollapsible(0, False)
        self._splitter = splitter
        self._user_split = False   # the user dragged the splitter: their widths, not the fitted ones
        splitter.splitterMoved.connect(self._split_by_user)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _arrange_sample_rows(self, two: bool) -> None:
        first, second = self._sample_rows
        for row in (first, second):
            while row.count():
                row.takeAt(0)
        prime = [(self._prime_label, 0), (self.prime_edit, 2), (self._seed_label, 0),
                 (self.sample_seed_spin, 0), (self.sample_button, 0)]
        temperature = [(self._temperature_caption, 0), (self.temperature_slider, 2), (self.temperature_label, 0)]
        rows = ((prime, first), (temperature, second)) if two else ((prime[:2] + temperature + prime[2:], first),)
        for widgets, row in rows:
            for widget, stretch in widgets:
                row.addWidget(widget, stretch)

    def _seed_width(self) -> int:
        return self.fontMetrics().horizontalAdvance("0000000") + 40   # digits, arrows and frame

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "sample_seed_spin"):
            self.sample_seed_spin.setMaximumWidth(self._seed_width())

    def set_presentation(self, on: bool) -> None:
        """Large fonts and thick lines for lectures (the explorer's presentation style), where the
        plots have the room for them (see :meth:`plots_style`)."""
        self._left.setMinimumWidth(LEFT_MIN_WIDTH_PRESENTATION if on else LEFT_MIN_WIDTH)
        self._presentation = on
        self._arrange_sample_rows(two=on)
        if self.window().isVisible() and not self.isVisible():
            # A tab not shown: its plots take the style when it is shown (showEvent). Restyled in
            # the turn of the change, nobody saw it and it took ~6-10 ms of a turn of ~100 ms
            # (presentation on at 1600×1000, the Explorer tab shown).
            self._restyle_when_shown = True
        else:
            self._restyle_plots(force=True)
        self._fit_left_pending = True
        if self.isVisible():
            self._fit_left()

    def plots_style(self) -> dict:
        """The style the four plots take: the lecture style in presentation mode if each plot gets at
        least PRESENTATION_MIN_SIZE (as the explorer's panels do), else the normal one. At 1280×720
        the lecture fonts left the plots' data a strip between titles, axes and one-column legends,
        with cut axis labels."""
        if not self._presentation:
            return NORMAL_STYLE
        if not self.plots.isVisible():
            return PRESENTATION_STYLE
        # the lecture style where it fits; else a smaller one that still reads from the back of a
        # room (at 1280×720 the plots kept the normal style while all around them was lecture-size)
        for style, (width, height) in ((PRESENTATION_STYLE, PRESENTATION_MIN_SIZE),
                                       (COMPACT_PRESENTATION_STYLE, COMPACT_PRESENTATION_MIN_SIZE)):
            if self.plots.width() >= 2 * width and self.plots.height() >= 2 * height and self._legends_fit(style) \
                    and self._refused_style != (style["font_pt"], self.plots.width(), self.plots.height()):
                return style
        return NORMAL_STYLE

    def _legends_laid_out(self) -> bool:
        """Whether every legend of more than one entry has two columns or more, and none is taller
        than LEGEND_MAX_SHARE of its plot area (the estimate of _legends_fit measured the samples
        at the style before; beside the Lessons dock the compact style left the loss legend one column)."""
        return all(plot.legend.columnCount >= min(2, len(entries))
                   and not (plot.vb.height() > 0 and plot.legend.geometry().height() > LEGEND_MAX_SHARE * plot.vb.height())
                   for plot, entries in self._legend_texts().items())

    def _legends_fit(self, style: dict) -> bool:
        """Whether each legend's short texts fit two columns under a plot half the plots' width, at
        ``style``'s sizes. In Chinese at 1600×1000 beside the Lessons dock the lecture-size loss
        legend was one column of four rows, as high as its plot."""
        room = self.plots.width() / 2 - style["font_pt"] * 5.5 - 16   # less the left axis and margins
        points = legend_pt(style)
        return all(_legend_width(plot.legend, [texts[1] for _item, texts in entries], points, 2) <= room
                   for plot, entries in self._legend_texts().items())

    def _restyle_plots(self, force: bool = False) -> None:
        style = self.plots_style()
        if style == self._plots_style and not force:
            return
        self._apply_plots_style(style)
        if style is COMPACT_PRESENTATION_STYLE and self.plots.isVisible():
            self._check_compact_style()
            QTimer.singleShot(0, self, self._check_compact_style)   # again once the plots are laid out

    def _check_compact_style(self) -> None:
        """The compact style where its legends, laid out, fit after all; else the normal style until
        the plots' size changes (measured before, the samples were at the style before: beside the
        Lessons dock the loss legend was one column, in Chinese at 1280×720 half its plot's height)."""
        if self._plots_style != COMPACT_PRESENTATION_STYLE or not self.plots.isVisible():
            return
        # Measured laid out in the style just applied, not in the layout before: with the tab shown
        # after presentation mode was turned on (1280×720), the loss legend measured 82 px over a
        # 76 px plot area (laid out: 42 over 95) and the compact style was refused for good at that
        # size, while turned on over the tab it was kept. Laying out now took ~4 ms of that turn.
        self.plots.ci.layout.activate()
        if not self._legends_laid_out():
            self._refused_style = (COMPACT_PRESENTATION_STYLE["font_pt"], self.plots.width(), self.plots.height())
            self._apply_plots_style(NORMAL_STYLE)

    def _apply_plots_style(self, style: dict) -> None:
        self._plots_style = dict(style)
        for note in self._empty_notes.values():
            note.set_font(style["font_pt"])
        for plot in (self.loss_plot, self.grad_plot, self.flow_plot, self.bars_plot):
            restyle_plot(plot, style, [(item, width) for item, width in self._pen_widths
                                       if item.getViewBox() is plot.vb])
        # Room beside the tick labels ("0.12", "-0.6") for the y label: restyle_plot's width had
        # the label run into them.
        for plot in (self.grad_plot, self.flow_plot, self.bars_plot):
            plot.getAxis("left").setWidth(int(style["font_pt"] * 5.5))
        # Room under the tick labels for descenders (g, p, the ␣ of a space) at every font size.
        self.bars_plot.getAxis("bottom").setHeight(int(style["font_pt"] * 2.6))
        for plot in self._titles():
            plot._shown_title = plot._shown_y = None   # restyle_plot set them at the style's size
            if plot.legend is not None:
                plot.legend._fitted_for = None
        self._fit_titles()
        self._show_bars()   # as many tokens as fit at this font size

    def _titles(self) -> dict:
        """Each plot's titles, longest first: the first that fits its width is shown."""
        step = None if self.last_snapshot is None else self.last_snapshot.step
        return {self.loss_plot: [self.tr("Loss per token (nats)"), self.tr("Loss (nats)")],
                self.grad_plot: [self.tr("Gradient norm")],
                self.flow_plot: [self._flow_title(step, short) for short in (False, True)],
                self.bars_plot: [self.tr("Next-token distribution"), self.tr("Next token")]}

    def _fit_titles(self, *_args) -> None:
        """Titles in the width each plot has, y labels in its height, legends in as many columns as
        fit (shorter, then smaller, never cut)."""
        if not self._plots_style:
            return
        points = self._plots_style["title_pt"]
        for plot, candidates in self._titles().items():
            text, size = _points(fitting_text(candidates, points, self._room(plot.vb.width())))
            if getattr(plot, "_shown_title", None) != (text, size):
                plot._shown_title = (text, size)
                set_plot_title(plot, text, size, bold=False)
        points = self._plots_style["font_pt"]
        for plot, candidates in self._y_labels().items():
            text, size = _points(fitting_text(candidates, points, self._room(plot.vb.height())))
            if getattr(plot, "_shown_y", None) != (text, size):
                plot._shown_y = (text, size)
                plot.setLabel("left", text, **{"font-size": f"{size}pt"})
        self._fit_legends()

    def _room(self, pixels: float) -> float:
        """A plot's width or height, once it is laid out on screen (before that: room for everything)."""
        return pixels if self.plots.isVisible() and pixels > 0 else 1e9

    def _y_labels(self) -> dict:
        return {self.grad_plot: ["log₁₀ ‖∂L/∂θ‖₂", self.tr("log₁₀ norm")], self.flow_plot: [self.tr("log₁₀ norm"), "log₁₀"],
                self.bars_plot: [self.tr("probability"), "p"]}

    def _legend_texts(self) -> dict:
        """Each legend's entries with their long and short texts (the short ones where the long ones
        leave the legend a single column: beside the Lessons dock at 1280 px its four rows took
        most of the loss plot's height)."""
        best = self.best_point
        best_texts = (self.tr("best valid"), self.tr("best valid")) if best is None else (
            self.tr("best valid {0:.3f} (step {1})").format(best[1], best[0]),
            self.tr("best {0:.3f} at {1}").format(best[1], best[0]))
        return {self.loss_plot: [(self.train_curve, (self.tr("train (batch)"), self.tr("batch"))),
                                 (self.train_avg_curve, (self.tr("train (epoch mean)"), self.tr("epoch mean"))),
                                 (self.valid_curve, (self.tr("valid"), self.tr("valid"))), (self.best_scatter, best_texts)],
                # no step clipped: "before" lies exactly under "after", and the legend says so (it
                # named a curve and markers nobody could see)
                self.grad_plot: [(self.grad_after_curve, (self.tr("after clipping"), self.tr("after clip"))),
                                 (self.grad_before_curve, (self.tr("before clipping"), self.tr("before clip"))
                                  if self.any_clipped else (self.tr("before clipping (the same)"), self.tr("before (=)"))),
                                 (self.clip_scatter, (self.tr("clipped"), self.tr("clipped")) if self.any_clipped
                                  else (self.tr("clipped: no step"), self.tr("0 clipped")))]}

    def _fit_legends(self) -> None:
        points = legend_pt(self._plots_style or NORMAL_STYLE)
        for plot, entries in self._legend_texts().items():
            legend = plot.legend
            width = self._room(plot.vb.width())
            labels = [legend.getLabel(item) for item, _texts in entries]
            long_texts = [texts[0] for _item, texts in entries]
            key = (width, points, tuple(long_texts), round(legend.plot_area_height or 0))
            if getattr(legend, "_fitted_for", None) == key:
                continue   # the 10 Hz redraw: nothing changed
            legend._fitted_for = key

            def needed(columns: int) -> float:
                return _legend_width(legend, long_texts, points, columns)

            # The long texts where they fit two columns and leave the legend no taller than its
            # share of the plot (FlowLegend.MAX_SHARE; beside a short plot, more rows ate its data).
            widest = next((columns for columns in range(len(entries), 0, -1) if needed(columns) <= width), 1)
            fits = needed(min(2, len(entries))) <= width and not legend._too_tall(widest)
            chosen = long_texts if fits else [texts[1] for _item, texts in entries]
            changed = False
            for label, text in zip(labels, chosen):
                if label is not None and label.text != text:
                    label.setText(text)   # a new text lays the legend out again
                    changed = True
            if changed:
                legend.updateSize()  # its columns follow the new texts' widths

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt name
        if watched is self.plots and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            QTimer.singleShot(0, self, self._on_plots_resized)   # after the resize, not inside it
        if watched is self._left and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._fit_form(self._left.width())
        return super().eventFilter(watched, event)

    def _on_plots_resized(self) -> None:
        if self._presentation:
            self._restyle_plots()
        self._fit_titles()

    def _flow_title(self, step: int | None, short: bool = False) -> str:
        title = self.tr("Gradient flow") if short else self.tr("Gradient flow on real text")
        return title if step is None else self.tr("{0} (step {1})").format(title, step)

    def set_docks_beside(self, width: int) -> None:
        """The window's docks beside this tab take ``width`` pixels: fit the settings column again."""
        self.docks_beside = max(0, int(width))
        self._fit_left()

    def _fit_left(self) -> None:
        """The settings as wide as their form, up to LEFT_MAX_FRACTION of the tab (after a font change)."""
        self._fit_left_pending = False
        splitter = getattr(self, "_splitter", None)
        if splitter is not None and self.width() > 0:
            # The window's width: the tab may not have its own yet (the explorer's docks are hidden
            # for the Trainer after it is shown); the plots' side takes what the window adds later.
            room = max(self.width(), self.window().width() - self.docks_beside)
            left = min(max(self._left.minimumWidth(), self._settings_width(compact=False)), int(room * LEFT_MAX_FRACTION))
            splitter.setSizes([left, max(1, self.width() - left)])

    def _split_by_user(self, *_args) -> None:
        self._user_split = True

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        """A new width (the Lessons dock opened beside the tab, the window resized): the settings
        column fitted again, unless the user set it. The column had kept its width from before the
        dock, and the plots were left a third of the tab."""
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width() and not self._user_split and self.isVisible():
            QTimer.singleShot(0, self, self._fit_left)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        if self.window().isVisible():
            # The plots paint on the next turn, not in the one of the tab's first paint: the tab
            # shown, laid out and painted in one turn (its settings column, then its four plots,
            # whose axes are drawn anew at the new size) held the UI thread 43-76 ms of CPU; in two
            # turns the longer is 30-38 ms (3 paired runs, the walk's step to the Trainer tab).
            self._plots_repaint.hold()
        if self._restyle_when_shown:   # before the first paint; its new size re-decides (_on_plots_resized)
            self._restyle_when_shown = False
            self._restyle_plots()
        if self._fit_left_pending:  # a hidden tab learns its width when laid out, after this event
            QTimer.singleShot(0, self, self._fit_left)

    def _settings_width(self, compact: bool | None = None) -> int:
        """Width at which the settings form needs no horizontal scrolling: laid out as it is now, or
        ``compact`` (each label above its field) or not."""
        scroll = self._controls_scroll
        was = self._compact
        if compact is not None:
            self._set_compact(compact)
        width = (scroll.widget().sizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
                 + 2 * scroll.frameWidth())
        self._set_compact(was)
        return width

    def _fit_form(self, width: int) -> None:
        """Each label beside its field where the column holds the form so, else compact: each label
        above its field and the tie check box on two lines. Beside the Lessons dock in presentation
        mode at 1280×720 the side-by-side form needs ~470 px of a 360 px column: the settings were cut
        ("PTB fold…") and scrolled sideways."""
        compact = width > 0 and self._settings_width(compact=False) > width
        self._set_compact(compact)

    def _set_compact(self, compact: bool) -> None:
        if compact == self._compact:
            return
        self._compact = compact
        policy = QFormLayout.RowWrapPolicy.WrapAllRows if compact else QFormLayout.RowWrapPolicy.DontWrapRows
        for form in self._forms:
            form.setRowWrapPolicy(policy)
        self.tie_check.setText(two_lines(self._tie_text) if compact else self._tie_text)
        for group in self._controls_scroll.widget().findChildren(QGroupBox):
            group.updateGeometry()   # the column's layout holds its groups' old size hints otherwise
        self._controls_scroll.widget().layout().invalidate()

    def _connect(self) -> None:
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self.reset_button.clicked.connect(self.reset)
        self.sample_button.clicked.connect(self.new_sample)
        self.sample_seed_spin.valueChanged.connect(lambda _seed: self.request_sample())
        self.temperature_slider.valueChanged.connect(self._on_temperature_changed)
        self.prime_edit.editingFinished.connect(self.request_sample)
        self.open_file_button.clicked.connect(self._choose_file)
        self.open_folder_button.clicked.connect(self._choose_folder)
        self.explorer_button.clicked.connect(self.send_to_explorer)
        self.runner.job_event.connect(self._on_job_event)
        self.runner.job_finished.connect(self._on_job_finished)
        self.runner.job_failed.connect(self._on_job_failed)
        self.runner.job_cancelled.connect(self._on_job_cancelled)

    # ------------------------------------------------------------------------------ config
    @property
    def temperature(self) -> float:
        return self.temperature_slider.value() / 100.0

    def config(self) -> TrainConfig:
        """The TrainConfig the controls describe (validated; ConfigError otherwise)."""
        clip_norm = self.clip_norm_spin.value()
        clip_value = self.clip_value_spin.value()
        return TrainConfig(
            corpus=self.corpus_edit.currentText().strip(), level=self.level_combo.currentText(),
            cell=self.cell_combo.currentText(), layers=self.layers_spin.value(),
            hidden=self.hidden_spin.value(), embed=self.embed_spin.value(),
            dropout=round(self.dropout_spin.value(), 4), tie_weights=self.tie_check.isChecked(),
            dtype=self.dtype_combo.currentText(), optimizer=self.optimizer_combo.currentText(),
            lr=self.lr_spin.value(), momentum=self.momentum_spin.value(),
            lr_decay=self.decay_spin.value(), decay_after=self.decay_after_spin.value(),
            seq_len=self.seq_len_spin.value(), batch=self.batch_spin.value(),
            epochs=self.epochs_spin.value(), clip_norm=clip_norm if clip_norm > 0 else None,
            clip_value=clip_value if clip_value > 0 else None, seed=self.seed_spin.value(),
            snapshot_every=self.snapshot_spin.value(), blas_threads=self.threads_spin.value(),
            checkpoint=self.checkpoint_edit.text().strip() or None,
            # big corpora: a validation point every few hundred steps on a slice of the text
            eval_every=PANEL_EVAL_EVERY, eval_tokens=PANEL_EVAL_TOKENS,
        ).validate()

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Training text"), "", self.tr("Text files (*.txt);;All files (*)"))
        if path:
            self.corpus_edit.setCurrentText(path)

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Penn Treebank folder"))
        if path:
            self.corpus_edit.setCurrentText(path)
            self.level_combo.setCurrentText("word")

    # ------------------------------------------------------------------------------ run control
    @property
    def running(self) -> bool:
        return self.job_id is not None and self.runner.current_job_id(TRAIN_LANE) == self.job_id

    @property
    def paused(self) -> bool:
        return self._pause_flag.is_set()

    def start(self) -> bool:
        """Start training from scratch; False (and a message) if the settings are invalid."""
        try:
            config = self.config()
        except ConfigError as error:
            self._show_status(self.tr("Cannot start: {0}").format(translated(error)))
            return False
        self._clear_run()
        self._stop_flag = threading.Event()
        self._pause_flag = threading.Event()
        self._params_request = threading.Event()
        work = training_work(config, stop_flag=self._stop_flag, pause_flag=self._pause_flag,
                             params_request=self._params_request, train_factory=self.train_factory,
                             corpus_loader=self.corpus_loader, wait_turn=self._paint_priority.wait_turn)
        self.job_id = self.runner.start(TRAIN_LANE, work)
        self.progress.setFormat(self.tr("loading corpus…"))
        self._show_status(self.tr("Training {0} on {1}…").format(config.cell, config.corpus))
        self._update_buttons()
        return True

    def toggle_pause(self) -> None:
        if not self.running:
            return
        if self.paused:
            self._pause_flag.clear()
            self._show_status(self.tr("Resumed."))
        else:
            self._pause_flag.set()
            self._show_status(self.tr("Paused (between two steps)."))
        self._update_buttons()

    def stop(self) -> None:
        if self.running:
            self._stop_flag.set()
            self._pause_flag.clear()
            self._show_status(self.tr("Stopping…"))

    def reset(self) -> None:
        if self.running:
            self.runner.cancel(TRAIN_LANE)
            self._stop_flag.set()
            self._pause_flag.clear()
        self.runner.cancel(SAMPLE_LANE)
        self.job_id = None
        self._clear_run()
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("idle"))
        self._show_status(self.tr("Reset."))
        self._update_buttons()

    def _label_best(self) -> None:
        """The legend names the lowest validation loss and its step (see _legend_texts)."""
        self._fit_legends()

    def _clear_run(self) -> None:
        self.progress_label.set_full_text("")
        self.events = []
        self.last_event = None
        self.last_snapshot = None
        self.trainer = None
        self.model_copy = None
        self.sample_text = ""
        self.next_token_probs = None
        self.sample_view.setPlainText("")
        self._show_bars()
        self._dirty = True

    #: What a run leaves behind (model, curves, sample): :meth:`run_state`, :meth:`take_run`.
    RUN_ATTRIBUTES = ("events", "last_event", "last_snapshot", "trainer", "model_copy", "sample_text",
                      "next_token_probs", "_sample_tokens")

    def run_state(self) -> dict | None:
        """The finished (or stopped) run's objects, for another Trainer tab; None without a run.
        A running or paused run has a worker thread wired to this tab: it is not handed over."""
        if self.running or (self.trainer is None and not self.events and self.model_copy is None):
            return None
        return {name: getattr(self, name) for name in self.RUN_ATTRIBUTES if hasattr(self, name)}

    def take_run(self, run: dict) -> None:
        """Show the run :meth:`run_state` gave (its model samples and goes to the explorer as here)."""
        for name, value in run.items():
            setattr(self, name, value)
        self.sample_view.setPlainText(self.sample_text)
        if self.last_event is not None and self.last_event.kind != "step":
            self._show_status(self._final_message(self.last_event))
        self._dirty = True
        self.redraw()
        self._show_bars()
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.running
        self.start_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.pause_button.setText(self.tr("Resume") if running and self.paused else self.tr("Pause"))
        self.stop_button.setEnabled(running)
        has_model = self.trainer is not None or self.model_copy is not None
        self.sample_button.setEnabled(has_model)
        self.explorer_button.setEnabled(self.trainer is not None and (not running or self.paused))

    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status.emit(text)

    # ------------------------------------------------------------------------------ job events
    def _on_job_event(self, lane: str, job_id: int, payload) -> None:
        if lane != TRAIN_LANE or job_id != self.job_id:
            return
        if isinstance(payload, tuple) and payload and payload[0] == "trainer":
            self.trainer = payload[1]
            self._update_buttons()
            return
        if isinstance(payload, ModelCopy):
            self.model_copy = payload
            if self._sample_after_copy:
                self._sample_after_copy = False
                self._start_sampling()
            return
        if not isinstance(payload, TrainEvent):
            return
        self.events.append(payload)
        self.last_event = payload
        if payload.snapshot is not None:
            self.last_snapshot = payload.snapshot
        self._dirty = True
        if payload.kind == "step":
            end_of_epoch = payload.batch_index == payload.batches_per_epoch
            if end_of_epoch or time.monotonic() - self._last_sample_time > 10.0:
                self.request_sample()
        else:
            self._show_status(self._final_message(payload))

    def _final_message(self, event: TrainEvent) -> str:
        if event.kind == "diverged":
            return self.tr("Training diverged: {0}").format(translated(event.message))
        if event.kind == "done":
            parts = [self.tr("Finished {0} epochs at step {1}.").format(event.epochs, event.step)]
        else:
            parts = [self.tr("Stopped at step {0}.").format(event.step)]
        if event.valid_loss is not None:
            parts.append(self.tr("valid loss {0:.3f} (ppl {1:.1f})").format(event.valid_loss, event.valid_ppl))
        if event.test_loss is not None:
            parts.append(self.tr("test loss {0:.3f} (ppl {1:.1f})").format(event.test_loss, event.test_ppl))
        if event.checkpoint_path:
            parts.append(self.tr("checkpoint {0}").format(event.checkpoint_path))
        return " ".join(parts)

    def _on_job_finished(self, lane: str, job_id: int, result) -> None:
        if lane == SAMPLE_LANE:
            self._show_sample(result)
            return
        if lane != TRAIN_LANE or job_id != self.job_id:
            return
        self._pause_flag.clear()
        self._dirty = True
        self._update_buttons()
        self.redraw()
        if self.trainer is not None:
            self.request_sample()

    def _on_job_failed(self, lane: str, job_id: int, message: str) -> None:
        if lane == TRAIN_LANE and job_id == self.job_id:
            self._show_status(self.tr("Training failed: {0}").format(message))
            self.progress.setFormat(self.tr("failed"))
            self._update_buttons()
        elif lane == SAMPLE_LANE:
            self._show_status(self.tr("Sampling failed: {0}").format(message))

    def _on_job_cancelled(self, lane: str, job_id: int) -> None:
        if lane == TRAIN_LANE and job_id == self.job_id:
            if self.trainer is None and not self.events:   # stopped while the corpus was loading
                self.progress.setValue(0)
                self.progress.setFormat(self.tr("stopped"))
                self._show_status(self.tr("Stopped while the corpus was loading; nothing was trained."))
            self._update_buttons()

    # ------------------------------------------------------------------------------ sampling
    def _on_temperature_changed(self, _value: int) -> None:
        self._update_temperature_label()
        self.request_sample()

    def _update_temperature_label(self) -> None:
        self.temperature_label.setText(f"{self.temperature:.2f}")

    def new_sample(self) -> None:
        """The Sample button: new text from the next seed (shown, so the text can be made again)."""
        spin = self.sample_seed_spin
        with QSignalBlocker(spin):
            spin.setValue(spin.value() + 1 if spin.value() < spin.maximum() else 0)
        self.request_sample()

    def request_sample(self) -> None:
        """Regenerate the sample from the newest weights (asks the worker for a copy if it runs)."""
        if self.trainer is None:
            if self.model_copy is not None:
                self._start_sampling()
            return
        if self.running and not self.paused:
            self._sample_after_copy = True
            self._params_request.set()
            return
        self.model_copy = copy_model(self.trainer, self.trainer.step)
        self._start_sampling()

    def _start_sampling(self) -> None:
        if self.model_copy is None:
            return
        self._last_sample_time = time.monotonic()
        self.runner.start(SAMPLE_LANE, sampling_work(
            self.model_copy, self.prime_edit.text(), self.temperature, SAMPLE_LENGTH,
            seed=self.sample_seed_spin.value(), wait_turn=self._paint_priority.wait_turn))

    def _show_sample(self, result) -> None:
        text, distribution, tokens = result
        self.sample_text = text
        self.next_token_probs = distribution
        self.sample_view.setPlainText(text)
        self._sample_tokens = tokens
        self._paint_priority.claim()
        self._show_bars()
        self._update_empty_notes()
        self._update_buttons()

    def shown_tokens(self) -> int:
        """How many of the likeliest next tokens fit the bar plot's width without their labels touching."""
        axis = self.bars_plot.getAxis("bottom")
        font = axis.style.get("tickFont") or axis.font()
        metrics = QFontMetrics(font)
        slot = metrics.horizontalAdvance("\\n") + metrics.horizontalAdvance("W")   # a two-letter label and a gap
        width = self.bars_plot.vb.width() or self.bars_plot.width()
        return int(max(MIN_TOKENS, min(TOP_TOKENS, width // max(slot, 1.0))))

    def _empty_texts(self) -> dict:
        """What each plot shows once there is something to show (its note until then)."""
        return {self.loss_plot: self.tr("The training and validation losses appear here when training runs (Start)."),
                self.grad_plot: self.tr("The gradient norm of every step appears here when training runs."),
                self.flow_plot: self.tr("How far gradients reach back on the text appears at each snapshot."),
                self.bars_plot: self.tr("The model's next-token probabilities appear with the first sample.")}

    def _update_empty_notes(self) -> None:
        shown = {self.loss_plot: self.train_curve, self.grad_plot: self.grad_after_curve,
                 self.flow_plot: self.flow_grad_curve}
        texts = self._empty_texts()
        for plot, note in self._empty_notes.items():
            if plot is self.bars_plot:
                empty = self.next_token_probs is None
            else:
                x, _y = shown[plot].getData()
                empty = x is None or len(x) == 0
            note.set_text(texts[plot] if empty else "")

    def _show_bars(self) -> None:
        distribution = self.next_token_probs
        if distribution is None:
            # (after Reset: the last run's bars went with it)
            self.bars.setOpts(x=[], height=[])
            self.bars_plot.getAxis("bottom").setTicks(None)
            return
        tokens = self._sample_tokens
        order = np.argsort(distribution)[::-1][:self.shown_tokens()]
        self.bars.setOpts(x=np.arange(order.size), height=distribution[order])
        self.bars_plot.getAxis("bottom").setTicks(
            [[(i, _token_label(tokens[int(k)])) for i, k in enumerate(order)]])
        self.bars_plot.setXRange(-0.6, max(order.size, 1) - 0.4, padding=0)

    # ------------------------------------------------------------------------------ explorer
    def explorer_handoff(self, length: int = 64) -> ExplorerHandoff | None:
        """Trained cells + the first ``length`` validation tokens embedded, or None without a model."""
        trainer = self.trainer
        if trainer is None or (self.running and not self.paused):
            return None
        model = trainer.model
        spec = model.spec
        names = [n for n in spec.param_shapes() if n not in ("embedding.weight", "decoder.weight",
                                                             "decoder.bias")]
        params = {n: model.params[n].astype(np.float64) for n in names}
        ids = trainer.data.valid[:length]
        inputs = model.params["embedding.weight"][ids].astype(np.float64)[:, None, :]
        return ExplorerHandoff(params, spec.net, inputs, trainer.data.vocab.decode(ids, trainer.data.level))

    def send_to_explorer(self) -> None:
        handoff = self.explorer_handoff()
        if handoff is None:
            self._show_status(self.tr("Pause or stop training first, then open the model in the explorer."))
            return
        self.open_in_explorer.emit(handoff)

    # ------------------------------------------------------------------------------ drawing
    def redraw(self) -> None:
        """Push the collected events into the plots (called by the 10 Hz timer)."""
        if not self._dirty:
            return
        self._dirty = False
        steps = [e for e in self.events if e.kind == "step"]
        # the steps, the sampler and the corpus loader wait from here to the end of the paint
        # (a Start clears the plots while the corpus loads)
        self._paint_priority.claim()
        if not steps:
            for curve in (self.train_curve, self.train_avg_curve, self.valid_curve, self.best_scatter,
                          self.grad_before_curve, self.grad_after_curve, self.flow_grad_curve,
                          self.flow_jac_curve):
                curve.setData([], [])
            self.best_point = None
            self.any_clipped = False
            self._label_best()
            self.clip_scatter.setData([], [])
            self.baseline_line.setVisible(False)
            self._update_empty_notes()
            self._fit_titles()   # (after Reset: the flow plot's title named the last run's step)
            return
        x = np.array([e.step for e in steps], dtype=float)
        clipped = np.array([e.clipped for e in steps], dtype=bool)
        self.any_clipped = bool(clipped.any())
        self.train_curve.setData(x, np.array([e.train_loss for e in steps], dtype=float))
        self.train_avg_curve.setData(x, np.array([e.train_loss_avg for e in steps], dtype=float))
        valid = [e for e in self.events if e.valid_loss is not None]
        valid_steps = np.array([e.step for e in valid], dtype=float)
        valid_losses = np.array([e.valid_loss for e in valid], dtype=float)
        self.valid_curve.setData(valid_steps, valid_losses)
        finite = np.isfinite(valid_losses)
        if finite.any():
            best = int(np.flatnonzero(finite)[np.argmin(valid_losses[finite])])  # the first of equal lows
            self.best_point = (int(valid_steps[best]), float(valid_losses[best]))
            self.best_scatter.setData([valid_steps[best]], [valid_losses[best]])
        else:
            self.best_point = None
            self.best_scatter.setData([], [])
        self._label_best()
        baseline = steps[-1].baseline_loss
        if math.isfinite(baseline):
            self.baseline_line.setValue(baseline)
            self.baseline_line.setVisible(True)
        before = np.array([e.grad_norm for e in steps], dtype=float)
        after = np.array([e.grad_norm_clipped for e in steps], dtype=float)
        positive = (before > 0) & (after > 0) & np.isfinite(before) & np.isfinite(after)
        log_before = np.log10(np.where(positive, before, 1.0))
        log_after = np.log10(np.where(positive, after, 1.0))
        self.grad_before_curve.setData(x[positive], log_before[positive])
        self.grad_after_curve.setData(x[positive], log_after[positive])
        clipped &= positive
        self.clip_scatter.setData(x[clipped], log_before[clipped])
        snapshot = self.last_snapshot
        if snapshot is not None:
            with np.errstate(divide="ignore"):
                grad = np.log10(snapshot.grad_by_distance)
            self.flow_grad_curve.setData(snapshot.distance.astype(float), np.where(np.isfinite(grad), grad, np.nan))
            jac = np.asarray(snapshot.jacobian_log10, dtype=float)
            self.flow_jac_curve.setData(snapshot.jacobian_k.astype(float), np.where(np.isfinite(jac), jac, np.nan))
            self._fit_titles()
        last = self.last_event
        if last is not None:
            self.progress.setValue(int(round(1000 * last.progress)))
            self.progress.setFormat(progress_text(last, self.paused))
            self.progress_label.set_full_text(progress_detail(last))
        self._update_empty_notes()
        settle_views(self.plots)  # one repaint per redraw, not two (see settle_views)

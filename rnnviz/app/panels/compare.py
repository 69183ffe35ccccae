"""The Compare tab: pin up to four configurations and overlay their gradient decay, gates and spectra.

Each pin has a name and a colour and is saved in the session (:meth:`ComparePanel.pins_to_json`).
The pins' cheap results come from ``run_fast`` in one job on the runner's ``"compare"`` lane.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout,
                               QWidget)

from rnnviz.app import i18n
from rnnviz.app.i18n import translated
from rnnviz.app.jobs import JobRunner
from rnnviz.app.plots.base import (PALETTE, PlotPanel, configure_pyqtgraph, finite_or_nan,
                                   restyle_symbols)
from rnnviz.core.analysis import ExperimentConfig, run_fast
from rnnviz.core.config import ConfigError

COMPARE_LANE = "compare"
MAX_PINS = 4
PIN_COLOURS = PALETTE[:MAX_PINS]


@dataclass
class Pin:
    """A pinned configuration: ``name`` shown in legends, ``colour`` ('#rrggbb'), the ``config``."""

    name: str
    colour: str
    config: ExperimentConfig
    uid: int = 0
    auto: bool = True   # named by the app (renamed whenever the pins change), not by the user

    def to_dict(self) -> dict:
        return {"name": self.name, "colour": self.colour, "config": self.config.to_dict(), "auto": self.auto}

    @classmethod
    def from_dict(cls, data) -> "Pin":
        if not isinstance(data, dict) or not {"name", "config"} <= set(data):
            raise ConfigError("a pin must be {\"name\": ..., \"colour\": ..., \"config\": {...}}")
        name = data["name"]
        colour = data.get("colour", PIN_COLOURS[0])
        if not isinstance(name, str) or not name.strip():
            raise ConfigError("a pin needs a name")
        if not isinstance(colour, str) or not QColor.isValidColorName(colour):
            raise ConfigError("pin {name!r}: invalid colour {colour!r}", name=name, colour=colour)
        config = ExperimentConfig.from_dict(data["config"])
        # Older sessions did not say; their automatic names were describe(config) (+ " (2)" …).
        auto = data.get("auto", name.strip().split(" (")[0] == describe(config))
        return cls(name.strip(), colour, config, auto=bool(auto))


def describe(config: ExperimentConfig) -> str:
    """A short default pin name, e.g. 'lstm ρ=1 H=64'."""
    radius = "—" if config.radius is None else f"{config.radius:g}"
    return f"{config.cell} {config.activation} ρ={radius} H={config.hidden_size}"


#: How a differing field is named in a pin's label: a symbol before its value ("H=64") ...
FIELD_SYMBOLS = {"cell": "", "activation": "", "hidden_size": "H=", "radius": "ρ=", "seq_len": "T=", "anchor": "t₀=",
                 "truncate": "k="}
#: ... or a word and a space ("forget bias 1"); other fields: their name, underscores as spaces.
FIELD_WORDS = {"input_size": QT_TRANSLATE_NOOP("Names", "input"), "num_layers": QT_TRANSLATE_NOOP("Names", "layers"),
               "forget_bias": QT_TRANSLATE_NOOP("Names", "forget bias"), "init": QT_TRANSLATE_NOOP("Names", "init"),
               "init_scale": QT_TRANSLATE_NOOP("Names", "init scale"), "seed": QT_TRANSLATE_NOOP("Names", "seed"),
               "input_signal": QT_TRANSLATE_NOOP("Names", "input"),
               "input_scale": QT_TRANSLATE_NOOP("Names", "input scale"),
               "loss_placement": QT_TRANSLATE_NOOP("Names", "loss"), "leaky_slope": QT_TRANSLATE_NOOP("Names", "slope")}
PIN_VALUE_WORDS = (QT_TRANSLATE_NOOP("Names", "bidirectional"), QT_TRANSLATE_NOOP("Names", "one direction"),
                   QT_TRANSLATE_NOOP("Names", "none"), QT_TRANSLATE_NOOP("Names", "default"))


def _field_text(field: str, value) -> str:
    if field == "bidirectional":
        return i18n.names("bidirectional" if value else "one direction")
    if value is None:
        value = i18n.names("none") if field == "truncate" else "—" if field == "radius" else i18n.names("default")
    elif isinstance(value, float):
        value = f"{value:g}"
    if field in FIELD_SYMBOLS:
        return f"{FIELD_SYMBOLS[field]}{value}"
    return f"{i18n.names(FIELD_WORDS.get(field, field.replace('_', ' ')))} {value}"


def pin_labels(configs: list[ExperimentConfig]) -> list[str]:
    """Names that say what differs between the pinned configurations, e.g. ['forget bias 1', 'forget bias 0'].

    One configuration (or identical ones): :func:`describe`. Fields are named in ExperimentConfig's order.
    """
    if len(configs) < 2:
        return [describe(config) for config in configs]
    names = [f.name for f in dataclasses.fields(ExperimentConfig)]
    differing = [n for n in names if len({repr(getattr(c, n)) for c in configs}) > 1]
    if not differing:
        return [describe(config) for config in configs]
    return [" ".join(_field_text(n, getattr(config, n)) for n in differing) for config in configs]


def _compare_work(jobs: list[tuple[int, ExperimentConfig]]):
    """The job: yield (pin uid, FastResult) for each pin (plain Python, runs off the UI thread)."""
    def work(should_stop):
        for uid, config in jobs:
            yield uid, run_fast(config, should_stop=should_stop)
    return work


class ComparePlots(PlotPanel):
    """Three overlays: gradient decay, mean gate activation per gate, eigenvalues of W_hh."""

    name = "compare"
    title = QT_TRANSLATE_NOOP("Names", "Compare")

    def __init__(self, parent=None):
        configure_pyqtgraph()
        super().__init__(parent)
        # The decay curves are what pins are compared on first: they get the whole top row.
        self.decay = self.add_plot(0, 0, self.tr("Gradient decay from t₀"), (self.tr("distance k"), "steps"),
                                   (self.tr("log₁₀ ‖∂s(t₀+k)/∂s(t₀)‖₂"), None), legend=True, colspan=2, short_y=self.tr("log₁₀ norm"),
                                   whole_x=True)
        self.gates = self.add_plot(1, 0, self.tr("Gate means"), (self.tr("gate"), None),
                                   (self.tr("mean over units, steps"), None), short_y=self.tr("mean"))
        # The bars' base (0) and the sigmoid gates' top (1) labelled: they lie at the view's ends,
        # past which pyqtgraph leaves a label out (the axis showed 0.2…0.8 only)
        self.gates.getAxis("left").labels_inside = True
        self.spectrum = self.add_plot(1, 1, self.tr("Eigenvalues of W<sub>hh</sub>"), (self.tr("Re λ"), None), (self.tr("Im λ"), None))
        self.keep_square(self.spectrum, 1)
        angle = np.linspace(0, 2 * np.pi, 361)
        self.spectrum.plot(np.cos(angle), np.sin(angle), pen=pg.mkPen("#999999", width=1,
                                                                      style=Qt.PenStyle.DashLine))
        self.decay_curves: dict[str, pg.PlotDataItem] = {}
        self.gate_bars: dict[str, pg.BarGraphItem] = {}
        self.eigen_points: dict[str, pg.PlotDataItem] = {}
        self.gate_names: list[str] = []
        # Without pins the three plots were empty without a word (the hint sat under the list).
        self.decay_note = self.empty_note(self.decay)
        self._say_what_is_shown(pins=False)

    def _say_what_is_shown(self, pins: bool, shown: bool = False) -> None:
        if shown:
            self.decay_note.set_text("")
        elif pins:
            self.decay_note.set_text(self.tr("Computing the pinned configurations …"))
        else:
            self.decay_note.set_text(self.tr("Pin the explorer's configuration (Pin current configuration) "
                                             "to compare its gradient decay, gate means and eigenvalues here."))

    def show_pins(self, pins: list[Pin], results: dict) -> None:
        """Redraw for ``pins`` (in order) with ``results``: uid -> FastResult (missing = not computed yet)."""
        for plot, items in ((self.decay, self.decay_curves), (self.gates, self.gate_bars),
                            (self.spectrum, self.eigen_points)):
            for item in items.values():
                plot.removeItem(item)
        if self.decay.legend is not None:
            self.decay.legend.clear()
        old = set(map(id, self.decay_curves.values()))
        self._pens = [entry for entry in self._pens if id(entry[0]) not in old]
        self.decay_curves, self.gate_bars, self.eigen_points = {}, {}, {}
        shown = [(pin, results[pin.uid]) for pin in pins if pin.uid in results]
        names = []
        for _pin, fast in shown:
            names.extend(g for g in fast.gates if g not in names)
        self.gate_names = names
        width = 0.8 / max(len(shown), 1)
        for index, (pin, fast) in enumerate(shown):
            k = np.asarray(fast.curve["k"], dtype=np.float64)
            curve = self.decay.plot(k, finite_or_nan(fast.curve["log10_spectral"]), name=pin.name, connect="finite")
            self.pen(curve, pin.colour)
            self.decay_curves[pin.name] = curve
            main = next((s for s in fast.spectra if s.layer == 0 and s.direction == 0 and s.gate in ("h", "g", "n")),
                        fast.spectra[0])
            eig = np.asarray(main.eigenvalues)
            points = self.spectrum.plot(eig.real, eig.imag, pen=None, symbol="o", symbolSize=6,
                                        symbolBrush=pg.mkBrush(pin.colour), symbolPen=pg.mkPen(pin.colour))
            restyle_symbols([points], self.style)
            self.eigen_points[pin.name] = points
            if not fast.gates:  # the Elman RNN has no gates
                continue
            x = np.array([names.index(g) for g in fast.gates], dtype=np.float64) - 0.4 + width * (index + 0.5)
            heights = np.array([float(np.mean(v)) for v in fast.gates.values()])
            bars = pg.BarGraphItem(x=x, height=heights, width=width * 0.9, brush=pg.mkBrush(pin.colour),
                                   pen=pg.mkPen(pin.colour))
            self.gates.addItem(bars)
            self.gate_bars[pin.name] = bars
        self._say_what_is_shown(pins=bool(pins), shown=bool(shown))
        self.gates.getAxis("bottom").setTicks([[(i, g) for i, g in enumerate(names)]])
        lowest = min([0.0, *(float(np.min(b.opts["height"])) for b in self.gate_bars.values())])
        # sigmoid gates live in [0, 1]; a tanh candidate (g, n) can average below 0
        self.gates.setYRange(lowest, 1, padding=0.02)
        if names:
            self.gates.setXRange(-0.6, len(names) - 0.4, padding=0)

    def show_fast(self, fast) -> None:  # not an explorer panel
        pass

    def csv_tables(self) -> dict:
        tables = {}
        for name, curve in self.decay_curves.items():
            k, y = curve.getData()
            tables[f"decay_{name}"] = (["k", "log10_spectral"], np.column_stack([k, y]))
        return tables


SIDE_WIDTH = 300
SIDE_WIDTH_PRESENTATION = 420   # "Remove" and "Open in explorer" side by side at lecture font sizes


class ComparePanel(QWidget):
    """Pin list (rename by double-click on the text) and the overlaid plots.

    Signals:
        open_config(ExperimentConfig): "Open in explorer" on the selected pin.
        pins_changed(): pins added, removed or renamed (the session should be saved).
    """

    open_config = Signal(object)
    pins_changed = Signal()

    def __init__(self, state=None, runner: JobRunner | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("compare_panel")
        self.state = state
        self.runner = runner if runner is not None else JobRunner(self)
        self.pins: list[Pin] = []
        self.results: dict[int, object] = {}
        self._uids = itertools.count(1)

        self.pin_list = QListWidget()
        self.pin_list.itemChanged.connect(self._on_item_changed)
        self.pin_button = QPushButton(self.tr("Pin current configuration"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.open_button = QPushButton(self.tr("Open in explorer"))
        self.pin_button.clicked.connect(lambda: self.pin_current())
        self.remove_button.clicked.connect(self._remove_selected)
        self.open_button.clicked.connect(self._open_selected)
        self.status = QLabel(self._hint())
        self.status.setWordWrap(True)
        self.plots = ComparePlots()

        side = QVBoxLayout()
        side.addWidget(self.pin_button)
        side.addWidget(self.pin_list, 1)
        row = QHBoxLayout()
        row.addWidget(self.remove_button)
        row.addWidget(self.open_button)
        side.addLayout(row)
        side.addWidget(self.status)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setMaximumWidth(SIDE_WIDTH)
        self.side = side_widget
        layout = QHBoxLayout(self)
        layout.addWidget(side_widget)
        layout.addWidget(self.plots, 1)

        self.runner.job_event.connect(self._on_event)
        self.runner.job_failed.connect(self._on_failed)
        self._update_buttons()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.plots.apply_style_set_while_not_shown()

    def set_presentation(self, on: bool) -> None:
        """Lecture font sizes: the plots' style, and room for the buttons' text at that size."""
        self.side.setMaximumWidth(SIDE_WIDTH_PRESENTATION if on else SIDE_WIDTH)
        self.plots.set_presentation(on)

    # -- pins ----------------------------------------------------------------------------------------
    def pin_current(self, name: str | None = None) -> Pin | None:
        config = self.state.config if self.state is not None else ExperimentConfig()
        return self.add_pin(config, name)

    def add_pin(self, config: ExperimentConfig, name: str | None = None, colour: str | None = None) -> Pin | None:
        """Pin ``config``; None (and a message) when four are pinned already."""
        if len(self.pins) >= MAX_PINS:
            self.status.setText(self.tr("At most {0} pins; remove one first.").format(MAX_PINS))
            return None
        used = {pin.colour for pin in self.pins}
        colour = colour or next(c for c in PIN_COLOURS if c not in used)
        given = name.strip() if name else ""
        pin = Pin(self._unique_name(given) if given else "", colour, config, next(self._uids), auto=not given)
        self.pins.append(pin)
        self._relabel()
        self._refresh_list()
        self._redraw()   # the other pins' curves take their new names
        self._compute([pin])
        self.pins_changed.emit()
        return pin

    def _relabel(self) -> None:
        """Automatic names say what differs between the pins now; user-given names stay."""
        labels = pin_labels([pin.config for pin in self.pins])
        for pin in self.pins:
            if pin.auto:
                pin.name = ""   # free the old automatic names before choosing new unique ones
        for pin, label in zip(self.pins, labels):
            if pin.auto:
                pin.name = self._unique_name(label, ignore=pin)

    def _unique_name(self, name: str, ignore: Pin | None = None) -> str:
        taken = {pin.name for pin in self.pins if pin is not ignore}
        candidate, number = name, 2
        while candidate in taken:
            candidate, number = f"{name} ({number})", number + 1
        return candidate

    def _hint(self) -> str:
        return self.tr("Pin up to {0} configurations to compare them.").format(MAX_PINS)

    def _show_count(self) -> None:
        """How many of the pins are computed (the hint again once none is left: "1 of 1 pin(s)
        computed." stayed after the last pin was removed)."""
        if not self.pins:
            self.status.setText(self._hint())
            return
        done = sum(pin.uid in self.results for pin in self.pins)
        self.status.setText(self.tr("{0} of {1} pin(s) computed.").format(done, len(self.pins)))

    def remove_pin(self, index: int) -> None:
        pin = self.pins.pop(index)
        self.results.pop(pin.uid, None)
        self._relabel()
        self._refresh_list()
        self._redraw()
        self._show_count()
        self.pins_changed.emit()

    def rename_pin(self, index: int, name: str) -> bool:
        name = name.strip()
        if not name:
            self._refresh_list()
            return False
        pin = self.pins[index]
        pin.name = self._unique_name(name, ignore=pin)
        pin.auto = False
        self._refresh_list()
        self._redraw()
        self.pins_changed.emit()
        return True

    def pins_to_json(self) -> list[dict]:
        """The pins for the session file."""
        return [pin.to_dict() for pin in self.pins]

    def set_pins_from_json(self, data) -> bool:
        """Replace the pins from :meth:`pins_to_json` output; invalid data changes nothing."""
        try:
            if not isinstance(data, list) or len(data) > MAX_PINS:
                raise ConfigError("pins must be a list of at most {MAX_PINS}", MAX_PINS=MAX_PINS)
            pins = [Pin.from_dict(entry) for entry in data]
        except (ConfigError, TypeError, ValueError) as error:
            self.status.setText(self.tr("Pins not restored: {0}").format(translated(error)))
            return False
        for pin in pins:
            pin.uid = next(self._uids)
        self.take_pins(pins, {})
        return True

    def take_pins(self, pins: list[Pin], results: dict) -> None:
        """Show ``pins`` with the ``results`` computed for them (by uid; another window's on a language
        switch): only the pins without one are computed."""
        self.runner.cancel(COMPARE_LANE)
        self.pins, self.results = list(pins), dict(results)
        self._uids = itertools.count(max((pin.uid for pin in self.pins), default=0) + 1)
        self._relabel()
        self._refresh_list()
        self._redraw()
        self._compute(self.pins)
        self.pins_changed.emit()

    # -- list widget ---------------------------------------------------------------------------------
    def _refresh_list(self) -> None:
        self.pin_list.blockSignals(True)
        self.pin_list.clear()
        for pin in self.pins:
            swatch = QPixmap(14, 14)
            swatch.fill(QColor(pin.colour))
            item = QListWidgetItem(QIcon(swatch), pin.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(describe(pin.config))
            self.pin_list.addItem(item)
        self.pin_list.blockSignals(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.pin_button.setEnabled(len(self.pins) < MAX_PINS)
        self.remove_button.setEnabled(bool(self.pins))
        self.open_button.setEnabled(bool(self.pins))

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        index = self.pin_list.row(item)
        if 0 <= index < len(self.pins) and item.text() != self.pins[index].name:
            self.rename_pin(index, item.text())

    def _selected_index(self) -> int | None:
        row = self.pin_list.currentRow()
        if 0 <= row < len(self.pins):
            return row
        return len(self.pins) - 1 if self.pins else None

    def _remove_selected(self) -> None:
        index = self._selected_index()
        if index is not None:
            self.remove_pin(index)

    def _open_selected(self) -> None:
        index = self._selected_index()
        if index is not None:
            self.open_config.emit(self.pins[index].config)

    # -- computing -----------------------------------------------------------------------------------
    def _compute(self, pins: list[Pin]) -> None:
        # Results of pins that are not recomputed stay; one job computes every pin still missing.
        missing = [(pin.uid, pin.config) for pin in self.pins if pin.uid not in self.results]
        if missing:
            self.status.setText(self.tr("Computing {0} pin(s)…").format(len(missing)))
            self.runner.start(COMPARE_LANE, _compare_work(missing))

    def _on_event(self, lane: str, job_id: int, payload) -> None:
        if lane != COMPARE_LANE:
            return
        uid, fast = payload
        if any(pin.uid == uid for pin in self.pins):
            self.results[uid] = fast
            self._redraw()
            self._show_count()

    def _on_failed(self, lane: str, job_id: int, message: str) -> None:
        if lane == COMPARE_LANE:
            self.status.setText(self.tr("Compare failed: {0}").format(message))

    def _redraw(self) -> None:
        self.plots.show_pins(self.pins, self.results)

    def wait_ready(self) -> bool:
        return all(pin.uid in self.results for pin in self.pins)


__all__ = ["ComparePanel", "ComparePlots", "Pin", "MAX_PINS", "COMPARE_LANE"]

"""The Experiments tab: sweep one or two parameters and see reach / Lyapunov exponents as lines or a heatmap.

:class:`SweepPlot` draws a :class:`~rnnviz.core.sweep.SweepResult` (also used headless by
``rnnviz sweep --plot``); :class:`ExperimentsPanel` holds the sweep controls, runs the sweep through
the job runner (lane ``"sweep"``) and emits ``open_config(ExperimentConfig)`` when a point is clicked.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from rnnviz.app.eta import EtaEstimator, format_time_left
from rnnviz.app.i18n import names, spaced, translated
from rnnviz.app.jobs import JobRunner
from rnnviz.app.settings import Settings
from rnnviz.app.plots.base import (PALETTE, Heatmap, PlotPanel, configure_pyqtgraph, finite_or_nan,
                                   finite_range, restyle_symbols)
from rnnviz.core.analysis import ExperimentConfig
from rnnviz.core.config import ConfigError
from rnnviz.core.sweep import (METRIC_LABELS, METRICS, SWEEPABLE, SweepAxis, SweepProgress,
                               SweepResult, SweepSpec, default_workers, format_values, iter_sweep,
                               parse_values)
from rnnviz.io_utils import atomic_write_text

SWEEP_LANE = "sweep"

#: axis label (text, units) of each sweepable parameter
PARAMETER_LABELS = {
    "radius": (QT_TRANSLATE_NOOP("Names", "spectral radius ρ"), None), "hidden_size": (QT_TRANSLATE_NOOP("Names", "hidden size"), "units"),
    "seq_len": (QT_TRANSLATE_NOOP("Names", "sequence length T"), "steps"), "forget_bias": (QT_TRANSLATE_NOOP("Names", "forget-gate bias"), None),
    "activation": ("activation", None), "cell": ("cell", None), "init": (QT_TRANSLATE_NOOP("Names", "init scheme"), None),
    "input_scale": (QT_TRANSLATE_NOOP("Names", "input scale"), None),
}
#: values offered when a parameter is chosen in the controls
DEFAULT_VALUES = {
    "radius": "0.5:1.5:21", "hidden_size": "16,32,64,128", "seq_len": "50:200:4", "forget_bias": "-2:4:7",
    "activation": "tanh,relu,linear", "cell": "rnn,lstm,gru", "init": "orthogonal,gaussian,pytorch",
    "input_scale": "0.25,0.5,1,2",
}


#: The metrics' names as the window shows them (the command line's, METRIC_LABELS, are plain ASCII).
METRIC_NAMES = {"reach": QT_TRANSLATE_NOOP("Names", "gradient reach k (steps)"),
                "log10_norm": QT_TRANSLATE_NOOP("Names", "log₁₀ ‖∂s(T)/∂s(t₀)‖₂"),
                "lyapunov": QT_TRANSLATE_NOOP("Names", "largest Lyapunov exponent (per step)"),
                "saturation": QT_TRANSLATE_NOOP("Names", "saturated gate fraction")}


def _metric_label(metric: str) -> str:
    if metric.startswith("lyapunov_"):
        return QCoreApplication.translate("ExperimentsPanel", "Lyapunov exponent {0} (per step)").format(
            metric.split('_')[1])
    return names(METRIC_NAMES.get(metric, metric))


SHORT_METRIC_NAMES = {"reach": QT_TRANSLATE_NOOP("Names", "Gradient reach"),
                      "log10_norm": QT_TRANSLATE_NOOP("Names", "log₁₀ ‖∂s(T)/∂s(t₀)‖"),
                      "lyapunov": QT_TRANSLATE_NOOP("Names", "Largest Lyapunov exponent"),
                      "saturation": QT_TRANSLATE_NOOP("Names", "Saturated gate fraction")}


def _short_metric(metric: str) -> str:
    if metric.startswith("lyapunov_"):
        return QCoreApplication.translate("ExperimentsPanel", "Lyapunov exponent {0}").format(metric.split('_')[1])
    return names(SHORT_METRIC_NAMES.get(metric, metric))


def _value_text(value) -> str:
    return value if isinstance(value, str) else f"{value:g}"


class SweepPlot(PlotPanel):
    """Lines with ±1 std bands (one numeric parameter, one line per category) or a heatmap of the mean.

    ``point_clicked(int)`` gives the grid point (row-major index into ``spec.point_values()``).
    After :meth:`show_result`, ``lines`` maps a legend name to its mean curve and ``heatmap`` holds
    the image of a two-parameter sweep (None otherwise).
    """

    name = "sweep"
    title = QT_TRANSLATE_NOOP("Names", "Sweep")
    point_clicked = Signal(int)

    def __init__(self, parent=None):
        configure_pyqtgraph()
        super().__init__(parent)
        self.result: SweepResult | None = None
        self.metric_name: str | None = None
        self.lines: dict[str, pg.PlotDataItem] = {}
        self.heatmap: Heatmap | None = None
        self._heat_shape: tuple[int, int] | None = None
        # reach only: grid-shaped count of the seeds at their point's limit T − t₀ (else None); the
        # dashed limit and the △ marks of a lines plot that has such points (else None)
        self._at_limit: np.ndarray | None = None
        self.reach_limit: pg.PlotDataItem | None = None
        self.lower_bounds: pg.ScatterPlotItem | None = None
        self._build_plot()
        self.graphics.scene().sigMouseClicked.connect(self._on_scene_click)

    def _build_plot(self, x_label=("", None), y_label=("", None), title=QT_TRANSLATE_NOOP("Names", "Run a sweep to see its result"),
                    legend: bool = False):
        self.graphics.clear()
        self._labelled.clear()
        self._pens.clear()
        self._markers.clear()
        self._hover.clear()
        self._external_legends.clear()
        self.lines = {}
        self.heatmap = None
        self._heat_shape = None
        self.reach_limit = self.lower_bounds = None
        self.plot = self.add_plot(0, 0, title, x_label, y_label, hover=self._hover_text, left_axis_chars=6.5,
                                  legend=legend)
        if self.result is None:   # no sweep yet: its title says so, and the axes show no values of it
            for side in ("left", "bottom"):
                self.plot.getAxis(side).hide_values(True)

    # -- drawing -----------------------------------------------------------------------------------
    def show_result(self, result: SweepResult, metric: str | None = None) -> None:
        spec = result.spec
        metric = metric or spec.metric_columns[0]
        if metric not in result.values:
            raise ValueError(f"the sweep did not measure {metric!r}")
        self.result, self.metric_name = result, metric
        mean, std = result.mean[metric], result.std[metric]
        categorical = [axis.categorical for axis in spec.axes]
        seeds = self.tr("±1 std, {0} seeds").format(spec.seeds) if spec.seeds > 1 else self.tr("1 seed")
        y_label = (_metric_label(metric), None)
        # Where a seed's reach is its point's T − t₀ the gradient still reached the threshold at the
        # sequence's end: the number is a lower bound, and the plot says so (a dashed limit and a hollow △).
        self._at_limit = result.seeds_at_reach_limit() if metric == "reach" else None
        bounded = self._at_limit is not None and bool(self._at_limit.any())
        if metric == "reach":
            y_label = (self.tr("gradient reach k with ‖∂s‖ ≥ {0:g}").format(spec.threshold), "steps")
        if len(spec.axes) == 1 or categorical.count(True) == 1:
            numeric_axis = next((i for i, cat in enumerate(categorical) if not cat), 0)
            x_axis = spec.axes[numeric_axis]
            title = spaced(self.tr("{0} vs {1} ({2})").format(_short_metric(metric),
                                                              names(PARAMETER_LABELS[x_axis.name][0]), seeds))
            self._build_plot(PARAMETER_LABELS[x_axis.name], y_label, title, legend=len(spec.axes) == 2 or bounded)
            self._draw_lines(spec, mean, std, numeric_axis)
            if bounded:
                self._draw_reach_limit()
        else:
            first, second = spec.axes
            # One template, as the one-parameter title's: pasted together in code, the Chinese title
            # kept the English "(…)" around its Chinese words ("梯度可达距离 (1 个种子)").
            seeds = self.tr("mean over {0} seeds").format(spec.seeds) if spec.seeds > 1 else self.tr("1 seed")
            title = spaced(self.tr("{0} ({1})", "the two-parameter sweep's title: metric (seeds)").format(
                _short_metric(metric), seeds))
            self._build_plot(PARAMETER_LABELS[second.name], PARAMETER_LABELS[first.name], title)
            self._draw_heatmap(spec, mean, metric)
        if self.heatmap is None and (metric.startswith("lyapunov") or metric == "log10_norm"):
            # The sign decides: below 0 the gradient vanishes, above it explodes.
            self.plot.addLine(y=0, pen=pg.mkPen("#777777", width=1, style=pg.QtCore.Qt.PenStyle.DashLine))

    def _draw_lines(self, spec: SweepSpec, mean, std, numeric_axis: int) -> None:
        x_axis = spec.axes[numeric_axis]
        if len(spec.axes) == 2:
            group_axis = spec.axes[1 - numeric_axis]
            if numeric_axis == 0:  # rows must be the groups
                mean, std = mean.T, std.T
            groups = [(str(v), row) for row, v in enumerate(group_axis.values)]
        else:
            mean, std = mean[None, :], std[None, :]
            groups = [(None, 0)]
        if x_axis.categorical:  # one categorical parameter alone: categories along x
            x = np.arange(len(x_axis.values), dtype=np.float64)
            self.plot.getAxis("bottom").setTicks([[(i, v) for i, v in enumerate(x_axis.values)]])
        else:
            x = np.asarray(x_axis.values, dtype=np.float64)
        for index, (name, row) in enumerate(groups):
            color = PALETTE[index % len(PALETTE)]
            m, s = finite_or_nan(mean[row]), finite_or_nan(std[row])
            lower, upper = m - s, m + s
            if x_axis.categorical:
                # categories have no order: error bars, no band and no connecting line
                bars = pg.ErrorBarItem(x=x, y=np.nan_to_num(m), height=2 * np.nan_to_num(s), beam=0.15,
                                       pen=pg.mkPen(color, width=1.5))
                self.plot.addItem(bars)
            elif np.all(np.isfinite(lower)) and np.all(np.isfinite(upper)) and np.any(s > 0):
                low_item = pg.PlotDataItem(x, lower)
                high_item = pg.PlotDataItem(x, upper)
                fill = QColor(color)
                fill.setAlpha(55)
                band = pg.FillBetweenItem(low_item, high_item, brush=pg.mkBrush(fill))
                self.plot.addItem(band)
            legend = name or names(PARAMETER_LABELS[x_axis.name][0])
            item = self.plot.plot(x, m, name=name, connect="finite", symbol="o", symbolSize=6,
                                  symbolBrush=color, symbolPen=color)
            if x_axis.categorical:
                item.setPen(None)
                item.setSymbolSize(10)
            else:
                self.pen(item, color)
            restyle_symbols([item], self.style)
            # grid point index of each x for clicks
            if len(spec.axes) == 1:
                item.point_indices = np.arange(len(x))
            else:
                n_second = len(spec.axes[1].values)
                item.point_indices = np.array([row * n_second + i if numeric_axis == 1 else i * n_second + row
                                               for i in range(len(x))])
            item.sigPointsClicked.connect(self._on_points_clicked)
            self.lines[legend] = item

    def _draw_reach_limit(self) -> None:
        """The longest measurable reach, T − t₀, as a dashed line, and a hollow △ round each mean that is a
        lower bound (a seed reached that limit), read from the lines just drawn (their grid points:
        ``point_indices``). Along the lines T − t₀ varies with x only: the other axis is
        categorical, and no categorical parameter changes T or t₀."""
        limits, at_limit = self.result.spec.reach_limits().ravel(), self._at_limit.ravel()
        spots = []
        for index, item in enumerate(self.lines.values()):
            x, mean = item.getData()
            points = item.point_indices
            pen = pg.mkPen(PALETTE[index % len(PALETTE)], width=1.5)
            # on the mean (below the limit where only some seeds reached it)
            spots += [{"pos": (x[i], mean[i]), "pen": pen} for i in np.flatnonzero(at_limit[points])]
        ceiling = self.plot.plot(x, limits[points], name=self.tr("longest measurable reach, T − t₀"))
        self.pen(ceiling, "#777777", "dash", scale=0.6)
        self.reach_limit = ceiling
        # hollow, round the mean's dot: the dot stays visible inside
        marks = pg.ScatterPlotItem(symbol="t1", brush=None, pen=pg.mkPen("#777777", width=1.5),
                                   name=self.tr("a lower bound: reach ≥ T − t₀"))
        marks.addPoints(spots)
        self.marker(marks, scale=2.2)
        self.plot.addItem(marks)
        self.lower_bounds = marks

    def _draw_heatmap(self, spec: SweepSpec, mean, metric: str) -> None:
        first, second = spec.axes
        self.heatmap = Heatmap(self.plot, "viridis", _metric_label(metric), few_ticks=True)
        self.heatmap.set_data(mean)
        self._heat_shape = mean.shape
        for axis_name, axis in (("bottom", second), ("left", first)):
            count = len(axis.values)
            step = max(1, int(np.ceil(count / 8)))
            self.plot.getAxis(axis_name).setTicks(
                [[(i, _value_text(v)) for i, v in enumerate(axis.values) if i % step == 0 or i == count - 1]])
        self.plot.setRange(xRange=(-0.5, len(second.values) - 0.5), yRange=(-0.5, len(first.values) - 0.5),
                           padding=0)
        if mean.size <= 64:  # small grids: write the numbers into the cells
            low, high = finite_range(mean)
            for (row, col), value in np.ndenumerate(mean):
                bright = np.isfinite(value) and (value - low) > 0.6 * (high - low)
                # a lower bound: a seed still reached the threshold at the sequence's end
                bound = "≥" if self._at_limit is not None and self._at_limit[row, col] else ""
                label = pg.TextItem(f"{bound}{value:.3g}", color="k" if bright else "w", anchor=(0.5, 0.5))
                label.setPos(col, row)
                self.plot.addItem(label)

    # -- interaction -------------------------------------------------------------------------------
    def _hover_text(self, x: float, y: float) -> str:
        if self.result is None:
            return ""
        point = self._heat_point(x, y) if self.heatmap is not None else self._nearest_line_point(x, y)
        if point is None:
            return ""
        return self._describe_point(point)

    def _nearest_line_point(self, x: float, y: float) -> int | None:
        """Grid point of the line whose value at the x nearest to the pointer is closest to it."""
        best, best_distance = None, np.inf
        for item in self.lines.values():
            xs, ys = item.getData()
            if xs is None or len(xs) == 0:
                continue
            index = int(np.argmin(np.abs(xs - x)))
            distance = abs(ys[index] - y) if np.isfinite(ys[index]) else np.inf
            if distance < best_distance:
                best, best_distance = int(item.point_indices[index]), distance
        return best

    def _heat_point(self, x: float, y: float) -> int | None:
        rows, cols = self._heat_shape
        col, row = int(np.floor(x + 0.5)), int(np.floor(y + 0.5))
        if 0 <= row < rows and 0 <= col < cols:
            return row * cols + col
        return None

    def _describe_point(self, point: int) -> str:
        spec = self.result.spec
        values = spec.point_values()[point]
        where = ", ".join(f"{a.name}={_value_text(v)}" for a, v in zip(spec.axes, values))
        index = np.unravel_index(point, spec.shape)
        m, s = self.result.mean[self.metric_name][index], self.result.std[self.metric_name][index]
        at_limit = 0 if self._at_limit is None else int(self._at_limit[index])
        if at_limit == spec.seeds:
            return self.tr("{0}: {1} ≥ {2:.4g}: still above the threshold at the last step; a longer T "
                           "measures further  (click to open in the explorer)").format(
                where, _short_metric(self.metric_name), m)
        if at_limit:
            return self.tr("{0}: {1} ≥ {2:.4g} ± {3:.2g}: {4} of {5} seeds still above the threshold at "
                           "the last step  (click to open in the explorer)").format(
                where, _short_metric(self.metric_name), m, s, at_limit, spec.seeds)
        return self.tr("{0}: {1} = {2:.4g} ± {3:.2g}  (click to open in the explorer)").format(
            where, _short_metric(self.metric_name), m, s)

    def _on_points_clicked(self, item, points, *_event) -> None:
        if len(points):
            point = int(item.point_indices[points[0].index()])
            self.readout.setText(self._describe_point(point))
            self.point_clicked.emit(point)

    def _on_scene_click(self, event) -> None:
        if self.heatmap is None or self.result is None:
            return
        if not self.plot.vb.sceneBoundingRect().contains(event.scenePos()):
            return
        view = self.plot.vb.mapSceneToView(event.scenePos())
        point = self._heat_point(view.x(), view.y())
        if point is not None:
            self.point_clicked.emit(point)

    # -- export ------------------------------------------------------------------------------------
    def save_image(self, path, width: int = 1200) -> Path:
        from rnnviz.app.export import export_image

        return export_image(self, path, width=width if Path(path).suffix.lower() == ".png" else None)

    def show_fast(self, fast) -> None:  # not an explorer panel; nothing to do
        pass


SIDE_WIDTH = 380
SIDE_WIDTH_PRESENTATION = 500   # "0.5:1.5:21" in full at lecture font sizes


def _sweep_events(spec: SweepSpec, workers: int, scheduler: str | None, should_stop):
    """The sweep's events: here with ``workers`` processes, or on the Dask cluster of ``scheduler``."""
    if scheduler is None:
        return iter_sweep(spec, workers=workers, should_stop=should_stop)
    from rnnviz.core.cluster import iter_cluster_sweep  # Dask is optional: imported only when asked for

    return iter_cluster_sweep(spec, scheduler, should_stop=should_stop)


class ExperimentsPanel(QWidget):
    """Sweep controls, progress, the result plot and export. Reads the base configuration from ``state``.

    Signals:
        open_config(ExperimentConfig): the user clicked a point; open this configuration in the explorer.
        sweep_finished(SweepResult)
    """

    open_config = Signal(object)
    sweep_finished = Signal(object)

    def __init__(self, state=None, runner: JobRunner | None = None, parent: QWidget | None = None,
                 settings: Settings | None = None):
        super().__init__(parent)
        self.setObjectName("experiments_panel")
        self.state = state
        self.settings = settings if settings is not None else Settings()
        self.runner = runner if runner is not None else JobRunner(self)
        self.result: SweepResult | None = None
        self.spec: SweepSpec | None = None
        self.job_id: int | None = None
        self.running_scheduler: str | None = None  # the scheduler of the sweep that runs (None: here)

        self.first_param = QComboBox()
        self.first_values = QLineEdit()
        self.second_enabled = QCheckBox(self.tr("and"))
        self.second_param = QComboBox()
        self.second_values = QLineEdit()
        for combo in (self.first_param, self.second_param):
            combo.addItems(list(SWEEPABLE))
        self.first_param.currentTextChanged.connect(lambda n: self.first_values.setText(DEFAULT_VALUES[n]))
        self.second_param.currentTextChanged.connect(lambda n: self.second_values.setText(DEFAULT_VALUES[n]))
        self.second_enabled.toggled.connect(self._update_enabled)
        for edit in (self.first_values, self.second_values):
            edit.setToolTip(self.tr("a range start:stop:num (both ends included) or a list a,b,c"))
        self.seeds = QSpinBox()
        self.seeds.setRange(1, 100)
        self.seeds.setValue(3)
        self.threshold = QLineEdit("1e-6")
        self.threshold.setToolTip(self.tr("gradient reach = largest k with ‖∂s(t₀+k)/∂s(t₀)‖₂ ≥ threshold"))
        self.workers = QSpinBox()
        self.workers.setRange(1, max(64, default_workers()))
        self.workers.setValue(default_workers())
        self.workers.setToolTip(self.tr("processes on this machine (not used when a scheduler is set)"))
        self.scheduler = QLineEdit(self.settings.sweep_scheduler())
        self.scheduler.setPlaceholderText(self.tr("this machine"))
        self.scheduler.setClearButtonEnabled(True)
        self.scheduler.setToolTip(
            self.tr("Address of a Dask scheduler (tcp://host:8786) to run the sweep on its cluster, with the "
            "same results as here; empty runs it on this machine. Needs pip install 'rnnviz[cluster]' "
            "here and rnnviz on the workers. Remembered between sessions."))
        self.scheduler.textChanged.connect(self._update_enabled)
        self.scheduler.editingFinished.connect(self._remember_scheduler)
        self.metric_box = QComboBox()
        for metric in METRICS:
            self.metric_box.addItem(_metric_label(metric), metric)
        self.metric_box.currentIndexChanged.connect(self._redraw)
        self.run_button = QPushButton(self.tr("Run"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.eta = EtaEstimator()
        self.status = QLabel(self.tr("Sweep parameters of the explorer's configuration; the rest stays as set there."))
        self.status.setWordWrap(True)
        self.export_csv_button = QPushButton(self.tr("CSV…"))
        self.export_png_button = QPushButton(self.tr("PNG…"))
        self.export_svg_button = QPushButton(self.tr("SVG…"))
        self.export_csv_button.clicked.connect(lambda: self._export_dialog("csv"))
        self.export_png_button.clicked.connect(lambda: self._export_dialog("png"))
        self.export_svg_button.clicked.connect(lambda: self._export_dialog("svg"))
        self.plot = SweepPlot()
        self.plot.point_clicked.connect(self._on_point_clicked)

        form = QFormLayout()
        form.addRow(self.tr("Vary"), self._row(self.first_param, self.first_values))
        form.addRow(self.second_enabled, self._row(self.second_param, self.second_values))
        form.addRow(self.tr("Seeds"), self.seeds)
        form.addRow(self.tr("Threshold"), self.threshold)
        form.addRow(self.tr("Workers"), self.workers)
        form.addRow(self.tr("Scheduler"), self.scheduler)
        form.addRow(self.tr("Show"), self.metric_box)
        buttons = self._row(self.run_button, self.cancel_button)
        export = self._row(QLabel(self.tr("Export")), self.export_csv_button, self.export_png_button,
                           self.export_svg_button)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(buttons)
        side.addWidget(self.progress)
        side.addWidget(self.status)
        side.addStretch(1)
        side.addWidget(export)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setMaximumWidth(SIDE_WIDTH)
        self.side = side_widget
        layout = QHBoxLayout(self)
        layout.addWidget(side_widget)
        layout.addWidget(self.plot, 1)

        self.runner.job_event.connect(self._on_event)
        self.runner.job_finished.connect(self._on_finished)
        self.runner.job_failed.connect(self._on_failed)
        self.runner.job_cancelled.connect(self._on_cancelled)
        # The lecturer's figure out of the box: reach vs rho for three cells.
        self.first_param.setCurrentText("cell")
        self.first_values.setText(DEFAULT_VALUES["cell"])
        self.second_param.setCurrentText("radius")
        self.second_values.setText(DEFAULT_VALUES["radius"])
        self.second_enabled.setChecked(True)
        self._update_enabled()
        self._set_running(False)

    @staticmethod
    def _row(*widgets) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            layout.addWidget(widget, 1 if isinstance(widget, QLineEdit) else 0)
        return row

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.plot.apply_style_set_while_not_shown()

    def set_presentation(self, on: bool) -> None:
        """Lecture font sizes: the plot's style, and room for the value fields at that size."""
        self.side.setMaximumWidth(SIDE_WIDTH_PRESENTATION if on else SIDE_WIDTH)
        self.plot.set_presentation(on)

    def _update_enabled(self) -> None:
        on = self.second_enabled.isChecked()
        self.second_param.setEnabled(on)
        self.second_values.setEnabled(on)
        self.workers.setEnabled(not self.scheduler.text().strip())

    def _remember_scheduler(self) -> None:
        self.settings.set_sweep_scheduler(self.scheduler.text())

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        has_result = self.result is not None and not running
        for button in (self.export_csv_button, self.export_png_button, self.export_svg_button):
            button.setEnabled(has_result)

    # -- the sweep definition ------------------------------------------------------------------------
    def base_config(self) -> ExperimentConfig:
        return self.state.config if self.state is not None else ExperimentConfig()

    def build_spec(self) -> SweepSpec:
        """The SweepSpec the controls describe (ConfigError with one line if they do not)."""
        axes = [SweepAxis(self.first_param.currentText(),
                          parse_values(self.first_param.currentText(), self.first_values.text()))]
        if self.second_enabled.isChecked():
            axes.append(SweepAxis(self.second_param.currentText(),
                                  parse_values(self.second_param.currentText(), self.second_values.text())))
        try:
            threshold = float(self.threshold.text())
        except ValueError:
            raise ConfigError("threshold must be a number, got {value1!r}", value1=self.threshold.text()) from None
        # Categorical first: one line per value over the numeric parameter.
        if len(axes) == 2 and axes[1].categorical and not axes[0].categorical:
            axes.reverse()
        return SweepSpec(base=self.base_config(), axes=tuple(axes), seeds=self.seeds.value(),
                         metrics=METRICS, threshold=threshold).validate()

    def sweep_definition(self) -> dict:
        """What the session file stores: the controls (and the last spec that ran)."""
        data = {"first": {"name": self.first_param.currentText(), "values": self.first_values.text()},
                "second": {"name": self.second_param.currentText(), "values": self.second_values.text(),
                           "enabled": self.second_enabled.isChecked()},
                "seeds": self.seeds.value(), "threshold": self.threshold.text(),
                "metric": self.metric_box.currentData()}
        if self.spec is not None:
            data["spec"] = self.spec.to_dict()
        return data

    def set_sweep_definition(self, data: dict) -> bool:
        """Restore :meth:`sweep_definition`; anything invalid is reported and changes nothing."""
        try:
            first, second = data["first"], data["second"]
            names = (first["name"], second["name"])
            if any(name not in SWEEPABLE for name in names):
                raise ConfigError("unknown swept parameter in {names}", names=names)
            parse_values(first["name"], first["values"])
            seeds = int(data.get("seeds", 3))
            metric = data.get("metric", METRICS[0])
            spec = SweepSpec.from_dict(data["spec"]) if "spec" in data else None
        except (KeyError, TypeError, ValueError) as error:
            self.status.setText(self.tr("Sweep definition not restored: {0}").format(translated(error)))
            return False
        self.first_param.setCurrentText(first["name"])
        self.first_values.setText(str(first["values"]))
        self.second_param.setCurrentText(second["name"])
        self.second_values.setText(str(second["values"]))
        self.second_enabled.setChecked(bool(second.get("enabled", True)))
        self.seeds.setValue(seeds)
        self.threshold.setText(str(data.get("threshold", "1e-6")))
        index = self.metric_box.findData(metric)
        if index >= 0:
            self.metric_box.setCurrentIndex(index)
        self.spec = spec
        return True

    # -- running -------------------------------------------------------------------------------------
    def run(self) -> int | None:
        """Start the sweep the controls describe; returns the job id (None if the input is invalid)."""
        try:
            spec = self.build_spec()
        except (ConfigError, ValueError) as error:
            self.status.setText(self.tr("Not started: {0}").format(translated(error)))
            return None
        workers = self.workers.value()
        scheduler = self.scheduler.text().strip() or None
        self._remember_scheduler()
        self.running_scheduler = scheduler
        self.spec = spec
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("0/{0} runs").format(spec.num_runs))
        self.eta.start()
        if scheduler is None:
            self.status.setText(self.tr("Running {0} runs on {1} worker(s)…").format(spec.num_runs, min(workers, spec.num_runs)))
        else:
            self.status.setText(self.tr("Running {0} runs on the Dask cluster at {1}…").format(spec.num_runs, scheduler))
        # The job connects (with a timeout) and runs off the UI thread; an unreachable scheduler
        # fails the job with one line before any run starts.
        self.job_id = self.runner.start(SWEEP_LANE, lambda should_stop: _sweep_events(spec, workers, scheduler,
                                                                                   should_stop))
        self._set_running(True)
        return self.job_id

    def cancel(self) -> None:
        if self.runner.is_running(SWEEP_LANE):
            self.runner.cancel(SWEEP_LANE)
            self.status.setText(self.tr("Cancelled."))
        self.job_id = None
        self._set_running(False)

    def _on_event(self, lane: str, job_id: int, event) -> None:
        if lane != SWEEP_LANE or not isinstance(event, SweepProgress):
            return
        self.progress.setValue(int(1000 * event.fraction))
        if event.result is None:
            left = format_time_left(self.eta.update(event.done / max(1, event.total)))
            self.progress.setFormat(self.tr("{0}/{1} runs").format(event.done, event.total) + (f" · {left}" if left else ""))
        else:
            self.progress.setFormat(self.tr("%p%"))
            self.show_result(event.result)
            where = self.tr(" of the Dask cluster at {0}").format(self.running_scheduler) if self.running_scheduler else ""
            self.status.setText(self.tr("{0} runs in {1:.1f} s on {2} worker(s){3}. Click a point to open it in the explorer.").format(event.total, event.result.seconds, event.result.workers, where))
            self.sweep_finished.emit(event.result)

    def _on_finished(self, lane: str, job_id: int, _result) -> None:
        if lane == SWEEP_LANE:
            self.job_id = None
            self._set_running(False)

    def _on_failed(self, lane: str, job_id: int, message: str) -> None:
        if lane == SWEEP_LANE:
            self.job_id = None
            self.status.setText(self.tr("Sweep failed: {0}").format(message))
            self._set_running(False)

    def _on_cancelled(self, lane: str, job_id: int) -> None:
        if lane == SWEEP_LANE:
            self.job_id = None
            self.status.setText(self.tr("Cancelled."))
            self._set_running(False)

    def show_result(self, result: SweepResult) -> None:
        self.result = result
        self.spec = result.spec
        self._redraw()

    def _redraw(self) -> None:
        if self.result is not None:
            self.plot.show_result(self.result, self.metric_box.currentData())

    def _on_point_clicked(self, point: int) -> None:
        if self.result is not None:
            self.open_config.emit(self.result.spec.config_at(point, 0))

    # -- export --------------------------------------------------------------------------------------
    def export(self, path) -> list[Path]:
        """Write the result: .csv (rows, plus <stem>_summary.csv), .png or .svg (the plot)."""
        if self.result is None:
            raise ValueError(self.tr("run a sweep first"))
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            summary = path.with_name(f"{path.stem}_summary.csv")
            atomic_write_text(path, self.result.rows_csv())
            atomic_write_text(summary, self.result.summary_csv())
            return [path, summary]
        if suffix in (".png", ".svg"):
            return [self.plot.save_image(path)]
        raise ValueError(self.tr("unknown export format {0!r}; use .csv, .png or .svg").format(path.suffix))

    def _export_dialog(self, kind: str) -> None:
        filters = {"csv": self.tr("CSV table (*.csv)"), "png": self.tr("PNG image (*.png)"),
                   "svg": self.tr("SVG image (*.svg)")}
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export sweep"), os.path.join(os.getcwd(), f"sweep.{kind}"),
                                              filters[kind])
        if not path:
            return
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        try:
            written = self.export(path)
        except (OSError, ValueError) as error:
            self.status.setText(self.tr("Export failed: {0}").format(translated(error)))
            return
        self.status.setText(self.tr("Wrote {0}").format(", ".join(p.name for p in written)))


__all__ = ["SweepPlot", "ExperimentsPanel", "SWEEP_LANE", "format_values"]

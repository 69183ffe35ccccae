"""Plot 3 — gates: units × time heatmap per gate, their per-step mean and saturation fraction."""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer

from rnnviz.app.i18n import names
from rnnviz.app.plots.base import PALETTE, Heatmap, PlotPanel, line_height, prepared_heatmap, space_value_ticks
from rnnviz.app.plots.boundary import EncoderBoundary

GATE_TITLES = {
    "i": QT_TRANSLATE_NOOP("Names", "input gate i"), "f": QT_TRANSLATE_NOOP("Names", "forget gate f"), "g": QT_TRANSLATE_NOOP("Names", "candidate g"), "o": QT_TRANSLATE_NOOP("Names", "output gate o"),
    "r": QT_TRANSLATE_NOOP("Names", "reset gate r"), "z": QT_TRANSLATE_NOOP("Names", "update gate z"), "n": QT_TRANSLATE_NOOP("Names", "candidate n"), "h": QT_TRANSLATE_NOOP("Names", "hidden h"),
}
SIGMOID_GATES = ("i", "f", "o", "r", "z")
# height of a gate's heatmap, at least (25, not 26: the first row's minimum now holds its title's
# whole 30 px row, and the panel no higher than before leaves the unrolled network's third row of
# "All plots" its labels in Chinese at 1600×1000)
MIN_ROW_PX = 25
MIN_SUMMARY_PX = 34  # height of the mean/saturation plot area, at least (two value ticks and the curves)
TITLE_ROW_PX = 30  # the row pyqtgraph gives a plot's title (PlotItem.setTitle fixes it)
FREE_ROW_PX = 3.4028234663852886e38  # a grid row's maximum height when none is set (FLT_MAX)
#: While the build of new rows waits (PlotPanel.build_waits), it looks again this often (ms), and
#: waits no longer than BUILD_WAIT_LIMIT_S after the build began.
BUILD_WAIT_MS = 5
BUILD_WAIT_LIMIT_S = 0.4


def _grid_row(index: int) -> int:
    """The panel's grid row of gate row ``index`` (then the summary, then its legend): row 0 is the
    title's, spanned by the first gate's plot with row 1."""
    return index + 1


class GatesPanel(PlotPanel):
    name = "gates"
    forward_only = True
    title = QT_TRANSLATE_NOOP("Names", "Gates")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.gate_names: tuple[str, ...] = ()
        self.heatmaps: dict[str, Heatmap] = {}
        self.mean_curves = {}
        self.saturation_curves = {}
        self.summary = None
        self._gate_plots = []
        self.note = None
        self._time_plots: list[pg.PlotItem] = []  # heatmaps and summary: one time axis
        self._linking = False
        self._spacer = None
        self.boundary = EncoderBoundary(self)
        self._built = False
        self._kept_layouts: dict[tuple[str, ...], tuple] = {}   # gate names -> rows, state, style
        self._building = None   # the generator of a staged build (_rebuild), None when none runs
        self._build_started = 0.0   # time.monotonic() when it began
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_next_row)

    #: What a built layout consists of besides its items: kept aside with them (see _rebuild).
    _LAYOUT_STATE = ("_labelled", "_hover", "_pens", "_external_legends", "_heatmaps", "heatmaps", "mean_curves",
                     "saturation_curves", "summary", "summary_legend", "_gate_plots", "_time_plots", "_spacer",
                     "note")

    def _keep_layout(self) -> None:
        """Take the current layout's rows out of the panel, whole, for :meth:`_restore_layout`."""
        layout = self.graphics.ci
        self.boundary.drop(self._time_plots)
        rows = []
        for item, cells in list(layout.items.items()):
            row, col = min(cells)
            rowspan = max(r for r, _c in cells) - row + 1
            colspan = max(c for _r, c in cells) - col + 1
            rows.append((item, row, col, rowspan, colspan))
            layout.removeItem(item)
        state = {name: getattr(self, name, None) for name in self._LAYOUT_STATE}
        self._kept_layouts[self.gate_names] = (rows, state, dict(self.style))

    def _restore_layout(self, gate_names: tuple[str, ...]) -> None:
        rows, state, style = self._kept_layouts.pop(gate_names)
        for item, row, col, rowspan, colspan in rows:
            self.graphics.ci.addItem(item, row, col, rowspan, colspan)
        for name, value in state.items():
            setattr(self, name, value)
        self.gate_names = gate_names
        self._stretch_rows(len(gate_names))
        if style != self.style:   # presentation mode changed meanwhile
            self.restyle(force=True)

    def _rebuild(self, gate_names: tuple[str, ...], staged: bool = False) -> None:
        """Rows for ``gate_names``. A layout built before is shown again rather than built anew:
        building an LSTM's four heatmap rows with their colour bars and the summary took 150-350 ms
        of the UI thread (the return from an Elman RNN to the default LSTM stalled 545 ms).

        A layout never built before is built at once, or with ``staged`` one row per turn of the
        event loop (:meth:`_build_rows` runs a step per turn, see :attr:`building`): the first switch
        to a GRU built its three rows and summary in one go, a 110-150 ms gap of the UI thread. The
        rows of the cell shown before leave the panel at once either way."""
        if self._built:
            self._keep_layout()
        self._built = True
        if gate_names in self._kept_layouts:
            self._restore_layout(gate_names)
            return
        rows = self._build_rows(gate_names)
        self.gate_names = gate_names   # now: the generator sets it only on its first step
        if staged:
            self._building = rows
            # the panel's pixels stay those of the cell shown before until the new rows are all
            # built and hold their data: one paint, not one of a half-built panel per turn (each
            # ~20 ms beside the other panels' staggered repaints after the first switch to a GRU)
            self.graphics.setUpdatesEnabled(False)
            self._build_started = time.monotonic()
            self._build_timer.start()
        else:
            for _row in rows:
                pass

    @property
    def building(self) -> bool:
        """Whether rows are still being built (the data are shown once they all are)."""
        return self._building is not None

    def _build_next_row(self) -> None:
        if self.build_waits() and time.monotonic() - self._build_started < BUILD_WAIT_LIMIT_S:
            # the other panels' staggered repaints first, each in a turn of its own: a row built in
            # the same turn as another panel's draw and paint made the first switch to a GRU stall
            # 124 ms (a row 28 ms of UI CPU, the spectrum's draw and paint 27 ms more). Not for
            # longer than the limit: at large H·T every result is staggered, and a slider dragged
            # right after the switch would keep the previous cell's gates on screen.
            self._build_timer.start(BUILD_WAIT_MS)
            return
        self._build_timer.setInterval(0)
        try:
            next(self._building)
        except StopIteration:
            self._building = None
            self.graphics.lay_out_held()
            self._show_data(self.fast)
            self.settle()
            self.graphics.setUpdatesEnabled(True)
        else:
            self._build_timer.start()

    def _finish_building(self) -> None:
        """The rest of a staged build now (a result for another cell came before it ended)."""
        self._build_timer.stop()
        rows, self._building = self._building, None
        for _row in rows:
            pass
        self.graphics.lay_out_held()
        self.graphics.setUpdatesEnabled(True)

    def _build_rows(self, gate_names: tuple[str, ...]):
        """Build the layout of ``gate_names`` in the panel; a generator that pauses after each row."""
        self._labelled = []
        self._hover = []
        self._pens = []
        self._external_legends = []
        self._heatmaps = []
        self.heatmaps = {}
        self.mean_curves = {}
        self.saturation_curves = {}
        self.gate_names = gate_names
        self._gate_plots = []
        self._time_plots = []
        self._spacer = None
        self.note = None
        if not gate_names:
            # The Elman RNN has no gates: say so instead of showing an empty panel.
            self.note = self.graphics.addLabel(
                self.tr("<b>The Elman RNN has no gates.</b><br>Its only nonlinearity is φ in<br>"
                        "hₜ = φ(W<sub>ih</sub>xₜ + W<sub>hh</sub>hₜ₋₁ + b).<br>See the hidden state (plot 6)<br>"
                        "for saturated or dead units,<br>and the spectrum for γ·σ<sub>max</sub>."),
                row=0, col=0, size=f"{self.style['font_pt'] + 2}pt", color="#333333")
            self.summary = None
            self._stretch_rows(0)
            return
        # One column: time runs along x in every row, so the rows line up step for step.
        for index, gate in enumerate(gate_names):
            title = self.tr("Gates (units × time)") if index == 0 else ""
            # The first row's plot spans a row of its own above it, as high as its title: its
            # heatmap is as high as the others (sharing the rows' height with its title, it was
            # 16-20 % lower: 134 px beside 161 px with the gates shown alone at 1600×1000).
            plot = self.add_plot(0 if index == 0 else _grid_row(index), 0, title, ("", None), (gate, None),
                                 left_axis_chars=4.0, hide_x_values=True, whole_x=True, whole_y=True,
                                 hover=lambda x, y, gate=gate: self._hover_heatmap(gate, x, y),
                                 rowspan=2 if index == 0 else 1)
            if gate in SIGMOID_GATES:
                self.heatmaps[gate] = self.register_heatmap(Heatmap(plot, "viridis", None, levels=(0.0, 1.0), few_ticks=True))
            else:
                self.heatmaps[gate] = self.register_heatmap(Heatmap(plot, "CET-D1", None, symmetric=True, few_ticks=True))
            # its first and last unit labelled however close to the row's edges they lie
            plot.getAxis("left").labels_inside = True
            # Rows never thinner than MIN_ROW_PX (plus the title's room in the first row).
            plot.setMinimumHeight(MIN_ROW_PX + 6 + (TITLE_ROW_PX if title else 0))
            self._gate_plots.append(plot)
            yield
        # No title: the legend says which line is what (a title row costs the heatmaps their height).
        self.summary = self.add_plot(_grid_row(len(gate_names)), 0, "", (self.tr("time t"), "step"), ("", None), left_axis_chars=4.0,
                                     hover=self._hover_summary, steady_y=True, whole_x=True)
        # Compact: its six entries in one row of a third of a 1264×672 window (two rows made the
        # panel taller than the row of plots it shares).
        self.summary_legend = self.add_legend_row(_grid_row(len(gate_names) + 1), 0, compact=True)
        yield
        # The heatmaps have colour bars on their right, the summary an empty cell as wide: their
        # plot areas have the same width, so a step is at the same place in every row.
        self._spacer = pg.GraphicsWidget()
        self._spacer.setParentItem(self.summary)
        self.summary.layout.addItem(self._spacer, 2, 5)
        self.summary.layout.setColumnFixedWidth(4, 5)
        # One time axis: a zoom or pan in any row moves all rows (in data units, not pixels, so a
        # row laid out while hidden cannot pull the others to a range of its own).
        self._time_plots = self._gate_plots + [self.summary]
        for plot in self._time_plots:
            plot.vb.sigXRangeChanged.connect(lambda _vb, x_range, plot=plot: self._follow_time_axis(plot, x_range))
        # Its plot area at least MIN_SUMMARY_PX high under its time axis (set in restyle); at 1280×720
        # the rows above and the legend take the rest (CJK text makes the window's menu, status bar
        # and buttons taller, and the panel shorter).
        # its end labels moved inside rather than left out (a row 35 px high had room for "0.5" alone)
        self.summary.getAxis("left").labels_inside = True
        self.summary.vb.sigResized.connect(self._space_summary_ticks)
        self.summary.vb.sigYRangeChanged.connect(self._space_summary_ticks)
        self._stretch_rows(len(gate_names))
        # Legend: one entry per gate (its colour), and what the solid and dashed lines are.
        with self.summary_legend.batch():
            for index, gate in enumerate(gate_names):
                color = PALETTE[index % len(PALETTE)]
                self.mean_curves[gate] = self.pen(self.summary.plot(), color)
                self.summary_legend.addItem(self.mean_curves[gate], gate)
                if gate in SIGMOID_GATES:
                    self.saturation_curves[gate] = self.pen(self.summary.plot(), color, "dash", 0.7)
            # Data-less lines stand in for the two line styles.
            self.summary_legend.addItem(self.pen(pg.PlotDataItem(), "#555555"), self.tr("mean"))
            if self.saturation_curves:
                self.summary_legend.addItem(self.pen(pg.PlotDataItem(), "#555555", "dash", 0.7), self.tr("saturated"))
        yield   # the restyle of every row, the layout and the data in the next turn (one turn: 45 ms)
        self.restyle(force=True)

    def _stretch_rows(self, gates: int) -> None:
        """The heatmap rows and the summary share the panel's height alike; the title's row above
        them stays as high as the first plot's title (see :func:`_grid_row`)."""
        layout = self.graphics.ci.layout
        if not gates:   # the Elman RNN's note alone, in row 0
            layout.setRowMinimumHeight(0, 0)
            layout.setRowPreferredHeight(0, 0)
            layout.setRowMaximumHeight(0, FREE_ROW_PX)
            layout.setRowStretchFactor(0, 1)
            return
        layout.setRowStretchFactor(0, 0)
        for index in range(gates + 1):
            layout.setRowStretchFactor(_grid_row(index), 1)
        self._fit_title_row()

    def _fit_title_row(self) -> None:
        """The title's row of the grid as high as the first plot's own title row less the grid's
        spacing: the first plot spans it and the first heatmap row, so its plot area is as high as
        each row below. pyqtgraph fixes a title's row at 30 px; a lecture-size title is higher (its
        label's minimum height wins: 46 px)."""
        if not self._gate_plots:
            return
        first = self._gate_plots[0]
        layout = self.graphics.ci.layout
        title_px = max(first.layout.rowMaximumHeight(0), first.titleLabel.minimumHeight()) \
            if first.titleLabel.isVisible() else 0.0
        height = max(0.0, title_px - layout.verticalSpacing())
        if layout.rowMaximumHeight(0) != height or layout.rowMinimumHeight(0) != height:
            layout.setRowFixedHeight(0, height)

    def fit_text(self, plot: pg.PlotItem) -> None:
        super().fit_text(plot)
        if self._gate_plots and plot is self._gate_plots[0]:
            self._fit_title_row()   # a title shrunk to the room it has: its label is lower

    def restyle(self, force: bool = False) -> None:
        super().restyle(force)
        if self._gate_plots:
            self._fit_title_row()
        if self._spacer is not None and self.heatmaps:
            colorbar = next(iter(self.heatmaps.values())).colorbar
            self._spacer.setFixedWidth(colorbar.effectiveSizeHint(Qt.SizeHint.PreferredSize).width())
        if self.summary is not None:
            # room for two value labels at the style's font (a lecture font needs more than 34 px)
            summary_px = max(MIN_SUMMARY_PX, 2.2 * line_height(self.style["font_pt"]))
            self.summary.setMinimumHeight(self.summary.getAxis("bottom").minimumHeight() + summary_px)

    def _follow_time_axis(self, source: pg.PlotItem, x_range) -> None:
        if self._linking:
            return
        self._linking = True
        try:
            for plot in self._time_plots:
                if plot is not source:
                    plot.setXRange(*x_range, padding=0)
        finally:
            self._linking = False

    def _zoomed_by_user(self, plot) -> None:
        # A zoom of the time axis in one row is a zoom of all rows.
        for other in self._time_plots if plot in self._time_plots else [plot]:
            super()._zoomed_by_user(other)

    def fit_ranges(self) -> None:
        """Steps 1..T on the time axis of every row, all units of every heatmap."""
        if self.fast is None or not self.gate_names or self._building is not None:
            return
        steps = np.asarray(self.fast.gates[self.gate_names[0]]).shape[0]
        units = np.asarray(self.fast.gates[self.gate_names[0]]).shape[1]
        for plot in self._gate_plots:
            self.set_view_range(plot, x_range=(0.5, steps + 0.5), y_range=(-0.5, units - 0.5))
        self.set_view_range(self.summary, x_range=(0.5, steps + 0.5))

    def heatmap_plots(self) -> list:
        return list(self._gate_plots)

    def show_fast(self, fast) -> None:
        self.fast = fast
        gate_names = tuple(fast.gates)
        if self._building is not None:
            if gate_names == self.gate_names:
                return   # shown once the rows are built
            self._finish_building()
        if gate_names != self.gate_names or (not gate_names and self.note is None):
            # Staged where rows of another cell are shown and this cell's were never built.
            staged = self._built and bool(gate_names) and gate_names not in self._kept_layouts
            self._rebuild(gate_names, staged=staged)
            if self._building is not None:
                return
        self._show_data(fast)

    def gates_title(self, net) -> tuple[str, str | None]:
        """The first row's title and its short form for network ``net``: the rows show layer 1's
        gates (the forward direction's), and a stacked or bidirectional network's title says so."""
        if net.bidirectional:
            return (self.tr("Gates, layer {0}, forward (units × time)").format(1),
                    self.tr("Gates, layer {0}, forward").format(1))
        if net.num_layers > 1:
            return self.tr("Gates, layer {0} (units × time)").format(1), self.tr("Gates, layer {0}").format(1)
        return self.tr("Gates (units × time)"), None

    def _show_data(self, fast) -> None:
        gate_names = self.gate_names
        if not gate_names:
            return
        title, short_title = self.gates_title(fast.net)
        first = self._gate_plots[0]
        if short_title != getattr(first, "short_title", None):
            first.short_title = short_title
            if getattr(first, "shown_text", None) is not None:
                first.shown_text.pop("title", None)
        self.set_title(first, title)
        for gate in gate_names:
            activations = np.asarray(fast.gates[gate])  # (T, H)
            # Rows = units, columns = steps 1..T.
            self.heatmaps[gate].set_data(activations.T, x0=1.0, y0=0.0,
                                         prepared=prepared_heatmap(fast, f"gate_{gate}"))
            units = activations.shape[1]
            # Short rows: label only the first and last unit so tick labels never overlap.
            self.heatmaps[gate].plot.getAxis("left").setTicks(
                [[(0, "0"), (units - 1, str(units - 1))] if units > 1 else [(0, "0")]])
            steps = np.arange(1, activations.shape[0] + 1, dtype=np.float64)
            self.mean_curves[gate].setData(steps, np.asarray(fast.gate_mean[gate], dtype=np.float64))
            if gate in self.saturation_curves and gate in fast.gate_saturation:
                self.saturation_curves[gate].setData(
                    steps, np.asarray(fast.gate_saturation[gate], dtype=np.float64))
        self.boundary.show(self._time_plots, fast)
        self.fit_ranges()

    def _hover_heatmap(self, gate: str, x: float, y: float) -> str:
        value = self.heatmaps[gate].value_at(x, y)
        if value is None:
            return ""
        return self.tr("{0}: t = {1}, unit {2}: {3:.3f}").format(names(GATE_TITLES.get(gate, gate)), int(round(x)),
                                                                int(round(y)), value)

    def _space_summary_ticks(self, *_args) -> None:
        """The summary row's value ticks as far apart as their text needs: in a row 30 pixels high
        pyqtgraph put "0.4 0.2 0 -0.2" on top of each other."""
        if self.summary is not None:
            space_value_ticks(self.summary)

    def _hover_summary(self, x: float, y: float) -> str:
        if self.fast is None or not self.gate_names:
            return ""
        step = int(round(x))
        seq_len = np.asarray(self.fast.gates[self.gate_names[0]]).shape[0]
        if not 1 <= step <= seq_len:
            return ""
        parts = [f"t = {step}"]
        for gate in self.gate_names:
            part = self.tr("{0}: mean {1:.3f}").format(gate, float(self.fast.gate_mean[gate][step - 1]))
            if gate in self.fast.gate_saturation:
                part += self.tr(", saturated {0:.0%}").format(float(self.fast.gate_saturation[gate][step - 1]))
            parts.append(part)
        return "   ".join(parts)

    def csv_tables(self):
        if self.fast is None:
            return {}
        tables = {}
        summary_columns, summary = ["t"], []
        for gate in self.gate_names:
            activations = np.asarray(self.fast.gates[gate], dtype=np.float64)  # (T, H)
            steps, units = np.meshgrid(np.arange(1, activations.shape[0] + 1),
                                       np.arange(activations.shape[1]), indexing="ij")
            tables[f"gate_{gate}"] = (["t", "unit", gate],
                                      np.column_stack([steps.ravel(), units.ravel(), activations.ravel()]))
            summary_columns.append(f"mean_{gate}")
            summary.append(np.asarray(self.fast.gate_mean[gate], dtype=np.float64))
            if gate in self.fast.gate_saturation:
                summary_columns.append(f"saturation_{gate}")
                summary.append(np.asarray(self.fast.gate_saturation[gate], dtype=np.float64))
        if summary:
            steps = np.arange(1, summary[0].size + 1, dtype=np.float64)
            tables["gates_summary"] = (summary_columns, np.column_stack([steps] + summary))
        return dict([("gates_summary", tables.pop("gates_summary"))] + list(tables.items())) if summary else tables


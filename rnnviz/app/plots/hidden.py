"""Plot 6 — hidden state: units × time heatmap of h (and of the cell state c for LSTM variants)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

import numpy as np

from rnnviz.app.plots.base import Heatmap, PlotPanel, prepared_heatmap
from rnnviz.app.plots.boundary import EncoderBoundary


class HiddenPanel(PlotPanel):
    name = "hidden"
    forward_only = True
    title = QT_TRANSLATE_NOOP("Names", "Hidden state")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.h_plot = self.add_plot(0, 0, self.tr("Hidden state hₜ (layer 1)"), (self.tr("time t"), "step"), ("unit", None), left_axis_chars=4.8,
                                    whole_x=True, whole_y=True,
                                    hover=lambda x, y: self._hover_state("h", x, y))
        self.h_map = self.register_heatmap(Heatmap(self.h_plot, "CET-D1", "hₜ", symmetric=True, min_half_range=1e-3))
        self.c_plot = None
        self.c_map = None
        self._kept_cell = None   # (plot, heatmap, its registry entries) while the cell has no cell state
        self.boundary = EncoderBoundary(self)

    def _ensure_cell_plot(self, wanted: bool) -> None:
        """The cell state's row for LSTMs. Taken out of the layout, not destroyed, when a cell has no
        cell state: building it again took 50-80 ms of the UI thread on the return to an LSTM."""
        if wanted and self.c_plot is None and self._kept_cell is not None:
            self.c_plot, self.c_map, (labelled, hover, style) = self._kept_cell
            self._kept_cell = None
            self.graphics.ci.addItem(self.c_plot, 1, 0)
            self._labelled.append(labelled)
            self._hover.append(hover)
            self._heatmaps.append(self.c_map)
            if style != self.style:   # presentation mode changed meanwhile
                self.restyle(force=True)
        elif wanted and self.c_plot is None:
            self.c_plot = self.add_plot(1, 0, self.tr("Cell state cₜ (layer 1)"), (self.tr("time t"), "step"), ("unit", None),
                                        left_axis_chars=4.8, whole_x=True, whole_y=True,
                                        hover=lambda x, y: self._hover_state("c", x, y))
            self.c_map = self.register_heatmap(Heatmap(self.c_plot, "CET-D1", "cₜ", symmetric=True, min_half_range=1e-3))
            self.restyle(force=True)
        elif not wanted and self.c_plot is not None:
            self.boundary.drop([self.c_plot])
            labelled = next(entry for entry in self._labelled if entry[0] is self.c_plot)
            hover = next(entry for entry in self._hover if entry[0] is self.c_plot)
            self._labelled = [entry for entry in self._labelled if entry[0] is not self.c_plot]
            self._hover = [entry for entry in self._hover if entry[0] is not self.c_plot]
            self._heatmaps = [heatmap for heatmap in self._heatmaps if heatmap is not self.c_map]
            self.graphics.ci.removeItem(self.c_plot)
            self._kept_cell = (self.c_plot, self.c_map, (labelled, hover, dict(self.style)))
            self.c_plot, self.c_map = None, None

    def show_fast(self, fast) -> None:
        self.fast = fast
        # (T+1, H) with index 0 = initial state: rows = units, columns = t = 0..T.
        self.h_map.set_data(np.asarray(fast.hidden).T, x0=0.0, y0=0.0, prepared=prepared_heatmap(fast, "hidden"))
        self._ensure_cell_plot(fast.cell is not None)
        if fast.cell is not None:
            self.c_map.set_data(np.asarray(fast.cell).T, x0=0.0, y0=0.0, prepared=prepared_heatmap(fast, "cell"))
        self.boundary.show([self.h_plot, self.c_plot], fast)

    def _hover_state(self, which: str, x: float, y: float) -> str:
        heatmap = self.h_map if which == "h" else self.c_map
        value = None if heatmap is None else heatmap.value_at(x, y)
        if value is None:
            return ""
        return self.tr("{0}: t = {1}, unit {2}: {3:.4g}").format(which, int(round(x)), int(round(y)), value)

    def csv_tables(self):
        if self.fast is None:
            return {}
        tables = {}
        for which, states in (("h", self.fast.hidden), ("c", self.fast.cell)):
            if states is None:
                continue
            states = np.asarray(states, dtype=np.float64)
            steps, units = np.meshgrid(np.arange(states.shape[0]), np.arange(states.shape[1]), indexing="ij")
            tables[f"hidden_{which}"] = (["t", "unit", which],
                                         np.column_stack([steps.ravel(), units.ravel(), states.ravel()]))
        return tables

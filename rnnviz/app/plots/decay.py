"""Plot 1 — gradient decay: log10 ‖∂s_{t0+k}/∂s_{t0}‖ against the distance k."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from rnnviz.app.plots.base import PALETTE, PlotPanel, finite_or_nan

#: curve key -> (legend text, colour, line style, width scale, source dict, key in the source dict)
CURVES = {
    "spectral": ("‖∏J‖₂ spectral", PALETTE[0], "solid", 1.0, "curve", "log10_spectral"),
    "frobenius": ("‖∏J‖_F Frobenius", PALETTE[1], "solid", 0.7, "curve", "log10_frobenius"),
    "bound": ("Pascanu bound (γ·σ_max)^k", "#555555", "dash", 0.8, "bound", "log10"),
    "rho": ("ρ^k", "#000000", "dot", 0.8, "bound", "rho_log10"),
    "hidden": ("h→h block", PALETTE[2], "solid", 0.8, "curve", "hidden_spectral"),
    "cell": ("c→c block", PALETTE[3], "solid", 0.8, "curve", "cell_spectral"),
    "highway": ("highway ∏ f", PALETTE[4], "dash", 1.2, "curve", "highway"),
}


#: The direct path through the cell's memory, in the equations panel's symbols.
HIGHWAY_LABELS = {"lstm": "highway ∏ f", "lstm-peephole": "highway ∏ f", "lstm-cifg": "highway ∏ (1 − i)",
                  "gru": "highway ∏ z", "gru-cho": "highway ∏ z"}


class DecayPanel(PlotPanel):
    name = "decay"
    title = "Gradient decay"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = self.add_plot(0, 0, "Gradient decay from t₀",
                                  ("distance k", "steps"), ("log₁₀ ‖∂s(t₀+k)/∂s(t₀)‖", None),
                                  hover=self._hover_text, legend=True)
        self.plot.addLine(y=0, pen=pg.mkPen("#999999", width=1))
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._highway_label = "highway ∏ f"

    def _curve(self, key: str) -> pg.PlotDataItem:
        if key not in self.curves:
            legend, color, style, scale, _source, _field = CURVES[key]
            if key == "highway":
                legend = self._highway_label
            item = self.plot.plot(name=legend, connect="finite")
            self.pen(item, color, style, scale)
            self.curves[key] = item
        return self.curves[key]

    def show_fast(self, fast) -> None:
        self.fast = fast
        self._data.clear()
        label = HIGHWAY_LABELS.get(fast.config.cell, "highway")
        if label != self._highway_label and "highway" in self.curves:
            self.plot.removeItem(self.curves.pop("highway"))  # re-created with the right legend text
        self._highway_label = label
        sources = {"curve": fast.curve, "bound": fast.bound}
        for key, (_legend, _color, _style, _scale, source, field) in CURVES.items():
            table = sources[source]
            if field in table and table[field] is not None and len(table[field]) > 0:
                k = np.asarray(table["k"], dtype=np.float64)
                y = finite_or_nan(table[field])
                self._data[key] = (k, np.asarray(table[field], dtype=np.float64))
                self._curve(key).setData(k, y)
                self._curve(key).show()
            elif key in self.curves:
                # Not applicable to this cell: remove from plot and legend.
                item = self.curves.pop(key)
                self.plot.removeItem(item)
        self.set_title(self.plot, f"Gradient decay from t₀ = {fast.config.anchor}")
        self.place_legend(self.plot, self._emptiest_corner())

    def _emptiest_corner(self) -> str:
        """The plot corner (legend-sized: 45 % wide, 45 % high) that covers the fewest curve points."""
        points = [(k, finite_or_nan(values)) for k, values in self._data.values()]
        xs = np.concatenate([k for k, _values in points]) if points else np.zeros(0)
        ys = np.concatenate([values for _k, values in points]) if points else np.zeros(0)
        keep = np.isfinite(xs) & np.isfinite(ys)
        xs, ys = xs[keep], ys[keep]
        if xs.size == 0:
            return "top-right"
        span_x = max(float(xs.max() - xs.min()), 1e-12)
        span_y = max(float(ys.max() - ys.min()), 1e-12)
        u = (xs - xs.min()) / span_x
        v = (ys - ys.min()) / span_y
        counts = {
            "top-left": np.count_nonzero((u < 0.45) & (v > 0.55)),
            "top-right": np.count_nonzero((u > 0.55) & (v > 0.55)),
            "bottom-left": np.count_nonzero((u < 0.45) & (v < 0.45)),
            "bottom-right": np.count_nonzero((u > 0.55) & (v < 0.45)),
        }
        return min(counts, key=lambda corner: (counts[corner], corner != "top-right"))

    def _hover_text(self, x: float, y: float) -> str:
        if not self._data:
            return ""
        k_values = self._data.get("spectral", next(iter(self._data.values())))[0]
        if k_values.size == 0:
            return ""
        index = int(np.clip(np.searchsorted(k_values, x), 0, k_values.size - 1))
        k = k_values[index]
        parts = [f"k = {k:g}"]
        for key, (k_array, values) in self._data.items():
            match = np.nonzero(k_array == k)[0]
            if match.size:
                parts.append(f"{CURVES[key][0].split(' (')[0]}: {values[match[0]]:.3g}")
        return "   ".join(parts) + "   (log₁₀)"

    def csv_tables(self):
        if not self._data:
            return {}
        keys = list(self._data)
        k_all = np.unique(np.concatenate([self._data[key][0] for key in keys]))
        rows = np.full((k_all.size, len(keys) + 1), np.nan)
        rows[:, 0] = k_all
        for column, key in enumerate(keys, start=1):
            k_array, values = self._data[key]
            rows[np.searchsorted(k_all, k_array), column] = values
        return {"decay": (["k"] + [f"log10_{key}" for key in keys], rows)}

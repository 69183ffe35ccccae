"""Plot 1 — gradient decay: log10 ‖∂s_{t0+k}/∂s_{t0}‖ against the distance k.

Range policy: the view fits the measured curves only. The reference lines (the Pascanu bound and
ρ^k) never set it -- for a trained model they reach tens of decades and would flatten the curves
-- and are clipped to the view. A zoom or pan is kept until the user asks for a fit again.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

import numpy as np
import pyqtgraph as pg

from rnnviz.app.i18n import names
from rnnviz.app.plots.base import PALETTE, PlotPanel, finite_or_nan

#: curve key -> (legend text (rich text), colour, line style, width scale, source dict, key in the source dict)
CURVES = {
    "spectral": (QT_TRANSLATE_NOOP("Names", "‖∏J‖₂ spectral"), PALETTE[0], "solid", 1.0, "curve", "log10_spectral"),
    "frobenius": (QT_TRANSLATE_NOOP("Names", "‖∏J‖<sub>F</sub> Frobenius"), PALETTE[1], "solid", 0.7, "curve", "log10_frobenius"),
    "bound": (QT_TRANSLATE_NOOP("Names", "Pascanu bound (γ·σ<sub>max</sub>)<sup>k</sup>"), "#555555", "dash", 0.8, "bound", "log10"),
    "rho": (QT_TRANSLATE_NOOP("Names", "ρ<sup>k</sup>"), "#000000", "dot", 0.8, "bound", "rho_log10"),
    "hidden": (QT_TRANSLATE_NOOP("Names", "h→h block"), PALETTE[2], "solid", 0.8, "curve", "hidden_spectral"),
    "cell": (QT_TRANSLATE_NOOP("Names", "c→c block"), PALETTE[3], "solid", 0.8, "curve", "cell_spectral"),
    "highway": (QT_TRANSLATE_NOOP("Names", "highway ∏ f"), PALETTE[4], "dash", 1.2, "curve", "highway"),
}
#: The read-out's (plain text) name of each curve.
HOVER_NAMES = {"spectral": QT_TRANSLATE_NOOP("Names", "‖∏J‖₂"), "frobenius": QT_TRANSLATE_NOOP("Names", "‖∏J‖F"), "bound": QT_TRANSLATE_NOOP("Names", "bound"),
               "rho": "ρᵏ", "hidden": QT_TRANSLATE_NOOP("Names", "h→h"),
               "cell": QT_TRANSLATE_NOOP("Names", "c→c"), "highway": QT_TRANSLATE_NOOP("Names", "highway")}
#: The legend's short forms (symbols only), where the whole texts would take too much of the plot.
SHORT_LEGEND = {"spectral": "‖∏J‖₂", "frobenius": "‖∏J‖<sub>F</sub>", "bound": "(γ·σ<sub>max</sub>)<sup>k</sup>",
                "rho": "ρ<sup>k</sup>", "hidden": "h→h", "cell": "c→c"}
#: Reference lines: drawn, clipped to the view, never part of its range.
REFERENCE_KEYS = ("bound", "rho")


def clip_to_range(y: np.ndarray, low: float, high: float) -> np.ndarray:
    """``y`` with NaN where a point and both its segments lie outside [low, high].

    The segments that cross the view keep both ends, so what is visible is exact; runs far outside
    (a bound 50 decades up) are not drawn at all."""
    y = np.asarray(y, dtype=np.float64)
    out = y.copy()
    if y.size < 2:
        out[~((y >= low) & (y <= high))] = np.nan
        return out
    first, second = y[:-1], y[1:]
    with np.errstate(invalid="ignore"):
        crosses = (np.fmin(first, second) <= high) & (np.fmax(first, second) >= low)
    keep = np.zeros(y.size, dtype=bool)
    keep[:-1] |= crosses
    keep[1:] |= crosses
    out[~keep] = np.nan
    return out


#: The direct path through the cell's memory, in the equations panel's symbols.
HIGHWAY_LABELS = {"lstm": QT_TRANSLATE_NOOP("Names", "highway ∏ f"), "lstm-peephole": QT_TRANSLATE_NOOP("Names", "highway ∏ f"), "lstm-cifg": QT_TRANSLATE_NOOP("Names", "highway ∏ (1 − i)"),
                  "gru": QT_TRANSLATE_NOOP("Names", "highway ∏ z"), "gru-cho": QT_TRANSLATE_NOOP("Names", "highway ∏ z")}
HIGHWAY_SHORT = {"lstm": "∏ f", "lstm-peephole": "∏ f", "lstm-cifg": "∏ (1 − i)", "gru": "∏ z", "gru-cho": "∏ z"}


class DecayPanel(PlotPanel):
    name = "decay"
    title = QT_TRANSLATE_NOOP("Names", "Gradient decay")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = self.add_plot(0, 0, self.tr("Gradient decay from t₀"),
                                  (self.tr("distance k"), "steps"), (self.tr("log₁₀ ‖∂s(t₀+k)/∂s(t₀)‖"), None),
                                  hover=self._hover_text, legend=True, short_y=self.tr("log₁₀ norm"),
                                  steady_y=True, whole_x=True)
        self.plot.addLine(y=0, pen=pg.mkPen("#999999", width=1))
        self.plot.legend.short_names.update({names(CURVES[key][0]): short for key, short in SHORT_LEGEND.items()})
        self.plot.legend.short_names.update({names(HIGHWAY_LABELS[cell]): short for cell, short in HIGHWAY_SHORT.items()})
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._highway_label = "highway ∏ f"
        self._drawn: dict[str, np.ndarray] = {}  # which points of each reference line are drawn
        self.plot.vb.sigYRangeChanged.connect(lambda *_args: self._clip_references())

    def _curve(self, key: str) -> pg.PlotDataItem:
        if key not in self.curves:
            legend, color, style, scale, _source, _field = CURVES[key]
            if key == "highway":
                legend = self._highway_label
            item = pg.PlotDataItem(name=legend, connect="finite")
            self.plot.addItem(item, ignoreBounds=key in REFERENCE_KEYS)
            self.pen(item, color, style, scale)
            self.curves[key] = item
        return self.curves[key]

    def reference_window(self) -> tuple[float, float]:
        """The y interval the reference lines are drawn in: the view's (or, while the view fits the
        data, the measured curves' range, which the view is about to take), one span wider each way."""
        low, high = self.plot.vb.viewRange()[1]
        measured = self.measured_range()
        if self.plot.vb.autoRangeEnabled()[1] and measured is not None:
            low, high = measured
        span = max(high - low, 1.0)
        return low - span, high + span

    def _clip_references(self, new_data: bool = False) -> None:
        """Draw the reference lines clipped to the view; only when what is drawn changes (new
        data drawn during a paint would make the plot paint again)."""
        low, high = self.reference_window()
        for key in REFERENCE_KEYS:
            if key in self.curves and key in self._data:
                k, values = self._data[key]
                clipped = clip_to_range(finite_or_nan(values), low, high)
                drawn = np.isfinite(clipped)
                if new_data or not np.array_equal(drawn, self._drawn.get(key)):
                    self._drawn[key] = drawn
                    self.curves[key].setData(k, clipped)

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
                if key not in REFERENCE_KEYS:  # those are drawn clipped, below
                    self._curve(key).setData(k, y)
                self._curve(key).show()
            elif key in self.curves:
                # Not applicable to this cell: remove from plot and legend.
                item = self.curves.pop(key)
                self.plot.removeItem(item)
        self._clip_references(new_data=True)
        anchor = fast.config.anchor
        measured = np.asarray(fast.curve.get("k", ()))
        longest = int(measured.max()) if measured.size else 0
        if 0 < longest < fast.config.seq_len - anchor:
            # the Jacobians kept for the curve stop there (analysis.CURVE_FLOPS, a time budget)
            self.plot.short_title = self.tr("Decay, k ≤ {0} (time budget)").format(longest)
            self.set_title(self.plot, self.tr("Gradient decay from t₀ = {0}, k ≤ {1} (time budget)").format(anchor, longest))
        else:
            self.plot.short_title = None
            self.set_title(self.plot, self.tr("Gradient decay from t₀ = {0}").format(anchor))

    def measured_range(self) -> tuple[float, float] | None:
        """(low, high) of the measured curves (not the reference lines), None before any data."""
        values = [finite_or_nan(v) for key, (_k, v) in self._data.items() if key not in REFERENCE_KEYS]
        finite = np.concatenate(values) if values else np.zeros(0)
        finite = finite[np.isfinite(finite)]
        return (float(finite.min()), float(finite.max())) if finite.size else None

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
                parts.append(f"{names(HOVER_NAMES[key])}: {values[match[0]]:.3g}")
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

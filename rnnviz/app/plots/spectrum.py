"""Plot 5 — spectrum: eigenvalues of each recurrent block in the complex plane, and singular values."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea

from rnnviz.app.plots.base import PALETTE, PlotPanel, SteadyLabel
from rnnviz.app.plots.steady import steady_range

#: The numbers table's least height where the panel is short (two rows, then a scroll bar).
NUMBERS_MIN_PX = 68
SYMBOLS = ("o", "t", "s", "d", "+", "x", "star", "p")
#: Above this many blocks the legend is left out: the table below names every block with its colour,
#: and 32 entries (8 layers) took the whole panel, the plots 0 px high.
LEGEND_MAX_BLOCKS = 8


def short_block_name(block) -> str:
    """"L1 f" for weight_hh_l0[f]; "L2← g" for the reverse direction of layer 2."""
    arrow = "←" if block.direction else ""
    gate = "" if block.gate in ("h", None, "") else f" {block.gate}"
    return f"L{block.layer + 1}{arrow}{gate}"


class TableArea(QScrollArea):
    """A scroll area that asks for its whole table's height (the layout gives it that where the panel
    has the room, and shrinks it towards NUMBERS_MIN_PX, with a scroll bar, where it has not)."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        widget = self.widget()
        height = (widget.sizeHint().height() if widget is not None else 0) + 2 * self.frameWidth()
        if self.horizontalScrollBar().isVisible():
            height += self.horizontalScrollBar().height()
        return QSize(super().sizeHint().width(), height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return QSize(super().minimumSizeHint().width(), min(NUMBERS_MIN_PX, self.sizeHint().height()))


class SpectrumPanel(PlotPanel):
    name = "spectrum"
    forward_only = True
    title = QT_TRANSLATE_NOOP("Names", "Spectrum")
    #: Shorter than the other plots' least height: the numbers table below takes the rest of the row
    #: (at 1264×672 in Chinese, 200 px made the second row of plots taller than the tab has room for;
    #: 170 px left the table 3 of its 4 LSTM rows in the grid of all plots at 1584×952).
    min_graphics_height = 145

    def __init__(self, parent=None):
        super().__init__(parent)
        self.eigen_plot = self.add_plot(0, 0, self.tr("Eigenvalues λ"), (self.tr("Re λ"), None), (self.tr("Im λ"), None),
                                        hover=self._hover_eigen, left_axis_chars=5.0,
                                        short_title=self.tr("Eigenvalues"), steady_x=True, steady_y=True)
        self.keep_square(self.eigen_plot, 0)
        angle = np.linspace(0.0, 2.0 * np.pi, 361)
        self.unit_circle = self.pen(self.eigen_plot.plot(np.cos(angle), np.sin(angle)),
                                    "#777777", "dash", 0.6)
        self.singular_plot = self.add_plot(0, 1, self.tr("Singular values σ"), ("index", None), ("σ", None), left_axis_chars=6.0,
                                           hover=self._hover_singular, short_title=self.tr("Singular values"))
        # One legend below both plots (a block has the same colour in each): in a row of its own as
        # wide as the panel, it takes one line where, under the narrow σ plot, it took half its height.
        self.legend = self.add_legend_row(1, 0, colspan=2)
        # The eigenvalue plot keeps its aspect ratio (its unit circle stays round): width beyond
        # its height is empty, so the σ plot gets more of the panel's width.
        self.graphics.ci.layout.setColumnStretchFactor(0, 2)
        self.graphics.ci.layout.setColumnStretchFactor(1, 3)
        self.singular_plot.addLine(y=1.0, pen=pg.mkPen("#999999", width=1, style=Qt.PenStyle.DashLine))
        # the items of the blocks shown, the first of the kept ones (_use_items)
        self.eigen_items: list[pg.ScatterPlotItem] = []
        self.singular_items: list[pg.PlotDataItem] = []
        self._kept_eigen: list[pg.ScatterPlotItem] = []
        self._kept_singular: list[pg.PlotDataItem] = []
        self.numbers = self.chrome(SteadyLabel())
        self._rows_changed = True
        self.numbers.setObjectName("spectrum_numbers")
        self.numbers.setTextFormat(Qt.TextFormat.RichText)
        self.numbers.setToolTip(self.tr("ρ = spectral radius, σₘₐₓ = largest singular value, γ = sup φ′ of the activation;"
                                " γ·σₘₐₓ < 1 guarantees vanishing gradients (Pascanu et al. 2013)"))
        # As high as the table where the panel has the room (a plot shown alone, the lecture size:
        # every row), down to its least height with a scroll bar where it has not (all plots).
        self.numbers_area = TableArea()
        self.numbers_area.setObjectName("spectrum_numbers_area")
        self.numbers_area.setWidget(self.numbers)
        self.numbers_area.setWidgetResizable(True)
        self.numbers_area.setFrameShape(QFrame.Shape.NoFrame)
        self.layout().insertWidget(1, self.numbers_area)
        self._fit_numbers()
        self.spectra = []
        self._item_names: list[str] = []
        self._sigma_fitted = False  # the σ range was set from data (else pyqtgraph's default)

    def show_fast(self, fast) -> None:
        self.fast = fast
        names = [block.name for block in fast.spectra]
        self.spectra = list(fast.spectra)
        if names != self._item_names:
            self._rebuild_items()
            self._item_names = names
            self._rows_changed = True
        for scatter, curve, block in zip(self.eigen_items, self.singular_items, self.spectra):
            eigenvalues = np.asarray(block.eigenvalues)
            scatter.setData(eigenvalues.real, eigenvalues.imag, name=block.name)
            singular = np.sort(np.asarray(block.singular_values, dtype=np.float64))[::-1]
            curve.setData(np.arange(1, singular.size + 1, dtype=np.float64), singular)
        self._show_numbers(fast)
        all_singular = np.concatenate([np.asarray(b.singular_values, dtype=np.float64).ravel()
                                       for b in self.spectra]) if self.spectra else np.zeros(1)
        low, high = float(all_singular.min()), float(all_singular.max())
        # Orthogonal blocks have all σ equal: give the axis a readable span instead of 1e-15.
        span = max(high - low, 0.1 * abs(high), 1e-3)
        self.singular_plot.setYRange(*self._sigma_range(low, high, span), padding=0)
        self.singular_plot.setXRange(1, max(2, max(len(b.singular_values) for b in self.spectra)
                                            if self.spectra else 2), padding=0.02)

    def _sigma_range(self, low: float, high: float, span: float) -> tuple[float, float]:
        """The σ axis' range: kept while it holds the data with a tenth of their span either
        side and is at most twice as wide as a new one; else the data with room of 5 % of σ
        either side (rounded to a grid, plots/steady.py). A step of the ρ spin box scales every σ
        by ~1 %, and every new range laid the axis out again (1.5-5 ms per change)."""
        inner = (low - 0.1 * span, high + 0.1 * span)
        pad = 0.1 * span + 0.05 * abs(high)
        wanted = (max(low - pad, 0.0) if low >= 0 else low - pad, high + pad)
        if self._sigma_fitted:
            shown = tuple(self.singular_plot.vb.viewRange()[1])
            if shown[0] <= inner[0] and inner[1] <= shown[1] and \
                    shown[1] - shown[0] <= 2.0 * (wanted[1] - wanted[0]):
                return shown
        self._sigma_fitted = True
        return steady_range(None, wanted)

    def _rebuild_items(self) -> None:
        """A scatter and a curve item (and a legend entry) per block when the set of blocks changed:
        the items of block ``i`` are made once and kept, hidden while fewer blocks are shown
        (:meth:`_use_items`). Making and removing them anew took most of the spectrum's UI-thread
        time after a change of layers: 1 -> 8 LSTM layers (32 blocks) 50-80 ms, back to 1 20-30 ms."""
        count = len(self.spectra)
        self._use_items(count)
        with_legend = count <= LEGEND_MAX_BLOCKS
        self.legend.setVisible(with_legend)
        with self.legend.batch():   # laid out once, not after each entry
            self.legend.clear()
            if with_legend:
                for curve, block in zip(self.singular_items, self.spectra):
                    self.legend.addItem(curve, short_block_name(block))

    def _use_items(self, count: int) -> None:
        """Show the first ``count`` kept item pairs (made as needed), hide and empty the others.
        Block ``i`` has the same colour and symbol whatever the blocks, so a kept item fits it."""
        for index in range(len(self._kept_eigen), count):
            color = PALETTE[index % len(PALETTE)]
            symbol = SYMBOLS[(index // len(PALETTE)) % len(SYMBOLS)]
            # A bare scatter item: a PlotDataItem around it costs ~3x as much per update.
            scatter = self.marker(pg.ScatterPlotItem(symbol=symbol, brush=pg.mkBrush(color), pen=None))
            self.eigen_plot.addItem(scatter)
            self._kept_eigen.append(scatter)
            self._kept_singular.append(self.pen(self.singular_plot.plot(), color))
        for index, (scatter, curve) in enumerate(zip(self._kept_eigen, self._kept_singular)):
            shown = index < count
            if not shown and scatter.isVisible():
                scatter.setData([], [])   # (an empty item holds no stale block for a reader of the plot)
                curve.setData([], [])
            scatter.setVisible(shown)
            curve.setVisible(shown)
        self.eigen_items = self._kept_eigen[:count]
        self.singular_items = self._kept_singular[:count]

    def _show_numbers(self, fast) -> None:
        gamma = float(fast.gamma)
        rows = []
        for index, block in enumerate(self.spectra):
            color = PALETTE[index % len(PALETTE)]
            rows.append(f"<tr><td><span style='color:{color}'>■</span> {html.escape(short_block_name(block))}"
                        f" <span style='color:#777'>{html.escape(block.name)}</span></td><td align='right'>{block.spectral_radius:.4g}</td>"
                        f"<td align='right'>{block.sigma_max:.4g}</td>"
                        f"<td align='right'>{gamma * block.sigma_max:.4g}</td></tr>")
        self.numbers.setText(
            self.tr("<table cellspacing='0' cellpadding='2'><tr><th align='left'>block</th><th>ρ</th><th>σ<sub>max</sub></th><th>γ·σ<sub>max</sub> (γ = {0:g})</th></tr>{1}</table>").format(gamma, ''.join(rows)))
        if self._rows_changed:   # other blocks: the table's own size again
            self._rows_changed = False
            self.numbers.refit()
            self._fit_numbers()

    def _fit_numbers(self) -> None:
        """The numbers' area at most as high as the whole table (its text, font and width); laid
        out again only when that changed (not on every change of the numbers)."""
        height = self.numbers_area.sizeHint().height()
        if height != self.numbers_area.maximumHeight():
            self.numbers_area.setMaximumHeight(height)
            self.numbers_area.updateGeometry()

    def restyle(self, force: bool = False) -> None:
        super().restyle(force)
        self._fit_numbers()

    def _hover_eigen(self, x: float, y: float) -> str:
        return f"λ ≈ {x:.3f} {'+' if y >= 0 else '−'} {abs(y):.3f}i   |λ| = {np.hypot(x, y):.3f}"

    def _hover_singular(self, x: float, y: float) -> str:
        index = int(round(x))
        parts = [self.tr("index {0}").format(index)]
        for block in self.spectra:
            singular = np.sort(np.asarray(block.singular_values))[::-1]
            if 1 <= index <= singular.size:
                parts.append(f"{block.name}: σ = {singular[index - 1]:.4g}")
        return "   ".join(parts[:5])

    def csv_tables(self):
        if self.fast is None:
            return {}
        eigen_rows, singular_rows = [], []
        for block_index, block in enumerate(self.spectra):
            eigenvalues = np.asarray(block.eigenvalues)
            for value in eigenvalues:
                eigen_rows.append((block_index, value.real, value.imag))
            singular = np.sort(np.asarray(block.singular_values, dtype=np.float64))[::-1]
            for index, value in enumerate(singular, start=1):
                singular_rows.append((block_index, index, value))
        summary = np.array([(index, block.spectral_radius, block.sigma_max, self.fast.gamma * block.sigma_max)
                            for index, block in enumerate(self.spectra)], dtype=np.float64).reshape(-1, 4)
        return {
            "spectrum": (["block", "spectral_radius", "sigma_max", "gamma_sigma_max"], summary),
            "spectrum_eigenvalues": (["block", "real", "imag"], np.array(eigen_rows, dtype=np.float64).reshape(-1, 3)),
            "spectrum_singular_values": (["block", "index", "sigma"],
                                         np.array(singular_rows, dtype=np.float64).reshape(-1, 3)),
        }

    def csv_notes(self) -> list[str]:
        return [f"block {index} = {block.name}" for index, block in enumerate(self.spectra)]

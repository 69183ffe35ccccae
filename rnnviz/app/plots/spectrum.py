"""Plot 5 — spectrum: eigenvalues of each recurrent block in the complex plane, and singular values."""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QFrame, QScrollArea

from rnnviz.app.plots.base import NORMAL_STYLE, PALETTE, PlotPanel, SteadyLabel
from rnnviz.app.plots.steady import steady_range

#: The numbers table's least height where the panel is short (two rows, then a scroll bar).
NUMBERS_MIN_PX = 68
SYMBOLS = ("o", "t", "s", "d", "+", "x", "star", "p")
#: Above this many blocks the legend is left out: the table below names every block with its colour,
#: and 32 entries (8 layers) took the whole panel, the plots 0 px high.
LEGEND_MAX_BLOCKS = 8
#: Item pairs made ahead (not yet in a plot), PREPARE_PER_TURN every PREPARE_INTERVAL_MS after the
#: first result: the blocks of an LSTM of 8 layers, the layers control's maximum. All made in the turn
#: of the first switch to 8 layers, the 28 new pairs took about half of the spectrum's 110 ms there.
PREPARED_BLOCKS = 32
PREPARE_PER_TURN = 2
PREPARE_INTERVAL_MS = 30
#: The numbers table's layouts, the most detailed first; it takes the first that fits its room whole
#: (a table that scrolled hid its last rows or, in Chinese at 1280×720, its right-hand column):
#: (PyTorch names beside the short ones, one row per gate with its largest numbers over the layers
#: and directions instead of one row per block, column groups side by side).
TABLE_LAYOUTS = ((True, False, 1), (False, False, 1), (False, False, 2), (False, False, 3),
                 (False, True, 1), (False, True, 2), (False, True, 4))
#: Table sizes kept (_table_size): every layout of two results in two fonts (normal, lecture).
TABLE_SIZES_KEPT = 4 * len(TABLE_LAYOUTS)


def short_block_name(block) -> str:
    """"L1 f" for weight_hh_l0[f]; "L2← g" for the reverse direction of layer 2."""
    arrow = "←" if block.direction else ""
    gate = "" if block.gate in ("h", None, "") else f" {block.gate}"
    return f"L{block.layer + 1}{arrow}{gate}"


def table_html(entries: list[tuple[str, float, float, float]], gamma: float, first_header: str,
               groups: int = 1) -> str:
    """The numbers as a rich-text table: ``entries`` (label as rich text, ρ, σ_max, γ·σ_max) in
    ``groups`` column groups side by side, filled column by column, each with its header."""
    rows = max(1, math.ceil(len(entries) / groups))
    header = (f"<th align='left'>{first_header}</th><th>ρ</th><th>σ<sub>max</sub></th>"
              f"<th>γ·σ<sub>max</sub> (γ = {gamma:g})</th>")
    gap = "<td width='12'></td>"
    lines = [f"<tr>{gap.join([header] * min(groups, max(1, len(entries))))}</tr>"]
    for row in range(rows):
        cells = []
        for group in range(groups):
            index = group * rows + row
            if index < len(entries):
                label, rho, sigma, bound = entries[index]
                cells.append(f"<td>{label}</td><td align='right'>{rho:.4g}</td><td align='right'>{sigma:.4g}</td>"
                             f"<td align='right'>{bound:.4g}</td>")
        lines.append(f"<tr>{gap.join(cells)}</tr>")
    return f"<table cellspacing='0' cellpadding='2'>{''.join(lines)}</table>"


def gate_summary(spectra) -> list[tuple[str, float, float]]:
    """(gate's name and layers, largest ρ, largest σ_max) per gate over every layer and direction, in
    the blocks' order: one row per gate however deep the network ("i  L1–L8")."""
    by_gate: dict = {}
    for block in spectra:
        by_gate.setdefault(block.gate, []).append(block)
    summary = []
    for gate, blocks in by_gate.items():
        layers = sorted({block.layer for block in blocks})
        span = f"L{layers[0] + 1}" if len(layers) == 1 else f"L{layers[0] + 1}–L{layers[-1] + 1}"
        if any(block.direction for block in blocks):
            span += " →←"
        name = "h" if gate in ("h", None, "") else gate
        summary.append((f"{name} · {span}", max(block.spectral_radius for block in blocks),
                        max(block.sigma_max for block in blocks)))
    return summary


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


#: The share of the eigenvalue plot's kept range its data (the unit circle at least) must fill.
EIGEN_KEEP_FILL = 0.75


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
        angle = np.linspace(0.0, 2.0 * np.pi, 361)
        self.unit_circle = self.pen(self.eigen_plot.plot(np.cos(angle), np.sin(angle)),
                                    "#777777", "dash", 0.6)
        self.singular_plot = self.add_plot(0, 1, self.tr("Singular values σ"), ("index", None), ("σ", None), left_axis_chars=6.0, whole_x=True,
                                           hover=self._hover_singular, short_title=self.tr("Singular values"))
        self.keep_square(self.eigen_plot, 0, neighbour=self.singular_plot)
        # the eigenvalues' range follows them more closely than a curve's: kept through steps of ρ
        # (1 % each), new once they fill less than 3/4 of it (ρ 1.2 -> 1 kept ±1.8 round ±1)
        self.eigen_plot.vb.keep_fill = EIGEN_KEEP_FILL
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
        # pairs made ahead for the next blocks, in their order, not yet in the plots: added there,
        # even hidden, they repainted the panel (its views' auto-range)
        self._spare: list[tuple[pg.ScatterPlotItem, pg.PlotDataItem]] = []
        self._prepare_timer = QTimer(self)
        self._prepare_timer.setInterval(PREPARE_INTERVAL_MS)
        self._prepare_timer.timeout.connect(self._prepare_items)
        self.numbers = self.chrome(SteadyLabel())
        self._rows_changed = True
        self.numbers.setObjectName("spectrum_numbers")
        self.numbers.setTextFormat(Qt.TextFormat.RichText)
        self._numbers_tip = self.tr("ρ = spectral radius, σₘₐₓ = largest singular value, γ = sup φ′ of the activation;"
                                    " γ·σₘₐₓ < 1 guarantees vanishing gradients (Pascanu et al. 2013)")
        self.numbers.setToolTip(self._numbers_tip)
        self.table_layout = TABLE_LAYOUTS[0]
        self._table_sizes: dict[tuple[str, str], tuple[float, float]] = {}   # _table_size's, per result
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
        if self._made() < PREPARED_BLOCKS and not self._prepare_timer.isActive():
            self._prepare_timer.start()
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
        if high == 0.0:
            # all σ exactly 0 (all weights zero): 0 to 1, the line above the bottom edge and "0"
            # labelled (a span of 1e-3 put the line on the edge, under labels from 2e-05 up)
            self._sigma_fitted = False
            self.singular_plot.setYRange(-0.1, 1.0, padding=0)
        else:
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

    def _made(self) -> int:
        return len(self._kept_eigen) + len(self._spare)

    def _make_pair(self, index: int) -> tuple[pg.ScatterPlotItem, pg.PlotDataItem]:
        """The scatter and curve of block ``index``, in no plot yet. Block ``i`` has the same colour
        and symbol whatever the blocks, so a kept item fits it."""
        color = PALETTE[index % len(PALETTE)]
        symbol = SYMBOLS[(index // len(PALETTE)) % len(SYMBOLS)]
        # A bare scatter item: a PlotDataItem around it costs ~3x as much per update.
        scatter = self.marker(pg.ScatterPlotItem(symbol=symbol, brush=pg.mkBrush(color), pen=None))
        return scatter, self.pen(pg.PlotDataItem(), color)

    def _prepare_items(self) -> None:
        """A few more pairs made ahead of a switch to many blocks (PREPARED_BLOCKS)."""
        for _ in range(PREPARE_PER_TURN):
            if self._made() >= PREPARED_BLOCKS:
                break
            self._spare.append(self._make_pair(self._made()))
        if self._made() >= PREPARED_BLOCKS:
            self._prepare_timer.stop()

    def _use_items(self, count: int) -> None:
        """Show the first ``count`` kept item pairs (put in the plots as needed: made ahead, or now),
        hide and empty the others."""
        for index in range(len(self._kept_eigen), count):
            scatter, curve = self._spare.pop(0) if self._spare else self._make_pair(index)
            self.eigen_plot.addItem(scatter)
            self.singular_plot.addItem(curve)
            self._kept_eigen.append(scatter)
            self._kept_singular.append(curve)
        for index, (scatter, curve) in enumerate(zip(self._kept_eigen, self._kept_singular)):
            shown = index < count
            if not shown and scatter.isVisible():
                scatter.setData([], [])   # (an empty item holds no stale block for a reader of the plot)
                curve.setData([], [])
            scatter.setVisible(shown)
            curve.setVisible(shown)
        self.eigen_items = self._kept_eigen[:count]
        self.singular_items = self._kept_singular[:count]

    def table_text(self, layout: tuple[bool, bool, int]) -> str:
        """The numbers table in one of :data:`TABLE_LAYOUTS`."""
        names, summary, groups = layout
        gamma = float(self.fast.gamma) if self.fast is not None else 1.0
        if summary:
            entries = [(html.escape(label), rho, sigma, gamma * sigma) for label, rho, sigma in gate_summary(self.spectra)]
            return table_html(entries, gamma, self.tr("gate (largest)"), groups)
        entries = []
        for index, block in enumerate(self.spectra):
            label = f"<span style='color:{PALETTE[index % len(PALETTE)]}'>■</span> {html.escape(short_block_name(block))}"
            if names:
                label += f" <span style='color:#777'>{html.escape(block.name)}</span>"
            entries.append((label, block.spectral_radius, block.sigma_max, gamma * block.sigma_max))
        return table_html(entries, gamma, self.tr("block"), groups)

    def table_room(self) -> tuple[float, float]:
        """(width, height) the numbers may take: the area's width, and its height with what the plots
        above have beyond their least height, which grows with the text size (at lecture sizes 145 px
        left the eigenvalue plot a strip under its title, wider than high beside the σ plot)."""
        least = self.min_graphics_height * self.style["font_pt"] / NORMAL_STYLE["font_pt"]
        spare = max(0, self.graphics.height() - max(self.graphics.minimumHeight(), least))
        frame = 2 * self.numbers_area.frameWidth()
        return self.numbers_area.width() - frame, self.numbers_area.height() - frame + spare

    def _table_size(self, text: str) -> tuple[float, float]:
        """(width, height) of the table ``text`` in the numbers' font, unwrapped: laid out once per
        text and font. Each resize of the panel chose the layout again, and at 32 rows its five
        documents took 30-35 ms (back to 1 layer, while the panel still shows the 8 layers' result)."""
        font = self.numbers.font()
        key = (text, font.key())
        if key not in self._table_sizes:
            if len(self._table_sizes) >= TABLE_SIZES_KEPT:
                self._table_sizes.clear()   # the tables of an older result: their numbers are gone
            document = QTextDocument()
            document.setDefaultFont(font)
            document.setDocumentMargin(0)
            document.setHtml(text)
            self._table_sizes[key] = document.idealWidth(), document.size().height()
        return self._table_sizes[key]

    def choose_table_layout(self) -> tuple[bool, bool, int]:
        """The first of :data:`TABLE_LAYOUTS` whose table fits :meth:`table_room` whole; where none
        does, the lowest of those as wide as the room, else the narrowest. The present layout while
        the panel has no room yet (hidden, or not laid out)."""
        width, height = self.table_room()
        if width < NUMBERS_MIN_PX or height < NUMBERS_MIN_PX or not self.spectra:
            return self.table_layout
        one_row_per_gate = len(gate_summary(self.spectra)) < len(self.spectra)
        sizes = {}
        for layout in TABLE_LAYOUTS:
            if layout[1] and not one_row_per_gate:
                continue   # a row per gate would be a row per block: nothing gained
            need_width, need_height = sizes[layout] = self._table_size(self.table_text(layout))
            if need_width <= width and need_height <= height:
                return layout
        as_wide = [layout for layout, (need_width, _) in sizes.items() if need_width <= width]
        if as_wide:
            return min(as_wide, key=lambda layout: sizes[layout][1])
        return min(sizes, key=lambda layout: sizes[layout][0])

    def _show_numbers(self, fast) -> None:
        layout = self.choose_table_layout() if self._rows_changed else self.table_layout
        self.numbers.setText(self.table_text(layout))
        tip = self._numbers_tip
        if layout[1]:
            tip += "\n" + self.tr("Each gate's largest numbers over its layers; every block's: this plot alone")
        if self.numbers.toolTip() != tip:
            self.numbers.setToolTip(tip)
        if self._rows_changed or layout != self.table_layout:   # other rows: the table's own size again
            self.table_layout = layout
            self._rows_changed = False
            self.numbers.refit()
            self._fit_numbers()

    def _refit_table(self) -> None:
        """Another layout of the table where the room changed enough (a resize, a font)."""
        if self.fast is None or not self.spectra:
            return
        if self.choose_table_layout() != self.table_layout:
            self._rows_changed = True
            self._show_numbers(self.fast)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._refit_table()
        self._fit_numbers()

    def _fit_numbers(self) -> None:
        """The numbers' area at most as high as the whole table (its text, font and width); laid
        out again only when that changed (not on every change of the numbers). No sideways scroll
        bar where the table is as narrow as the area: else a vertical bar shown for a moment (the
        area shorter during a resize) narrowed the view, the sideways bar then took 14 px of its
        height, and each kept the other (at 1280×720 after 1584×952)."""
        area = self.numbers_area
        narrow = self.numbers.width() <= area.width() - 2 * area.frameWidth()
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if narrow else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        if area.horizontalScrollBarPolicy() != policy:
            area.setHorizontalScrollBarPolicy(policy)
        height = self.numbers_area.sizeHint().height()
        if height != self.numbers_area.maximumHeight():
            self.numbers_area.setMaximumHeight(height)
            self.numbers_area.updateGeometry()

    def restyle(self, force: bool = False) -> None:
        super().restyle(force)
        self._fit_numbers()
        self._refit_table()

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

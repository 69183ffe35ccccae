"""Plot 7 — the network unrolled in time, its arrows coloured and sized by the gradient they carry.

One column per step t: the input x(t), one box per layer and direction holding h(t), the output
y(t) and, at the loss steps, the loss L(t). Arrows h(t−1) → h(t) (h(t+1) → h(t) in a backward
direction), x(t) → h(t), layer to layer, h(t) → y(t) and, for LSTMs, the cell-state line
c(t−1) → c(t) (dashed). Every value is a log10 norm the explorer's computation already holds
(see :func:`arrow_values`); an arrow is coloured by the gradient that enters it at its head to travel
back along it.

*Play* runs backpropagation through time step by step: a QTimer on the UI thread reveals one more
step per tick (only a repaint). Long sequences show a window of steps (wheel and drag pan and
zoom in time; the strip below shows the whole sequence and where the window lies). The diagram
is one graphics item that paints only the columns in view, so an update costs the same at
T = 1 and T = 2000.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QLineF, QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPicture, QPolygonF
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QStyle, QStyleOptionComboBox, QToolButton

from rnnviz.app.plots.boundary import EncoderBoundary
from rnnviz.app.plots.base import MIN_TEXT_PT, NORMAL_STYLE, PALETTE, Heatmap, PlotPanel, finite_or_nan, \
    nice_levels, safe_log10

#: The quantities the arrows can show (keys of the chooser, in its order).
QUANTITIES = ("total", "itemized", "anchor")
#: Steps in view for a long sequence: as many as the plot's width holds at STEP_EM font sizes per
#: step (a box and its label, "h₁₀₀", stay readable), between these limits.
MAX_DEFAULT_STEPS = 30
MIN_DEFAULT_STEPS = 6
STEP_EM = 3.6
#: Sequences up to this long show markers in the overview strip (a line needs many steps).
SHOW_ALL_STEPS = 40
#: Zoom limits in steps (fewer is a close-up; more would no longer be readable). The widest window
#: is also no wider than the boxes' labels allow (see :meth:`UnrolledDiagram.labelled_span`).
MIN_VISIBLE_STEPS = 3
MAX_VISIBLE_STEPS = 80
#: Room in pixels beside a box's label, and the steps a window of n whole columns spans beyond n
#: (its edges lie in the gaps between columns, see :func:`whole_columns_window`).
LABEL_MARGIN_PX = 4.0
WINDOW_SLACK = 1.2
#: Play speeds in steps per second (the chooser's entries) and the default.
SPEEDS = (1, 2, 4, 8, 16, 32)
DEFAULT_SPEED = 4
#: Box half sizes in steps (x) and rows (y).
BOX_HALF_WIDTH = 0.3
STATE_HALF_HEIGHT = 0.26
LSTM_HALF_HEIGHT = 0.32
#: State boxes grow up to this where their label needs it (a short panel: "All plots").
MAX_STATE_HALF_HEIGHT = 0.4
IO_HALF_HEIGHT = 0.2
#: Rows below the input boxes' centre (and above the loss boxes') that the view shows.
ROW_MARGIN = 0.75
#: Where the encoder–decoder boundary's label sits (fraction of the view's height from its bottom).
BOUNDARY_LABEL_POSITION = 0.005
#: Colours of arrows without a value (no gradient there) and not reached yet during Play.
NO_VALUE = QColor("#b8b8b8")
#: Steps of colour (and width) the arrows are drawn in.
COLOUR_BINS = 64
NOT_REACHED = QColor("#e2e2e2")
#: Fill of the input boxes of steps without input (an encoder–decoder's decoder: x = 0).
NO_INPUT_FILL = "#f4f4f4"
TRUNCATION_BRUSH = QColor(230, 159, 0, 45)
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@lru_cache(maxsize=4096)
def subscript(number: int) -> str:
    return str(number).translate(SUBSCRIPT)


@dataclass
class ArrowValues:
    """What the arrows show, log10 norms (NaN: no value), for rows r = layer·D + direction.

    ``recurrent: (R, T)``: the arrow into h(t) from the previous step of its direction, column t−1.
    ``cell: (R, T)`` or None: the same for the cell-state line (LSTMs).
    ``vertical: (L + 1, T)``: arrow j into layer j from below (j = 0: from x(t)); j = L: h(t) → y(t).
    """

    recurrent: np.ndarray
    cell: np.ndarray | None
    vertical: np.ndarray

    def levels(self) -> tuple[float, float] | None:
        """Colour levels covering every value (rounded outwards, see :func:`nice_levels`); None
        where no arrow has a value (all weights zero: every gradient exactly 0)."""
        parts = [self.recurrent.ravel(), self.vertical.ravel()]
        if self.cell is not None:
            parts.append(self.cell.ravel())
        values = np.concatenate(parts)
        values = values[np.isfinite(values)]
        if values.size == 0:
            return None
        low, high = float(values.min()), float(values.max())
        if high - low < 1e-9:
            low, high = low - 0.5, high + 0.5
        return nice_levels(low, high)


def cuts_a_box(edge: float) -> bool:
    """Whether a view's edge at ``edge`` (in steps) runs through a column's boxes."""
    fraction = edge - math.floor(edge)
    return fraction < BOX_HALF_WIDTH - 1e-9 or fraction > 1.0 - BOX_HALF_WIDTH + 1e-9


def _clean_edge(edge: float, side: int) -> float:
    """``edge`` moved (inwards: ``side`` +1 for a left edge, -1 for a right one) into the gap between
    two columns, where it cuts no box (a box spans t ± BOX_HALF_WIDTH)."""
    if not cuts_a_box(edge):
        return edge
    column = math.floor(edge)
    fraction = edge - column
    gap_low, gap_high = BOX_HALF_WIDTH + 0.05, 1.0 - BOX_HALF_WIDTH - 0.05
    if side > 0:   # a left edge goes right, to just past the box it cut (or before the next one)
        return column + gap_low if fraction < gap_low else column + 1 + gap_low
    return column + gap_high if fraction > gap_high else column - 1 + gap_high


def whole_columns_window(low: float, high: float, last_column: int) -> tuple[float, float]:
    """The window ``low``–``high`` narrowed to whole columns: both edges in the gaps between columns
    (Play's pans had cut the last column in half at the right edge), shifted by whole steps back
    inside the columns -1 … last_column + 1."""
    if high - low > last_column + 1.4:
        return -0.7, last_column + 0.7
    shift = 0
    if high > last_column + 1:
        shift = -math.ceil(high - (last_column + 1))
    elif low < -1:
        shift = math.ceil(-1 - low)
    return _clean_edge(low + shift, +1), _clean_edge(high + shift, -1)


def _directions(fast) -> int:
    return 2 if fast.net.bidirectional else 1


def arrow_values(fast, quantity: str, tau: int | None = None) -> ArrowValues:
    """The arrows' log10 norms for ``quantity`` (see :data:`QUANTITIES`) from a FastResult.

    * ``total``: ‖∂L/∂h(t)‖ of each layer and direction (full or truncated BPTT, as configured);
      into layer j from below: that layer's ‖∂L/∂h(t)‖ over both directions; h(t) → y(t):
      ‖∂L(t)/∂h(t)‖, what the step's own loss puts on the output. An LSTM's cell-state line
      into c(t): ‖∂L/∂c(t)‖, the cell state's total gradient, on the same scale.
    * ``itemized``: ‖∂L(τ)/∂h(t)‖ of the top layer (both directions together): forward rows for
      t ≤ τ, backward rows for t ≥ τ; h(τ) → y(τ) carries ‖∂L(τ)/∂h(τ)‖; the top layer's c line
      ‖∂L(τ)/∂c(t)‖. Lower layers of a stacked network: their own ‖∂L(τ)/∂hˡ(t)‖ (and c line)
      for the loss steps ``layer_itemized_steps`` holds (see :func:`lower_layers_itemized`), and
      into layer j from below that layer's value over both directions; no value at other τ.
    * ``anchor``: on the forward recurrent arrows into step t₀ + k, ‖∂s(t₀+k)/∂s(t₀)‖ of the whole
      state s for one layer; in a stacked network each layer's own diagonal block
      ‖∂sˡ(t₀+k)/∂sˡ(t₀)‖ (the whole state's norm is in the decay plot). An LSTM's c line: the
      c → c block of its layer.

    Encoder–decoder: the decoder's steps read no input (x = 0), so the arrow x(t) → h(t) has no
    value there (and is not drawn).
    """
    T = int(fast.config.seq_len)
    L, D = int(fast.net.num_layers), _directions(fast)
    R = L * D
    lstm = fast.net.is_lstm
    recurrent = np.full((R, T), np.nan)
    vertical = np.full((L + 1, T), np.nan)
    cell = np.full((R, T), np.nan) if lstm else None
    top = slice((L - 1) * D, L * D)
    if quantity == "total":
        if lstm and getattr(fast, "layer_cell_grad_norms", None) is not None:
            cell[:] = safe_log10(np.asarray(fast.layer_cell_grad_norms, dtype=np.float64))
        layers = getattr(fast, "layer_grad_norms", None)
        if layers is None:  # a result without per-layer norms: the top layer's, one direction
            layers = np.full((R, T), np.nan)
            if D == 1:
                layers[-1] = np.asarray(fast.grad_norm_per_step, dtype=np.float64)
        layers = np.asarray(layers, dtype=np.float64)
        recurrent[:] = safe_log10(layers)
        per_layer = np.sqrt((layers.reshape(L, D, T) ** 2).sum(axis=1))
        vertical[:L] = safe_log10(per_layer)
        output = getattr(fast, "output_grad_norm", None)
        if output is not None:
            vertical[L] = safe_log10(output)
    elif quantity == "itemized":
        tau = int(np.clip(tau if tau is not None else fast.loss_steps[-1], 1, T))
        row = safe_log10(np.asarray(fast.itemized[tau - 1], dtype=np.float64))
        items_c = getattr(fast, "itemized_cell", None) if lstm else None
        row_c = None if items_c is None else safe_log10(np.asarray(items_c[tau - 1], dtype=np.float64))
        forward = np.arange(1, T + 1) <= tau
        for r in range(top.start, top.stop):
            reverse = (r - top.start) == 1
            keep = (np.arange(1, T + 1) >= tau) if reverse else forward
            recurrent[r] = np.where(keep, row, np.nan)
            if row_c is not None:
                cell[r] = np.where(keep, row_c, np.nan)
        vertical[L - 1] = row
        vertical[L, tau - 1] = row[tau - 1]
        r_low = lower_layers_itemized(fast, tau)
        if r_low is not None:
            lower = np.asarray(fast.layer_itemized, dtype=np.float64)[:top.start, r_low]
            recurrent[:top.start] = safe_log10(lower)
            vertical[:L - 1] = safe_log10(np.sqrt((lower.reshape(L - 1, D, T) ** 2).sum(axis=1)))
            if lstm and getattr(fast, "layer_itemized_cell", None) is not None:
                cell[:top.start] = safe_log10(np.asarray(fast.layer_itemized_cell, dtype=np.float64)[:top.start, r_low])
    elif quantity == "anchor":
        t0 = int(fast.config.anchor)
        k = np.asarray(fast.curve["k"], dtype=np.int64)
        keep = (k >= 1) & (t0 + k <= T)
        columns = t0 + k[keep] - 1
        if L > 1:   # each layer's own block: per layer, unlike the whole state's norm
            if "layer_spectral" in fast.curve:
                for layer in range(L):
                    recurrent[layer * D, columns] = finite_or_nan(fast.curve["layer_spectral"][layer])[keep]
        else:
            recurrent[0, columns] = finite_or_nan(fast.curve["log10_spectral"])[keep]
        if lstm and L > 1 and "layer_cell_spectral" in fast.curve:
            for layer in range(L):
                cell[layer * D, columns] = finite_or_nan(fast.curve["layer_cell_spectral"][layer])[keep]
        elif lstm and "cell_spectral" in fast.curve:
            cell[0, columns] = finite_or_nan(fast.curve["cell_spectral"])[keep]
    else:
        raise ValueError(f"unknown quantity {quantity!r}; choose one of {', '.join(QUANTITIES)}")
    vertical[0, input_steps(fast.config):] = np.nan
    return ArrowValues(recurrent, cell, vertical)


def lower_layers_itemized(fast, tau: int) -> int | None:
    """The row of ``fast.layer_itemized`` that holds loss step τ (None: not itemized there, or one layer)."""
    steps = getattr(fast, "layer_itemized_steps", None)
    if steps is None or getattr(fast, "layer_itemized", None) is None:
        return None
    hits = np.flatnonzero(np.asarray(steps) == int(tau))
    return int(hits[0]) if hits.size else None


def input_steps(config) -> int:
    """Steps that read an input: N under the encoder–decoder placement (x = 0 afterwards), else T."""
    if config.loss_placement == "encoder-decoder":
        return int(config.encoder_length)
    return int(config.seq_len)


@dataclass(frozen=True)
class Structure:
    """The shape of the drawing: steps, layers, directions, cell-state line, loss steps."""

    seq_len: int = 0
    layers: int = 1
    directions: int = 1
    lstm: bool = False
    loss_steps: tuple[int, ...] = ()
    #: steps 1 … input_steps read an input; later ones (an encoder–decoder's decoder) get x = 0
    input_steps: int | None = None

    def has_input(self, t: int) -> bool:
        return self.input_steps is None or t <= self.input_steps

    @property
    def rows(self) -> int:
        return self.layers * self.directions

    def row_y(self, row: int) -> float:
        return 1.0 + row

    @property
    def output_y(self) -> float:
        return 1.0 + self.rows

    @property
    def loss_y(self) -> float:
        return 2.0 + self.rows

    @property
    def last_column(self) -> int:
        """The rightmost column drawn: T, or T + 1 (a backward direction's initial state)."""
        return self.seq_len + (1 if self.directions == 2 else 0)


class UnrolledDiagram(pg.GraphicsObject):
    """Boxes and arrows of the unrolled network, painted for the columns in view only.

    Holds the values it draws: ``values`` (:class:`ArrowValues`), ``revealed`` (which arrows the
    gradient has reached during Play; None: all) and the colours and widths derived from them.
    """

    def __init__(self):
        super().__init__()
        self.structure = Structure()
        self.values: ArrowValues | None = None
        self.levels = (0.0, 1.0)
        self.colormap = pg.colormap.get("viridis")
        self.revealed_recurrent: np.ndarray | None = None   # (R, T) bool, None: all
        self.revealed_columns: np.ndarray | None = None     # (T,) bool, None: all
        self.font_pt = NORMAL_STYLE["font_pt"]
        self.line_scale = 1.0
        self._bins: dict[str, np.ndarray] = {}    # colour bin of every arrow, -1 without a value
        self._palette: list[QColor] = []
        self._bounds = QRectF(0, 0, 1, 1)
        self._row_px = 0.0   # pixels a row takes in the view (0: not painted yet)
        self.note = ""   # painted across the lower layers' rows (why they hold no values)
        # The boxes and labels do not depend on the values: recorded once per view and replayed.
        self._boxes_key: tuple | None = None
        self._boxes_picture: QPicture | None = None

    # -- data ------------------------------------------------------------------------------
    def set_structure(self, structure: Structure) -> None:
        if structure != self.structure:
            self.prepareGeometryChange()
            self.structure = structure
            self._bounds = QRectF(-0.7, -0.7, structure.last_column + 1.4, structure.loss_y + 1.4)
        self.update()

    def set_values(self, values: ArrowValues, levels: tuple[float, float], colormap: pg.ColorMap) -> None:
        """Arrows are drawn in COLOUR_BINS steps of colour and width (one pen per step: a pen per
        arrow cost ~0.1 ms of Python each)."""
        self.values, self.levels, self.colormap = values, levels, colormap
        low, high = levels
        span = high - low if high > low else 1.0
        self._bins.clear()
        for key in ("recurrent", "cell", "vertical"):
            array = getattr(values, key)
            if array is None:
                continue
            fraction = np.clip((array - low) / span, 0.0, 1.0)
            bins = np.full(array.shape, -1, dtype=np.int64)
            finite = np.isfinite(fraction)
            bins[finite] = np.rint(fraction[finite] * (COLOUR_BINS - 1)).astype(np.int64)
            self._bins[key] = bins
        rgba = np.asarray(colormap.map(np.linspace(0.0, 1.0, COLOUR_BINS), mode="byte"))
        self._palette = [QColor(int(r), int(g), int(b), int(a)) for r, g, b, a in rgba]
        self.update()

    def coloured(self) -> bool:
        """Whether an arrow is drawn in a colour of the scale (for the view checks: a colour bar is
        shown only beside values it colours)."""
        return any(bool((bins >= 0).any()) for bins in self._bins.values())

    def set_note(self, text: str) -> None:
        if text != self.note:
            self.note = text
            self.update()

    def set_revealed(self, recurrent: np.ndarray | None, columns: np.ndarray | None) -> None:
        self.revealed_recurrent, self.revealed_columns = recurrent, columns
        self.update()

    def set_style(self, font_pt: int, line_width: float) -> None:
        self.font_pt = font_pt
        self.line_scale = line_width / NORMAL_STYLE["line_width"]
        self.update()

    def label_width(self, step: int) -> float:
        """Pixels a state box needs across for its label at ``step`` ("h₁₀₀" at 100), with its margin."""
        font = QFont()
        font.setPointSizeF(self.font_pt)
        return QFontMetricsF(font).horizontalAdvance(f"h{subscript(max(1, int(step)))}") + LABEL_MARGIN_PX

    def labelled_span(self, width_px: float) -> float:
        """The most steps a view ``width_px`` wide shows with every state box labelled (the widest
        label, the last column's, fits the box)."""
        return width_px * 2 * BOX_HALF_WIDTH / self.label_width(self.structure.last_column) - 0.01  # a hair inside

    def state_half_height(self, row_px: float | None = None) -> float:
        """Half the height of a state box, in rows: its cell's size, taller (up to
        MAX_STATE_HALF_HEIGHT) where a row of ``row_px`` pixels (the view's, as last painted) is too
        low for the label (in "All plots" an RNN's boxes lost their labels)."""
        base = LSTM_HALF_HEIGHT if self.structure.lstm else STATE_HALF_HEIGHT
        row_px = self._row_px if row_px is None else row_px
        if row_px <= 0:
            return base
        font = QFont()
        font.setPointSizeF(self.font_pt)
        need = (QFontMetricsF(font).height() - 2) / (2 * row_px)
        return float(min(MAX_STATE_HALF_HEIGHT, max(base, need)))

    def _bin_width(self, bins: np.ndarray) -> np.ndarray:
        """Pen widths in pixels of colour bins: 1 px without a value, up to 5 px at the top of the scale."""
        return self.line_scale * np.where(bins >= 0, 1.0 + 4.0 * np.maximum(bins, 0) / (COLOUR_BINS - 1), 1.0)

    def arrow_width(self, key: str, index: tuple[int, int]) -> float:
        """Width in pixels of one arrow as drawn (when the gradient has reached it)."""
        bins = self._bins.get(key)
        return float(self._bin_width(np.asarray(-1 if bins is None else bins[index])))

    def arrow_colour(self, key: str, index: tuple[int, int], reached: bool = True) -> QColor:
        """Colour of one arrow as drawn: its value's on the colour scale, grey without a value, pale
        where Play has not reached it yet."""
        bins = self._bins.get(key)
        if bins is None or bins[index] < 0:
            return NO_VALUE
        return self._palette[int(bins[index])] if reached else NOT_REACHED

    # -- QGraphicsItem -----------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt naming)
        return self._bounds

    def visible_columns(self) -> range:
        view = self.getViewBox()
        last = self.structure.last_column
        if view is None:
            return range(0, last + 1)
        (x0, x1), _ = view.viewRange()
        return range(max(0, int(math.floor(x0))), min(last, int(math.ceil(x1))) + 1)

    def arrows(self, columns: range) -> dict[str, np.ndarray]:
        """Every arrow of ``columns`` in view coordinates: ``x0, y0`` (tail), ``x1, y1`` (head),
        ``bin`` (colour bin, -1: no value, -2: not reached yet) and ``dashed`` (the cell-state line)."""
        s = self.structure
        t = np.arange(max(1, columns.start), min(s.seq_len, columns.stop - 1) + 1)
        parts: list[tuple] = []
        if t.size == 0:
            return {}
        column = t - 1
        half_state = self.state_half_height()
        D, L = s.directions, s.layers
        reached_columns = np.ones(t.size, bool) if self.revealed_columns is None else self.revealed_columns[column]
        for j in range(L + 1):
            below = 0.0 if j == 0 else s.row_y(j * D - 1)
            above = s.output_y if j == L else s.row_y(j * D)
            start = below + (IO_HALF_HEIGHT if j == 0 else half_state)
            end = above - (IO_HALF_HEIGHT if j == L else half_state)
            # no arrow from an input that is not there (the decoder's steps)
            fed = slice(None) if j > 0 or s.input_steps is None else t <= s.input_steps
            parts.append((t[fed], np.full(t.size, start)[fed], t[fed], np.full(t.size, end)[fed],
                          self._bins["vertical"][j, column][fed], reached_columns[fed], False))
        for r in range(s.rows):
            reverse = D == 2 and r % D == 1
            source = t + 1 if reverse else t - 1
            edge = BOX_HALF_WIDTH if reverse else -BOX_HALF_WIDTH
            y = s.row_y(r)
            reached = np.ones(t.size, bool) if self.revealed_recurrent is None else self.revealed_recurrent[r, column]
            lanes = [("recurrent", y - 0.1 if s.lstm else y, False)] + ([("cell", y + 0.14, True)] if s.lstm else [])
            for key, lane, dashed in lanes:
                parts.append((source - edge, np.full(t.size, lane), t + edge, np.full(t.size, lane),
                              self._bins[key][r, column], reached, dashed))
        x0, y0, x1, y1 = (np.concatenate([np.asarray(part[i], dtype=np.float64) for part in parts]) for i in range(4))
        bins = np.concatenate([part[4] for part in parts])
        reached = np.concatenate([part[5] for part in parts])
        dashed = np.concatenate([np.full(len(part[0]), part[6]) for part in parts])
        bins = np.where((bins >= 0) & ~reached, -2, bins)
        return {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "bin": bins, "dashed": dashed}

    def paint(self, painter: QPainter, option, widget=None) -> None:
        s = self.structure
        if s.seq_len == 0 or self.values is None:
            return
        transform = painter.transform()
        # The view only scales and shifts (no rotation): map points by hand, not through QTransform.
        sx, sy, dx, dy = transform.m11(), transform.m22(), transform.dx(), transform.dy()
        self._row_px = abs(sy)
        columns = self.visible_columns()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        def at(x: float, y: float) -> QPointF:
            return QPointF(sx * x + dx, sy * y + dy)

        view = self.getViewBox()
        if view is not None:
            # nothing past the view's edges: the arrows into the first column and the labels of a
            # column just left of the view (its boxes' small labels, 16 state rows in presentation
            # mode) were painted over the axis and its row names
            (x0, x1), (y0, y1) = view.viewRange()
            painter.setClipRect(QRectF(at(x0, y1), at(x1, y0)).normalized(), Qt.ClipOperation.IntersectClip)
        arrows = self.arrows(columns)
        if arrows:
            self._paint_arrows(painter, arrows, (sx, sy, dx, dy))
        self._cached_boxes(painter, columns, at, (sx, sy, dx, dy))
        if self.note:
            self._paint_note(painter, at)
        painter.restore()

    def note_rect(self, at) -> QRectF:
        """Where the note goes, in device pixels: the view's width (inset), over the lower layers' rows
        (``at`` maps view coordinates to pixels)."""
        s = self.structure
        view = self.getViewBox()
        (x0, x1), _ = view.viewRange() if view is not None else ((0.0, s.last_column), None)
        top = s.row_y(s.rows - s.directions) - 0.5   # between the top layer and the one below
        bottom = s.row_y(0) - 0.4
        left, right = at(x0, top), at(x1, bottom)
        return QRectF(left, right).normalized().adjusted(12, 2, -12, -2)

    def _paint_note(self, painter: QPainter, at) -> None:
        font = QFont()
        font.setPointSizeF(self.font_pt)
        painter.setFont(font)
        room = self.note_rect(at)
        flags = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap)
        text = QFontMetricsF(font).boundingRect(room, flags, self.note).adjusted(-6, -3, 6, 3)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor(255, 255, 255, 225)))
        painter.drawRoundedRect(text, 4, 4)
        painter.setPen(QColor("#404040"))
        painter.drawText(room, flags, self.note)

    def _paint_arrows(self, painter: QPainter, arrows: dict, scale: tuple[float, float, float, float]) -> None:
        """Shafts and heads in device pixels, one pen and one brush per colour bin."""
        sx, sy, dx, dy = scale
        tail_x, tail_y = sx * arrows["x0"] + dx, sy * arrows["y0"] + dy
        head_x, head_y = sx * arrows["x1"] + dx, sy * arrows["y1"] + dy
        bins = arrows["bin"]
        width = self._bin_width(np.where(bins == -2, -1, bins))
        length = np.hypot(head_x - tail_x, head_y - tail_y)
        keep = length > 1e-6
        ux = np.where(keep, (head_x - tail_x) / np.where(keep, length, 1.0), 0.0)
        uy = np.where(keep, (head_y - tail_y) / np.where(keep, length, 1.0), 0.0)
        size = np.minimum(4.0 + 2.2 * width, 0.45 * length)
        base_x, base_y = head_x - ux * size, head_y - uy * size
        half = size * 0.55
        wings = (base_x - uy * half, base_y + ux * half, base_x + uy * half, base_y - ux * half)
        groups: dict[tuple[int, bool], list[int]] = {}
        for index in np.flatnonzero(keep):
            groups.setdefault((int(bins[index]), bool(arrows["dashed"][index])), []).append(int(index))
        for (colour_bin, dashed), members in groups.items():
            colour = NO_VALUE if colour_bin == -1 else NOT_REACHED if colour_bin == -2 else self._palette[colour_bin]
            pen = QPen(colour, float(width[members[0]]))
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLines([QLineF(tail_x[i], tail_y[i], base_x[i], base_y[i]) for i in members])
            heads = QPainterPath()
            for i in members:
                heads.addPolygon(QPolygonF([QPointF(head_x[i], head_y[i]), QPointF(wings[0][i], wings[1][i]),
                                            QPointF(wings[2][i], wings[3][i])]))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(colour))
            painter.drawPath(heads)

    def _cached_boxes(self, painter: QPainter, columns: range, at, scale: tuple) -> None:
        """``_boxes`` replayed from a QPicture while the structure, the columns in view, the
        view's scale and the style stay the same (a change of ρ changes none of them)."""
        s = self.structure
        half_state = self.state_half_height()
        shown = self._boxes_in_view(columns)
        key = (s, columns.start, columns.stop, scale, self.font_pt, self.line_scale, shown)
        if self._boxes_picture is None or key != self._boxes_key:
            picture = QPicture()
            recorder = QPainter(picture)
            try:
                recorder.setRenderHints(painter.renderHints())
                self._boxes(recorder, columns, at, half_state, shown)
            finally:
                recorder.end()
            self._boxes_picture, self._boxes_key = picture, key
        painter.drawPicture(0, 0, self._boxes_picture)

    def _boxes_in_view(self, columns: range) -> tuple[bool, bool]:
        """Whether the first and the last of ``columns`` have their boxes in the view (a column
        just past an edge is painted for its arrows only)."""
        view = self.getViewBox()
        if view is None or not len(columns):
            return True, True
        (x0, x1), _ = view.viewRange()
        return columns[0] + BOX_HALF_WIDTH > x0, columns[-1] - BOX_HALF_WIDTH < x1

    def _boxes(self, painter: QPainter, columns: range, at, half_state: float,
               shown: tuple[bool, bool] = (True, True)) -> None:
        """Every box of the columns in view, one fill at a time, labelled where the label fits
        (``shown``: whether the first and last columns' boxes are in view; a QPicture's text is
        not clipped to the view, and the small labels of a column just left of it lay over the
        axis' row names)."""
        if len(columns) and not shown[0]:
            columns = range(columns.start + 1, columns.stop)
        if len(columns) and not shown[1]:
            columns = range(columns.start, columns.stop - 1)
        s = self.structure
        T = s.seq_len
        font = QFont()
        font.setPointSizeF(self.font_pt)
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        boxes: dict[tuple[str, bool], list[tuple[QRectF, str]]] = {}
        loss_lines = []

        def add(t: int, y: float, half_height: float, fill: str, label: str, dashed: bool = False) -> None:
            rect = QRectF(at(t - BOX_HALF_WIDTH, y + half_height), at(t + BOX_HALF_WIDTH, y - half_height)).normalized()
            boxes.setdefault((fill, dashed), []).append((rect, label))

        for t in columns:
            index = subscript(t)
            initial = t == 0 or t == T + 1
            for r in range(s.rows):
                reverse = s.directions == 2 and r % 2 == 1
                if initial and (reverse != (t == T + 1)):
                    continue
                add(t, s.row_y(r), half_state, "#ffffff", f"h{index}", initial)
            if initial:
                continue
            if s.has_input(t):
                add(t, 0.0, IO_HALF_HEIGHT, "#e8f1fa", f"x{index}")
            else:   # the decoder reads no input: a pale box holding 0
                add(t, 0.0, IO_HALF_HEIGHT, NO_INPUT_FILL, "0", True)
            add(t, s.output_y, IO_HALF_HEIGHT, "#f2f2f2", f"y{index}")
            if t in s.loss_steps:
                add(t, s.loss_y, IO_HALF_HEIGHT, "#fbe3cf", f"L{index}")
                loss_lines.append((at(t, s.loss_y - IO_HALF_HEIGHT), at(t, s.output_y + IO_HALF_HEIGHT)))
        # the loss feeds back into y(t): a short line from L(t) down to y(t)
        painter.setPen(QPen(QColor(PALETTE[1]), 1.5 * self.line_scale))
        for top, bottom in loss_lines:
            painter.drawLine(top, bottom)
        for (fill, dashed), entries in boxes.items():
            pen = QPen(QColor("#404040"), 1.0)
            if dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(QBrush(QColor(fill)))
            for rect, _label in entries:
                radius = min(4.0, rect.height() / 4)
                painter.drawRoundedRect(rect, radius, radius)
        # labels only in the kinds of box the widest label fits (the last column's is the widest)
        widest = self.label_width(min(s.last_column, columns.stop - 1))
        painter.setPen(QColor("#202020"))
        for entries in boxes.values():
            room = entries[0][0]
            if widest <= room.width() and metrics.height() <= room.height() + 2:
                for rect, label in entries:
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)


class UnrolledPanel(PlotPanel):
    """The unrolled network with its gradient; Play animates BPTT (Space, arrow keys)."""

    name = "unrolled"
    title = QT_TRANSLATE_NOOP("Names", "Unrolled network")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.quantity = QComboBox()
        self.quantity.setObjectName("unrolled_quantity")
        self.quantity.addItem(self.tr("‖∂L/∂hₜ‖ (BPTT)"), "total")
        self.quantity.addItem(self.tr("‖∂Lτ/∂hₜ‖ of one loss step τ"), "itemized")
        self.quantity.addItem(self.tr("‖∂s(t₀+k)/∂s(t₀)‖ from the anchor"), "anchor")
        self.quantity.setToolTip(self.tr("What colours and widens the arrows: the whole loss's gradient on "
                                         "every state, the gradient of the loss at one step τ, or the "
                                         "Jacobian product from the anchor t₀"))
        self.tau_spin = QSpinBox()
        self.tau_spin.setObjectName("unrolled_tau")
        self.tau_spin.setRange(1, 1)
        self.tau_spin.setPrefix("τ = ")
        self.tau_spin.setToolTip(self.tr("The loss step τ whose gradient the arrows show (the steps that "
                                         "carry a loss)"))
        self.tau_spin.setEnabled(False)
        self.play_button = QToolButton()
        self.play_button.setObjectName("unrolled_play")
        self.play_button.setCheckable(True)
        self.play_button.setText(self.tr("Play"))
        self.play_button.setToolTip(self.tr("Run backpropagation through time step by step (Space: play or "
                                            "pause; ← →: one step, when the plot has the focus)"))
        self.speed = QComboBox()
        self.speed.setObjectName("unrolled_speed")
        for steps in SPEEDS:
            self.speed.addItem(self.tr("%n steps/s", "", steps), steps)
        self.speed.setCurrentIndex(SPEEDS.index(DEFAULT_SPEED))
        self.speed.setToolTip(self.tr("How many steps Play reveals per second"))
        # One row of controls, or two where the panel is narrower than they are (in presentation mode
        # at 1280×720 the speed chooser lay half outside the panel, the quantity's text was cut).
        self._controls = [self.chrome(QLabel(self.tr("Gradient:"))), self.chrome(self.quantity),
                          self.chrome(self.tau_spin), self.chrome(self.play_button), self.chrome(self.speed)]
        self._control_rows = (QHBoxLayout(), QHBoxLayout())
        self._two_rows: bool | None = None
        self.layout().insertLayout(0, self._control_rows[0])
        self.layout().insertLayout(1, self._control_rows[1])
        self._arrange_controls(two=False)

        self.plot = self.add_plot(0, 0, self.tr("Unrolled network"), (self.tr("step t"), None), ("", None),
                                  hover=self._hover_text, left_axis_chars=5.0, whole_x=True)
        self.plot.showGrid(x=False, y=False)
        self.plot.vb.setMouseEnabled(x=True, y=False)
        self.plot.vb.disableAutoRange()
        self.plot.hideButtons()
        self.truncation = pg.LinearRegionItem(movable=False, brush=TRUNCATION_BRUSH,
                                              pen=pg.mkPen(QColor(230, 159, 0), width=1))
        self.truncation.setZValue(-10)
        self.truncation.hide()
        self.plot.addItem(self.truncation, ignoreBounds=True)
        self.diagram = UnrolledDiagram()
        self.plot.addItem(self.diagram)
        self.scale = self.register_heatmap(Heatmap(self.plot, "viridis", self.tr("log₁₀ ‖∂L/∂hₜ‖"),
                                                   short_label="log₁₀"))
        self.plot.vb.setBackgroundColor(QColor("#ffffff"))
        self.colormap = pg.colormap.get("viridis")

        # a steady y range: the strip shows no values, and a range that followed the data laid its
        # axis out again on every change of ρ (~0.5-1 ms)
        self.overview = self.add_plot(1, 0, "", ("", None), ("", None), left_axis_chars=5.0, steady_y=True)
        self.overview.setMouseEnabled(x=False, y=False)
        self.overview.hideButtons()
        self.overview.getAxis("left").setStyle(showValues=False, tickLength=0)   # no values: no ladder of bare ticks
        self.overview.showGrid(x=False, y=False)
        # Thin, aliased and peak-downsampled to the strip's pixels: 2000 antialiased points took ~30 ms
        # to stroke on every repaint of the panel.
        self.overview_curve = self.overview.plot(connect="finite", antialias=False,
                                                 pen=pg.mkPen(PALETTE[0], width=1))
        self.overview_curve.setDownsampling(auto=True, method="peak")
        self.overview_curve.setClipToView(True)
        self.window_region = pg.LinearRegionItem(brush=QColor(0, 114, 178, 40),
                                                 pen=pg.mkPen(QColor(0, 114, 178), width=1))
        self.overview.addItem(self.window_region, ignoreBounds=True)
        self.front_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(PALETTE[1], width=1))
        self.front_line.hide()
        self.overview.addItem(self.front_line, ignoreBounds=True)
        layout = self.graphics.ci.layout
        layout.setRowStretchFactor(0, 5)
        layout.setRowStretchFactor(1, 1)
        self.overview.setMaximumHeight(90)
        self.overview_note = self.empty_note(self.overview)

        # an encoder–decoder's step N | N + 1, as on the other time axes; its label at the very bottom,
        # below the input boxes
        self.boundary = EncoderBoundary(self, label_position=BOUNDARY_LABEL_POSITION)
        self.values: ArrowValues | None = None
        self.structure = Structure()
        self.revealed: int | None = None   # steps the gradient has reached during Play; None: all
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self._syncing = False
        self.quantity.currentIndexChanged.connect(lambda _index: self._restart_and_redraw())
        self.tau_spin.valueChanged.connect(self._on_tau)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.speed.currentIndexChanged.connect(lambda _index: self._apply_speed())
        self.plot.vb.sigXRangeChanged.connect(lambda *_args: self._view_moved())
        self.window_region.sigRegionChanged.connect(self._region_moved)
        self.plot.vb.sigResized.connect(lambda *_args: self._resized())
        self.graphics.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.graphics.installEventFilter(self)
        self.graphics.setToolTip(self.tr("Wheel: zoom in time · drag: pan · Space: play/pause · ← →: one step "
                                         "(click the plot first) · double-click: this plot alone"))
        self._apply_speed()

    def _arrange_controls(self, two: bool) -> None:
        if two == self._two_rows:
            return
        self._two_rows = two
        for row in self._control_rows:
            while row.count():
                row.takeAt(0)
        split = 2 if two else len(self._controls)
        for row, widgets in zip(self._control_rows, (self._controls[:split], self._controls[split:])):
            for widget in widgets:
                row.addWidget(widget)
            row.addStretch(1)

    def _fit_controls(self) -> None:
        """Two rows of controls where one row of them is wider than the panel."""
        spacing = max(0, self._control_rows[0].spacing())
        margins = self.layout().contentsMargins()
        need = (sum(widget.sizeHint().width() for widget in self._controls) + spacing * len(self._controls)
                + margins.left() + margins.right())
        self._arrange_controls(two=need > self.width())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._fit_controls()

    def controls_outside(self) -> list[str]:
        """The controls above the diagram that reach past the panel's right edge."""
        return [f"'{getattr(widget, 'currentText', getattr(widget, 'text', str))()}' lies past the panel's edge"
                for widget in self._controls
                if widget.isVisible() and widget.mapTo(self, widget.rect().topRight()).x() > self.width()]

    # -- data -------------------------------------------------------------------------------
    def current_quantity(self) -> str:
        return self.quantity.currentData()

    def show_fast(self, fast) -> None:
        previous = self.fast
        self.fast = fast
        T = int(fast.config.seq_len)
        loss_steps = tuple(int(step) for step in np.asarray(fast.loss_steps).ravel())
        fed = input_steps(fast.config)
        structure = Structure(T, int(fast.net.num_layers), _directions(fast), bool(fast.net.is_lstm), loss_steps,
                              None if fed >= T else fed)
        if structure != self.structure:
            self.structure = structure
            self.diagram.set_structure(structure)
            self._fit_row_range()
            self._fit_label_font()
            self._set_limits()
            self._fit_row_ticks()
        self.tau_spin.blockSignals(True)
        if (self.tau_spin.minimum(), self.tau_spin.maximum()) != (1, T):   # (each call lays the panel out)
            self.tau_spin.setRange(1, T)
        if previous is None or self.tau_spin.value() not in self._itemized_steps():
            self.tau_spin.setValue(self._nearest_itemized(self.tau_spin.value() if previous else T, +1))
        self.tau_spin.blockSignals(False)
        new_length = previous is None or int(previous.config.seq_len) != T
        if new_length and self.plot in self._zoomed:
            self._zoomed.remove(self.plot)  # a new length: the window starts again where BPTT starts
        self.boundary.show([self.plot, self.overview], fast, label_plot=self.plot)
        self._fit_row_range()   # room for the boundary's label, or none
        if self.revealed is not None:
            self.revealed = 0          # Play starts again for the new configuration
        self._redraw(new_window=new_length)

    def _itemized_steps(self) -> np.ndarray:
        """Loss steps τ (1-based) whose itemized row holds values: those with ‖∂L_τ/∂h_τ‖ on the
        diagonal (a T × T scan of the matrix took ~5 ms at T = 2000)."""
        if self.fast is None:
            return np.zeros(0, dtype=np.int64)
        rows = np.flatnonzero(np.diagonal(np.asarray(self.fast.itemized))) + 1
        return rows if rows.size else np.asarray(self.fast.loss_steps, dtype=np.int64)

    def _nearest_itemized(self, tau: int, direction: int) -> int:
        steps = self._itemized_steps()
        if steps.size == 0:
            return int(tau)
        later, earlier = steps[steps >= tau], steps[steps <= tau]
        if direction >= 0:
            return int(later[0]) if later.size else int(earlier[-1])
        return int(earlier[-1]) if earlier.size else int(later[0])

    def _restart_and_redraw(self) -> None:
        """Another quantity or loss step: Play (if it ran) starts again, the window where it starts."""
        if self.revealed is not None:
            self.revealed = 0
        self._redraw(new_window=True)

    def _on_tau(self, value: int) -> None:
        steps = self._itemized_steps()
        if steps.size and value not in steps:
            previous = getattr(self, "_tau_shown", value)
            snapped = self._nearest_itemized(value, +1 if value >= previous else -1)
            self.tau_spin.blockSignals(True)
            self.tau_spin.setValue(snapped)
            self.tau_spin.blockSignals(False)
        self._restart_and_redraw()

    def tau(self) -> int:
        return int(self.tau_spin.value())

    def _redraw(self, new_window: bool = False) -> None:
        fast = self.fast
        if fast is None:
            return
        quantity = self.current_quantity()
        self.tau_spin.setEnabled(quantity == "itemized")
        self._tau_shown = self.tau()
        self.values = arrow_values(fast, quantity, self.tau())
        # One sequential map for every quantity: a diverging one (as the map plot's) is white around
        # a norm of 1, and white arrows vanish on the white background.
        levels = self.values.levels()
        colormap = self.colormap
        # no value to colour: every arrow is grey, and the colour bar is not shown (it read 0 … 1)
        self.diagram.set_values(self.values, levels or (0.0, 1.0), colormap)
        self.scale.set_scale(levels, colormap)
        self.scale.set_label(*self._scale_label(quantity))
        self._update_note()
        self._update_truncation()
        self._update_overview()
        self._apply_reveal()
        if new_window:
            self.fit_ranges()
        self._update_title()

    def _scale_label(self, quantity: str) -> tuple[str, str]:
        """The colour bar's label (it also gives the arrows' width; an LSTM's dashed c line is on the
        same scale, and the label says what it shows)."""
        lstm = self.structure.lstm
        if quantity == "total":
            if lstm:
                return self.tr("log₁₀ ‖∂L/∂hₜ‖; dashed: ‖∂L/∂cₜ‖"), self.tr("log₁₀")
            return self.tr("log₁₀ ‖∂L/∂hₜ‖"), self.tr("log₁₀")
        if quantity == "itemized":
            if lstm:
                return self.tr("log₁₀ ‖∂Lτ/∂hₜ‖; dashed: ‖∂Lτ/∂cₜ‖"), self.tr("log₁₀")
            return self.tr("log₁₀ ‖∂Lτ/∂hₜ‖"), self.tr("log₁₀")
        if self.structure.layers > 1:
            return self.tr("log₁₀ ‖∂sˡ(t₀+k)/∂sˡ(t₀)‖ of each layer"), self.tr("log₁₀")
        return self.tr("log₁₀ ‖∂s(t₀+k)/∂s(t₀)‖"), self.tr("log₁₀")

    def _update_note(self) -> None:
        """Say on the plot why the lower layers have no itemized values at this τ (the engine itemizes
        every layer for as many loss steps as its budget allows)."""
        note = ""
        if self.current_quantity() == "itemized" and self.structure.layers > 1 and \
                lower_layers_itemized(self.fast, self.tau()) is None:
            if getattr(self.fast, "layer_itemized", None) is None:
                note = self.tr("Lower layers: not itemized for a network this large (time budget)")
            else:
                note = self.tr("Lower layers: itemized only at some loss steps (time budget), not at this τ")
        self.diagram.set_note(note)

    def _update_truncation(self) -> None:
        span = self.truncation_span()
        if span is None:
            self.truncation.hide()
        else:
            self.truncation.setRegion(span)
            self.truncation.show()

    def truncation_span(self) -> tuple[float, float] | None:
        """Steps the truncated gradient of the loss at τ (or the last loss step) reaches: [τ − k, τ]
        (±½ a step, so the span covers their boxes); None for full BPTT or the anchor view."""
        fast = self.fast
        if fast is None or fast.truncate is None or self.current_quantity() == "anchor" \
                or fast.truncate >= fast.config.seq_len:
            return None
        tau = self.tau() if self.current_quantity() == "itemized" else int(np.max(fast.loss_steps))
        low = max(1, tau - int(fast.truncate))
        high = tau
        if self.structure.directions == 2:
            high = min(self.structure.seq_len, tau + int(fast.truncate))
        return low - 0.5, high + 0.5

    def _update_overview(self) -> None:
        values = self.values
        T = self.structure.seq_len
        # the strip shows, for every step, the largest value in its column
        stacked = np.vstack([values.recurrent, values.vertical] + ([values.cell] if values.cell is not None else []))
        finite = np.isfinite(stacked)
        column = np.where(finite.any(axis=0), np.max(np.where(finite, stacked, -np.inf), axis=0), np.nan)
        few = T <= SHOW_ALL_STEPS  # a few steps: a marker on each (one step would be no line at all)
        steps = np.arange(1, T + 1, dtype=np.float64)
        if not np.isfinite(column).any():   # nothing to show (all weights zero): no markers at NaN,
            steps, column = steps[:0], column[:0]   # of which pyqtgraph warns "All-NaN slice"
        self.overview_curve.setData(steps, column, symbol="o" if few else None,
                                    symbolSize=5, symbolPen=None, symbolBrush=PALETTE[0])
        _integer_ticks(self.overview.getAxis("bottom"), T)
        if not np.isfinite(column).any():
            self.overview.setYRange(0, 1, padding=0)
        else:
            self.overview.enableAutoRange(axis="y")
        self.overview_note.set_text("" if np.isfinite(column).any() else self._empty_text())
        self.overview.setXRange(0.5, T + 0.5, padding=0.01)

    def _empty_text(self) -> str:
        """Why the overview strip is empty: every value of the quantity shown is exactly 0 (all weights zero)."""
        if self.current_quantity() == "anchor":
            return self.tr("All Jacobian products are exactly 0")
        return self.tr("All gradients are exactly 0")

    # -- the window ---------------------------------------------------------------------------
    def widest_window(self) -> float:
        """The most steps the view shows (zoomed out as far as it goes): no more than every state
        box's label fits at this width and font size, and :data:`MAX_VISIBLE_STEPS`."""
        width = self.plot.vb.width()
        if width <= 0:
            return float(MAX_VISIBLE_STEPS)
        return float(np.clip(self.diagram.labelled_span(width), MIN_VISIBLE_STEPS, MAX_VISIBLE_STEPS))

    def _set_limits(self) -> None:
        limits = dict(xMin=-1.0, xMax=self.structure.last_column + 1.0, minXRange=MIN_VISIBLE_STEPS,
                      maxXRange=self.widest_window())
        if limits != getattr(self, "_limits", None):
            self._limits = limits
            self.plot.setLimits(**limits)

    def default_steps(self) -> int:
        """Steps the window shows by default: what the plot's width holds readably (STEP_EM font
        sizes a step), and never more than keep their labels (27 steps of T = 100 in a 1264 px
        panel were boxes without labels)."""
        width = self.plot.vb.width()
        if width <= 0:
            return MAX_DEFAULT_STEPS
        step_px = STEP_EM * self.style["font_pt"] * 96.0 / 72.0
        roomy = int(np.clip(width // step_px, MIN_DEFAULT_STEPS, MAX_DEFAULT_STEPS))
        labelled = math.floor(self.widest_window() - WINDOW_SLACK)
        return max(1, min(roomy, labelled))

    def default_window(self) -> tuple[float, float]:
        """The steps shown until the user pans or zooms: the whole sequence where it fits
        :meth:`default_steps` or keeps its labels, else that many, ending where BPTT starts (the loss step τ, the last
        loss step) or starting at the anchor."""
        s = self.structure
        steps = self.default_steps()
        if s.last_column + 1 <= steps or s.last_column + 1.4 <= self.widest_window():
            return -0.7, s.last_column + 0.7   # the whole sequence: as many steps fit, labelled
        start = self.play_start()
        if self.current_quantity() == "anchor":
            low = max(-0.7, start - 1.5)
            return low, round(low + steps) + 0.5
        high = min(s.last_column + 0.7, start + 1.5)
        # the left edge just past the right side of a column's boxes: no box is cut by the axis,
        # and the first whole box stands as far from it as the sequence's first box does (0.4 step)
        return round(high - steps) - (1.0 - BOX_HALF_WIDTH) + 0.05, high

    def fit_ranges(self) -> None:
        if self.fast is None:
            return
        self.set_view_range(self.plot, x_range=self.default_window())

    def window(self) -> tuple[float, float]:
        return tuple(self.plot.vb.viewRange()[0])

    def _view_moved(self) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self.window_region.setRegion(self.window())
        finally:
            self._syncing = False
        low, high = self.window()
        _integer_ticks(self.plot.getAxis("bottom"), high - low)
        self.boundary.set_span((low, high))
        self._update_title()

    def _region_moved(self) -> None:
        if self._syncing or self.fast is None:
            return
        low, high = self.window_region.getRegion()
        self._syncing = True
        try:
            self.plot.setXRange(low, high, padding=0)
        finally:
            self._syncing = False
        self._zoomed_by_user(self.plot)
        self._update_title()

    def _update_title(self) -> None:
        if self.fast is None:
            return
        anchor = self.tr("‖∂s(t₀+k)/∂s(t₀)‖, t₀ = %1") if self.structure.layers == 1 else \
            self.tr("‖∂sˡ(t₀+k)/∂sˡ(t₀)‖ of each layer l, t₀ = %1")
        names = {"total": self.tr("‖∂L/∂hₜ‖"), "itemized": self.tr("‖∂Lτ/∂hₜ‖, τ = %1").replace("%1", str(self.tau())),
                 "anchor": anchor.replace("%1", str(self.fast.config.anchor))}
        what = names[self.current_quantity()]
        if self.structure.lstm:
            what += self.tr("; dashed: c→c block") if self.current_quantity() == "anchor" else \
                self.tr("; dashed: c line")
        if self.fast.truncate is not None and self.current_quantity() != "anchor":
            what += self.tr(", truncated at k = %1").replace("%1", str(self.fast.truncate))
        first, last = self.whole_steps()
        T = self.structure.seq_len
        where = self.tr("steps %1–%2 of %3").replace("%1", str(first)).replace("%2", str(last)).replace("%3", str(T))
        # Shorter where the whole title does not fit: the range in numbers, never dropped (the x
        # axis says they are steps t).
        self.plot.short_title = f"{what} · {first}–{last}/{T}"
        self.set_title(self.plot, f"{what} · {where}")

    def whole_steps(self) -> tuple[int, int]:
        """The first and last step whose boxes lie wholly in view."""
        low, high = self.window()
        first = max(1, math.ceil(low + BOX_HALF_WIDTH))
        return first, max(first, min(self.structure.seq_len, math.floor(high - BOX_HALF_WIDTH)))

    @staticmethod
    def label_pt(row_px: float, largest: float) -> float | None:
        """The largest font size from ``largest`` down to MIN_TEXT_PT whose labels fit state boxes
        in rows ``row_px`` high (the boxes grow up to MAX_STATE_HALF_HEIGHT for them); None: none."""
        points = float(largest)
        while points >= MIN_TEXT_PT:
            font = QFont()
            font.setPointSizeF(points)
            if 2 * MAX_STATE_HALF_HEIGHT * row_px + 2 >= QFontMetricsF(font).height():
                return points
            points -= 1.0
        return None

    def rows_labelled(self, state_rows: int, plot_px: float, font_pt: float) -> bool:
        """Whether ``state_rows`` rows of state boxes (layers × directions) keep their labels, at
        ``font_pt`` or smaller, in a plot area ``plot_px`` high."""
        rows = state_rows + 3 + 2 * ROW_MARGIN   # x, the state rows, y, L and the margins
        return plot_px > 0 and self.label_pt(plot_px / rows, font_pt) is not None

    def _fit_label_font(self) -> None:
        """The boxes' labels at the style's size, or smaller where the rows are too low for it (16
        state rows of a stacked bidirectional network in presentation mode), down to MIN_TEXT_PT."""
        low, high = self.plot.vb.viewRange()[1]
        row_px = self.plot.vb.height() / max(high - low, 1e-9)
        largest = self.style["font_pt"]
        points = self.label_pt(row_px, largest) if row_px > 0 else largest
        points = MIN_TEXT_PT if points is None else points
        if points != self.diagram.font_pt:
            self.diagram.set_style(points, self.style["line_width"])

    def row_range(self) -> tuple[float, float]:
        """The y range: the input row x to the loss row L with ROW_MARGIN rows beyond, and below the
        input boxes the room the encoder–decoder boundary's label needs (it sits at the view's bottom
        edge; in all plots the margin below the boxes was lower than the label, which lay over the
        input boxes next to the boundary)."""
        low, high = -ROW_MARGIN, self.structure.loss_y + ROW_MARGIN
        view_px = self.plot.vb.height()
        need = self.boundary.label_height()
        if need > 0 and view_px > 0:
            need += BOUNDARY_LABEL_POSITION * view_px + 1.0
            if view_px > need:
                # (−IO_HALF_HEIGHT − low) rows of view_px / (high − low) pixels each hold the label
                low = min(low, -(need * high + IO_HALF_HEIGHT * view_px) / (view_px - need))
        return low, high

    def _fit_row_range(self) -> None:
        low, high = self.row_range()
        shown = self.plot.vb.viewRange()[1]
        if abs(shown[0] - low) > 1e-3 or abs(shown[1] - high) > 1e-3:
            self.plot.setYRange(low, high, padding=0)

    def _resized(self) -> None:
        self._fit_row_range()
        self._fit_label_font()
        self._set_limits()
        self._fit_row_ticks()
        if self.fast is not None and not self.user_zoomed(self.plot) and not self.is_playing():
            self.fit_ranges()   # as many steps as the new width holds

    def _fit_row_ticks(self) -> None:
        """Row names on the left axis: x, each layer (→ ←), y, L; every n-th where rows are close."""
        s = self.structure
        labels = [(0.0, "x")]
        for layer in range(s.layers):
            for direction in range(s.directions):
                name = f"h{layer + 1}" if s.layers > 1 else "h"
                if s.directions == 2:
                    name += " →" if direction == 0 else " ←"
                labels.append((s.row_y(layer * s.directions + direction), name))
        labels += [(s.output_y, "y"), (s.loss_y, "L")]
        height = self.plot.vb.height()
        font = QFont()
        font.setPointSize(self.style["font_pt"])
        needed = QFontMetricsF(font).height()
        rows = s.loss_y + 1.5
        per_row = height / rows if height > 0 else needed
        stride = max(1, int(math.ceil(needed / max(per_row, 1e-6))))
        ticks = [[entry for index, entry in enumerate(labels) if index % stride == 0]]
        axis = self.plot.getAxis("left")
        if ticks != axis._tickLevels:  # laying the axis out again costs a few ms
            axis.setTicks(ticks)

    # -- Play ---------------------------------------------------------------------------------
    def play_start(self) -> int:
        """The step where the gradient starts: τ, the last loss step (BPTT), or t₀ + 1 (anchor)."""
        fast = self.fast
        quantity = self.current_quantity()
        if quantity == "anchor":
            return int(fast.config.anchor) + 1
        if quantity == "itemized":
            return self.tau()
        return int(np.max(fast.loss_steps)) if len(fast.loss_steps) else self.structure.seq_len

    def play_length(self) -> int:
        """Steps Play takes from its start until the gradient has reached every step it reaches."""
        s, fast = self.structure, self.fast
        start = self.play_start()
        quantity = self.current_quantity()
        if quantity == "anchor":
            return s.seq_len - start + 1
        k = fast.truncate if fast.truncate is not None and quantity == "itemized" else None
        forward = start if k is None else min(start, k + 1)
        if s.directions == 1:
            return forward
        first = self.tau() if quantity == "itemized" else int(np.min(fast.loss_steps))
        backward = s.seq_len - first + 1
        return max(forward, backward if k is None else min(backward, k + 1))

    def reveal_masks(self, progress: int | None) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(rows, T) recurrent arrows and (T,) columns the gradient has reached after ``progress``
        steps of Play (None, None: everything)."""
        if progress is None:
            return None, None
        s = self.structure
        steps = np.arange(1, s.seq_len + 1)
        start = self.play_start()
        if self.current_quantity() == "anchor":
            forward = (steps >= start) & (steps < start + progress)
            backward = np.zeros_like(forward)
        else:
            forward = (steps <= start) & (steps > start - progress)
            first = self.tau() if self.current_quantity() == "itemized" else int(np.min(self.fast.loss_steps))
            backward = (steps >= first) & (steps < first + progress)
        rows = np.zeros((s.rows, s.seq_len), dtype=bool)
        for r in range(s.rows):
            rows[r] = backward if (s.directions == 2 and r % 2 == 1) else forward
        if s.directions == 2 and self.current_quantity() != "anchor":
            # below the top, each direction also gets what the other direction above it carried
            # back to step t: the gradient reaches the lower rows wherever either front has been
            rows[:s.rows - 2] = forward | backward
        columns = forward | backward if s.directions == 2 else forward
        return rows, columns

    def front(self) -> int | None:
        """The step the gradient has just reached during Play (None: not playing, or not started)."""
        if self.revealed is None or self.revealed == 0 or self.fast is None:
            return None
        start = self.play_start()
        if self.current_quantity() == "anchor":
            return min(self.structure.seq_len, start + self.revealed - 1)
        return max(1, start - self.revealed + 1)

    def _apply_reveal(self) -> None:
        if self.fast is None:
            return
        if self.revealed is not None:
            self.revealed = int(np.clip(self.revealed, 0, self.play_length()))
        rows, columns = self.reveal_masks(self.revealed)
        self.diagram.set_revealed(rows, columns)
        front = self.front()
        if front is None:
            self.front_line.hide()
        else:
            self.front_line.setValue(front)
            self.front_line.show()
            self._follow(front)

    def _follow(self, step: int) -> None:
        """Pan so that the front stays in view (it moves out of a window the user zoomed, too)."""
        low, high = self.window()
        if low + 0.5 <= step <= high - 0.5:
            return
        width = high - low
        centre = step - width * 0.25 if self.current_quantity() != "anchor" else step + width * 0.25
        self.plot.setXRange(*whole_columns_window(centre - width / 2, centre + width / 2,
                                                  self.structure.last_column), padding=0)

    def play(self) -> None:
        """Start (or resume) Play; from the start when it had finished or never ran."""
        if self.fast is None:
            return
        if self.revealed is None or self.revealed >= self.play_length():
            self.revealed = 0
            self._apply_reveal()
        self.timer.start()
        self._set_play_checked(True)

    def pause(self) -> None:
        self.timer.stop()
        self._set_play_checked(False)

    def is_playing(self) -> bool:
        return self.timer.isActive()

    def step(self, steps: int = 1) -> None:
        """Move the front by ``steps`` (negative: back); pauses Play."""
        if self.fast is None:
            return
        self.pause()
        current = self.play_length() if self.revealed is None else self.revealed
        self.revealed = int(np.clip(current + steps, 0, self.play_length()))
        self._apply_reveal()

    def show_all(self) -> None:
        """Stop Play and show every arrow."""
        self.pause()
        self.revealed = None
        self._apply_reveal()

    def _tick(self) -> None:
        if self.fast is None or self.revealed is None:
            self.pause()
            return
        self.revealed += 1
        self._apply_reveal()
        if self.revealed >= self.play_length():
            self.pause()

    def _on_play_toggled(self, checked: bool) -> None:
        if checked and not self.is_playing():
            self.play()
        elif not checked and self.is_playing():
            self.pause()

    def _set_play_checked(self, checked: bool) -> None:
        self.play_button.blockSignals(True)
        self.play_button.setChecked(checked)
        self.play_button.setText(self.tr("Pause") if checked else self.tr("Play"))
        self.play_button.blockSignals(False)

    def _apply_speed(self) -> None:
        self.timer.setInterval(max(1, int(round(1000 / self.speed.currentData()))))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if watched is self.graphics and event.type() == QEvent.Type.KeyPress and self.handle_key(event.key()):
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if not self.handle_key(event.key()):
            super().keyPressEvent(event)

    def handle_key(self, key: int) -> bool:
        """Space plays or pauses; the arrow key in the direction the front moves steps forward, the
        other back (BPTT moves left, the anchor's product right)."""
        if key == Qt.Key.Key_Space:
            self.pause() if self.is_playing() else self.play()
            return True
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            onward = Qt.Key.Key_Right if self.current_quantity() == "anchor" else Qt.Key.Key_Left
            self.step(1 if key == onward else -1)
            return True
        return False

    # -- style, hover, export --------------------------------------------------------------------
    def restyle(self, force: bool = False) -> None:
        super().restyle(force)
        self._fit_controls()   # their font follows the style
        self.diagram.set_style(self.style["font_pt"], self.style["line_width"])
        self.boundary.restyle()
        self._fit_row_range()
        self._fit_label_font()
        self._set_limits()
        self._fit_row_ticks()

    def row_name(self, row: int) -> str:
        s = self.structure
        layer, direction = divmod(row, s.directions)
        text = self.tr("layer %1").replace("%1", str(layer + 1))
        if s.directions == 2:
            text += self.tr(" forward") if direction == 0 else self.tr(" backward")
        return text

    def _hover_text(self, x: float, y: float) -> str:
        if self.values is None:
            return ""
        s = self.structure
        t = int(round(x))
        if not 1 <= t <= s.seq_len:
            return ""
        level = y - 1.0
        if -0.5 <= level < s.rows - 0.5:
            row = int(round(level))
            value = self.values.recurrent[row, t - 1]
            text = self.tr("t = %1, %2: arrow into h(t) %3").replace("%1", str(t)).replace(
                "%2", self.row_name(row)).replace("%3", _log_text(value))
            if self.values.cell is not None:
                text += self.tr(", c line %1").replace("%1", _log_text(self.values.cell[row, t - 1]))
            return text
        if y < 0.5:
            if not s.has_input(t):
                return self.tr("t = %1: x(t) = 0, the decoder reads no input").replace("%1", str(t))
            return self.tr("t = %1: x(t) → h(t) %2").replace("%1", str(t)).replace(
                "%2", _log_text(self.values.vertical[0, t - 1]))
        if y < s.output_y + 0.5:
            return self.tr("t = %1: h(t) → y(t) %2").replace("%1", str(t)).replace(
                "%2", _log_text(self.values.vertical[s.layers, t - 1]))
        return self.tr("t = %1: loss L(t) %2").replace("%1", str(t)).replace(
            "%2", self.tr("yes") if t in s.loss_steps else self.tr("none"))

    def own_view_problems(self) -> list[str]:
        """What this view hides, beyond every plot's checks (see ``rnnviz.app.plots.invariants``):
        state boxes too narrow or low for their labels, a box cut by the view's edge (unless the user
        panned or zoomed there), a title without the steps in view."""
        if self.fast is None or not self.isVisible() or self.plot.vb.width() <= 0:
            return []
        s = self.structure
        low, high = self.window()
        problems = []
        per_step = self.plot.vb.width() / (high - low)
        per_row = self.plot.vb.height() / (s.loss_y + 1.5)
        widest = self.diagram.label_width(min(s.last_column, int(high)))
        half = self.diagram.state_half_height(per_row)
        font = QFont()
        font.setPointSizeF(self.diagram.font_pt)
        if 2 * BOX_HALF_WIDTH * per_step < widest or 2 * half * per_row + 2 < QFontMetricsF(font).height():
            problems.append(f"unrolled boxes without labels ({2 * BOX_HALF_WIDTH * per_step:.0f} × "
                            f"{2 * half * per_row:.0f} px, labels {widest:.0f} px wide)")
        if not self.user_zoomed(self.plot) and (cuts_a_box(low) or cuts_a_box(high)):
            problems.append(f"unrolled view {low:.2f}…{high:.2f}: an edge cuts a column's boxes")
        label = self.boundary.shown_label()
        if label is not None:
            margin = float(label.textItem.document().documentMargin())
            text = label.textItem.sceneBoundingRect().adjusted(margin, margin, -margin, -margin)
            inputs = self.plot.vb.mapViewToScene(QRectF(low, -IO_HALF_HEIGHT, high - low, 2 * IO_HALF_HEIGHT))
            if text.intersects(inputs.boundingRect()):
                problems.append(f"the label '{label.toPlainText()}' lies over the input boxes")
        problems += [f"{text} (cut)" for text in self.controls_outside()]
        for combo in (self.quantity, self.speed):
            style = combo.style()

            option = QStyleOptionComboBox()
            combo.initStyleOption(option)
            room = style.subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                        QStyle.SubControl.SC_ComboBoxEditField, combo).width()
            need = combo.fontMetrics().horizontalAdvance(combo.currentText())
            if need > room + 1:
                problems.append(f"'{combo.currentText()}' is cut ({need} px in {room})")
        first, last = self.whole_steps()
        shown = self.plot.titleLabel.text
        if f"{first}–{last}" not in shown:
            problems.append(f"unrolled title '{shown}' does not name the steps in view ({first}–{last})")
        return problems

    def csv_notes(self) -> list[str]:
        if self.fast is None:
            return []
        low, high = self.window()
        return [f"quantity: {self.current_quantity()}" + (f", tau = {self.tau()}" if self.current_quantity() == "itemized" else ""),
                "values: log10 norms (nan: no value); recurrent_<row>: the arrow into h(t) of row = layer*D + "
                "direction; cell_<row>: the cell-state line; up_<layer>: the arrow into that layer from below "
                f"(up_0 from x(t)), up_{self.structure.layers}: h(t) -> y(t); revealed: reached by Play "
                "(1 when not playing)",
                f"window shown: steps {low:.1f} to {high:.1f}"]

    def csv_tables(self):
        if self.values is None:
            return {}
        s = self.structure
        steps = np.arange(1, s.seq_len + 1, dtype=np.float64)
        rows, columns = self.reveal_masks(self.revealed)
        revealed = np.ones(s.seq_len) if columns is None else columns.astype(np.float64)
        names = ["t"] + [f"recurrent_{r}" for r in range(s.rows)]
        data = [steps] + list(self.values.recurrent)
        if self.values.cell is not None:
            names += [f"cell_{r}" for r in range(s.rows)]
            data += list(self.values.cell)
        names += [f"up_{j}" for j in range(s.layers + 1)] + ["revealed"]
        data += list(self.values.vertical) + [revealed]
        return {"unrolled": (names, np.column_stack(data))}


def _integer_ticks(axis: pg.AxisItem, span: float) -> None:
    """Ticks on whole steps only (1, 2, 5, 10, … apart), about eight along ``span`` steps."""
    raw = max(1.0, span / 8.0)
    exponent = 10 ** math.floor(math.log10(raw))
    spacing = next(step * exponent for step in (1, 2, 5, 10) if step * exponent >= raw)
    if getattr(axis, "_rnnviz_spacing", None) != spacing:
        axis._rnnviz_spacing = spacing
        axis.setTickSpacing(spacing, spacing)


def _log_text(value: float) -> str:
    return f"log₁₀ = {value:.3g}" if np.isfinite(value) else "—"

"""The unrolled network: its arrows carry the computation's norms; Play walks BPTT step by step."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from rnnviz.app.plots.unrolled import MAX_VISIBLE_STEPS, UnrolledPanel


def _log10(values):
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(divide="ignore"):
        out = np.log10(values)
    return np.where(values > 0, out, np.nan)


def _same(actual, expected):
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64),
                               rtol=1e-13, atol=0, equal_nan=True)


def _choose(panel: UnrolledPanel, quantity: str) -> None:
    panel.quantity.setCurrentIndex(panel.quantity.findData(quantity))


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_the_arrows_carry_the_computed_norms(make_window, wait_results, small_config, cell):
    window = make_window(config=small_config.replace(cell=cell, anchor=3, loss_placement="all"))
    wait_results(window)
    fast = window.state.fast_result
    panel = window.panel_by_name["unrolled"]
    T = small_config.seq_len
    diagram = panel.diagram
    assert diagram.values is panel.values and diagram.structure.seq_len == T

    # ‖∂L/∂h_t‖: recurrent and input arrows of the one layer, the loss's own gradient on h(t) → y(t)
    _choose(panel, "total")
    _same(diagram.values.recurrent[0], _log10(fast.grad_norm_per_step))
    _same(diagram.values.recurrent, _log10(fast.layer_grad_norms))
    _same(diagram.values.vertical[0], _log10(fast.grad_norm_per_step))
    _same(diagram.values.vertical[1], _log10(fast.output_grad_norm))
    _same(diagram.values.vertical[1], _log10(np.diag(fast.itemized)))   # ‖∂L_t/∂h_t‖
    assert (diagram.values.cell is None) == (cell == "rnn")
    if cell == "lstm":   # the dashed c line: ‖∂L/∂c_t‖ on the h arrows' colour scale, said in the colour bar
        _same(diagram.values.cell, _log10(fast.layer_cell_grad_norms))
        assert np.isfinite(diagram.values.cell).all()
        assert "∂L/∂cₜ" in panel.scale.label
        c_top = int(np.nanargmax(diagram.values.cell[0]))
        assert diagram.arrow_colour("cell", (0, c_top)) == diagram._palette[diagram._bins["cell"][0, c_top]]
        low, high = diagram.levels
        assert low <= np.nanmin(diagram.values.cell) and np.nanmax(diagram.values.cell) <= high
    # colour and width follow the value: the largest arrow has the top colour and the widest pen
    recurrent = diagram.values.recurrent[0]
    top, bottom = int(np.nanargmax(recurrent)), int(np.nanargmin(recurrent))
    assert diagram.arrow_width("recurrent", (0, top)) > diagram.arrow_width("recurrent", (0, bottom))
    low, high = diagram.levels
    assert low <= recurrent[bottom] and recurrent[top] <= high
    assert panel.scale.levels == diagram.levels

    # ‖∂L_τ/∂h_t‖ for a chosen τ: the itemized row, up to τ
    _choose(panel, "itemized")
    panel.tau_spin.setValue(7)
    assert panel.tau() == 7
    expected = _log10(fast.itemized[6])
    _same(diagram.values.recurrent[0, :7], expected[:7])
    assert np.isnan(diagram.values.recurrent[0, 7:]).all()
    assert np.isfinite(diagram.values.vertical[1]).sum() == 1
    _same(diagram.values.vertical[1, 6], _log10(fast.itemized[6, 6]))
    if cell == "lstm":
        _same(diagram.values.cell[0, :7], _log10(fast.itemized_cell[6])[:7])
        assert np.isnan(diagram.values.cell[0, 7:]).all()
        assert "∂Lτ/∂cₜ" in panel.scale.label

    # from the anchor: the product norms on the arrows into t0 + k; an LSTM's c line the c→c block
    _choose(panel, "anchor")
    k = np.asarray(fast.curve["k"])
    _same(diagram.values.recurrent[0, 3 + k - 1], fast.curve["log10_spectral"])
    assert np.isnan(diagram.values.recurrent[0, :3]).all()
    if cell == "lstm":
        _same(diagram.values.cell[0, 3 + k - 1], fast.curve["cell_spectral"])
        assert "c→c" in panel.plot.titleLabel.text


def test_stacked_and_bidirectional_nets_draw_a_row_per_layer_and_direction(make_window, wait_results,
                                                                            small_config):
    window = make_window(config=small_config.replace(cell="rnn", num_layers=2, bidirectional=True))
    wait_results(window)
    fast = window.state.fast_result
    panel = window.panel_by_name["unrolled"]
    T = small_config.seq_len
    assert panel.structure.rows == 4 and panel.structure.last_column == T + 1
    assert panel.values.recurrent.shape == (4, T) and panel.values.vertical.shape == (3, T)
    _same(panel.values.recurrent, _log10(fast.layer_grad_norms))
    ticks = [label for _value, label in panel.plot.getAxis("left")._tickLevels[0]]
    assert ticks == ["x", "h1 →", "h1 ←", "h2 →", "h2 ←", "y", "L"]
    # the loss at τ reaches the forward rows at t ≤ τ and the backward rows at t ≥ τ
    _choose(panel, "itemized")
    panel.tau_spin.setValue(5)
    forward, backward = panel.values.recurrent[2], panel.values.recurrent[3]
    assert np.isfinite(forward[:5]).all() and np.isnan(forward[5:]).all()
    assert np.isnan(backward[:4]).all() and np.isfinite(backward[4:]).all()

    window.state.update(num_layers=3, bidirectional=False)
    wait_results(window)
    assert panel.structure.rows == 3 and panel.values.recurrent.shape == (3, T)


def test_play_reveals_bptt_step_by_step_and_stops_at_the_end(make_window, wait_results, small_config):
    window = make_window(config=small_config.replace(cell="rnn", loss_placement="all"))
    window.show()
    wait_results(window)
    panel = window.panel_by_name["unrolled"]
    T = small_config.seq_len
    assert panel.play_start() == T and panel.play_length() == T
    panel.speed.setCurrentIndex(0)         # 1 step/s: the test ticks by hand
    panel.play()
    assert panel.is_playing() and panel.revealed == 0 and panel.front() is None
    rows, columns = panel.reveal_masks(panel.revealed)
    assert not rows.any() and not columns.any()
    for ticks in range(1, 4):
        panel._tick()
        assert panel.front() == T - ticks + 1
        assert np.flatnonzero(panel.diagram.revealed_columns).tolist() == list(range(T - ticks, T))
    assert panel.front_line.isVisible() and panel.front_line.value() == T - 2
    for _ in range(T):
        panel._tick()
    assert not panel.is_playing() and panel.revealed == T and panel.front() == 1
    assert panel.diagram.revealed_recurrent.all()
    assert not panel.play_button.isChecked()

    # the arrow keys step (← onwards, as BPTT moves), Space plays and pauses
    panel.step(-3)
    assert panel.revealed == T - 3 and not panel.is_playing()
    panel.graphics.setFocus()
    from PySide6.QtTest import QTest

    QTest.keyClick(panel.graphics, Qt.Key.Key_Left)
    assert panel.revealed == T - 2
    QTest.keyClick(panel.graphics, Qt.Key.Key_Right)
    assert panel.revealed == T - 3
    QTest.keyClick(panel.graphics, Qt.Key.Key_Space)
    assert panel.is_playing() and panel.play_button.isChecked()

    # a configuration change starts Play again from the loss
    window.state.update(radius=0.5)
    wait_results(window)
    assert panel.is_playing() and panel.revealed <= 1
    QTest.keyClick(panel.graphics, Qt.Key.Key_Space)
    assert not panel.is_playing()
    panel.show_all()
    assert panel.revealed is None and panel.diagram.revealed_columns is None


def test_play_from_a_loss_step_stops_at_the_truncation_window(make_window, wait_results, small_config):
    window = make_window(config=small_config.replace(cell="rnn", loss_placement="all", truncate=3))
    wait_results(window)
    panel = window.panel_by_name["unrolled"]
    _choose(panel, "itemized")
    panel.tau_spin.setValue(9)
    assert panel.truncation_span() == (5.5, 9.5)       # steps τ − k … τ
    assert panel.truncation.isVisible() and panel.truncation.getRegion() == pytest.approx((5.5, 9.5))
    assert panel.play_start() == 9 and panel.play_length() == 4
    panel.speed.setCurrentIndex(0)
    panel.play()
    for _ in range(10):
        panel._tick()
    assert not panel.is_playing() and panel.front() == 6
    # the anchor's product grows to the right, from t₀ + 1
    _choose(panel, "anchor")
    assert not panel.truncation.isVisible()
    panel.step(2)
    assert panel.front() == small_config.anchor + 2


def test_the_window_follows_T_and_long_sequences_stay_readable(make_window, wait_results, small_config):
    window = make_window(config=small_config.replace(cell="rnn", seq_len=300, loss_placement="all"))
    window.resize(1600, 1000)
    window.show()
    window.focus_plot("unrolled")
    wait_results(window)
    panel = window.panel_by_name["unrolled"]
    panel.settle()
    low, high = panel.window()
    steps = panel.default_steps()
    assert 6 <= steps <= 30 and steps - 0.5 <= high - low <= steps + 0.5
    assert low < 300 < high                              # ends where BPTT starts: the last loss
    assert panel.window_region.getRegion() == pytest.approx((low, high))
    assert f"of 300" in panel.plot.titleLabel.text
    # a pan is kept through a change that keeps T ...
    panel.plot.setXRange(100, 120, padding=0)
    panel._zoomed_by_user(panel.plot)
    window.state.update(radius=0.8)
    wait_results(window)
    assert panel.window() == pytest.approx((100, 120))
    # ... and a new T starts the window again at the end
    window.state.update(seq_len=2000)
    wait_results(window, complete_map=False, timeout=120000)
    panel.settle()
    low, high = panel.window()
    assert low < 2000 < high and high - low <= MAX_VISIBLE_STEPS
    assert len(panel.diagram.visible_columns()) <= MAX_VISIBLE_STEPS + 2
    # the overview strip holds the whole sequence
    x, _y = panel.overview_curve.getData()
    assert x.size == 2000
    window.state.update(seq_len=1)
    wait_results(window)
    panel.settle()
    low, high = panel.window()
    assert low <= 0 and high >= 1 and panel.play_length() == 1
    panel.play()
    panel._tick()
    assert not panel.is_playing() and panel.front() == 1


def test_export_writes_what_is_shown(make_window, wait_results, small_config, tmp_path):
    from rnnviz.app.export import export_csv, export_image

    window = make_window(config=small_config.replace(cell="lstm"))
    window.show()
    wait_results(window)
    panel = window.panel_by_name["unrolled"]
    for suffix in ("png", "svg"):
        path = export_image(panel, tmp_path / f"unrolled.{suffix}")
        assert path.stat().st_size > 1000
    written = export_csv(panel, tmp_path / "unrolled.csv", window.state.config)
    text = written[0].read_text()
    assert "quantity: total" in text and "window shown" in text
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    header = rows[0].split(",")
    assert header[:2] == ["t", "recurrent_0"] and "cell_0" in header and header[-1] == "revealed"
    assert len(rows) == 1 + small_config.seq_len
    fast = window.state.fast_result
    first = np.array([float(value) for value in rows[1].split(",")])
    assert first[1] == pytest.approx(np.log10(fast.grad_norm_per_step[0]), rel=1e-15)


def test_the_unrolled_view_tells_the_truth_alone_and_in_presentation(make_window, wait_results, small_config, qtbot):
    from rnnviz.app.plots.invariants import view_problems

    window = make_window(config=small_config.replace(num_layers=2, bidirectional=True))
    window.resize(1280, 720)
    window.show()
    wait_results(window)
    window.focus_plot("unrolled")
    panel = window.panel_by_name["unrolled"]
    for presentation in (False, True):
        window.set_presentation_mode(presentation, full_screen=False)
        window.focus_plot("unrolled") if window.focused_plot != "unrolled" else None
        # the plot shown is let go (laid out and repainted) on the next turn of the event loop
        qtbot.waitUntil(lambda: not window.repaints.held(), timeout=5000)
        for _ in range(3):
            panel.settle()
        assert panel.isVisible()
        assert view_problems([panel], readouts=False) == []
    window.set_presentation_mode(False, full_screen=False)


def test_all_plots_has_a_row_for_the_unrolled_view_where_three_rows_fit(make_window, wait_results, qtbot):
    window = make_window()
    window.show()
    window.resize(1600, 1000)
    wait_results(window)
    qtbot.waitUntil(lambda: window.panel_by_name["unrolled"].isVisible())
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: not window.panel_by_name["unrolled"].isVisible())
    assert all(panel.isVisible() for panel in window.panels if panel.name != "unrolled")
    window.focus_plot("unrolled")                       # Alt+7 / the switcher's 7th button
    assert window.panel_by_name["unrolled"].isVisible()
    window.set_presentation_mode(True, full_screen=False)
    window.focus_plot(None)                             # the presentation grid scrolls and holds all
    assert all(not panel.isHidden() for panel in window.panels)
    window.set_presentation_mode(False, full_screen=False)


@pytest.mark.parametrize("seq_len", [12, 100, 300])
def test_the_first_boxes_stand_clear_of_the_y_axis(make_window, wait_results, small_config, seq_len):
    """The view's left edge lies in the gap between two columns, with room before the first whole
    box (whole sequence or a window of the last steps): no box touches or is cut by the axis."""
    import math

    from rnnviz.app.plots.unrolled import BOX_HALF_WIDTH

    window = make_window(config=small_config.replace(cell="lstm", seq_len=seq_len, loss_placement="all"))
    window.resize(1600, 1000)
    window.show()
    window.focus_plot("unrolled")
    wait_results(window)
    panel = window.panel_by_name["unrolled"]
    panel.settle()
    low, high = panel.window()
    first = math.ceil(low + BOX_HALF_WIDTH)               # the first column whose box lies right of the edge
    assert not any(column - BOX_HALF_WIDTH < low < column + BOX_HALF_WIDTH for column in (first - 1, first))
    gap_steps = first - BOX_HALF_WIDTH - low
    pixels_per_step = panel.plot.vb.width() / (high - low)
    assert gap_steps >= 0.3 and gap_steps * pixels_per_step >= 8, (low, first, gap_steps, pixels_per_step)


def test_stacked_lstm_anchor_rows_show_each_layers_own_block(make_window, wait_results, small_config):
    """The anchor view of a stacked network: each forward row its layer's block ‖∂sˡ(t₀+k)/∂sˡ(t₀)‖
    (and c line the layer's c→c block), not the whole state's norm repeated on every row."""
    window = make_window(config=small_config.replace(cell="lstm", num_layers=2, bidirectional=True, anchor=2))
    wait_results(window)
    fast = window.state.fast_result
    panel = window.panel_by_name["unrolled"]
    _choose(panel, "anchor")
    k = np.asarray(fast.curve["k"])
    columns = 2 + k - 1
    values = panel.values
    for layer in range(2):
        _same(values.recurrent[2 * layer, columns], fast.curve["layer_spectral"][layer])
        _same(values.cell[2 * layer, columns], fast.curve["layer_cell_spectral"][layer])
        assert np.isnan(values.recurrent[2 * layer + 1]).all()   # the anchor curve is the forward direction's
    assert not np.allclose(values.recurrent[0, columns], values.recurrent[2, columns])
    assert not np.allclose(values.recurrent[2, columns], fast.curve["log10_spectral"])
    assert "each layer" in panel.plot.titleLabel.text and "each layer" in panel.scale.label
    window.state.update(num_layers=1, bidirectional=False)
    wait_results(window)
    _same(panel.values.recurrent[0, columns], window.state.fast_result.curve["log10_spectral"])
    assert "each layer" not in panel.plot.titleLabel.text


def test_itemized_view_fills_the_lower_layers_or_says_why_not(make_window, wait_results, small_config):
    """A stacked network's lower layers show their own ‖∂L_τ/∂hˡ_t‖ (and c line); at a τ the
    engine did not itemize them for, a note over their rows says so."""
    window = make_window(config=small_config.replace(cell="lstm", num_layers=2, bidirectional=True,
                                                     loss_placement="all"))
    wait_results(window)
    fast = window.state.fast_result
    panel = window.panel_by_name["unrolled"]
    _choose(panel, "itemized")
    panel.tau_spin.setValue(5)
    r = int(np.flatnonzero(fast.layer_itemized_steps == 5)[0])
    _same(panel.values.recurrent[:2], _log10(fast.layer_itemized[:2, r]))
    _same(panel.values.cell[:2], _log10(fast.layer_itemized_cell[:2, r]))
    _same(panel.values.vertical[0], _log10(np.sqrt((fast.layer_itemized[:2, r] ** 2).sum(axis=0))))
    assert np.isfinite(panel.values.recurrent[0, :5]).all()
    assert np.isfinite(panel.values.recurrent[0, 5:]).all()   # reached through the reverse direction above
    assert panel.diagram.note == ""
    # Play: both fronts start at τ; by the end they have reached every lower arrow that has a value
    panel.speed.setCurrentIndex(0)
    panel.play()
    panel._tick()
    assert np.flatnonzero(panel.diagram.revealed_recurrent[0]).tolist() == [4]
    while panel.is_playing():
        panel._tick()
    lower = np.isfinite(panel.values.recurrent[:2])
    assert panel.diagram.revealed_recurrent[:2][lower].all()
    panel.show_all()
    # a result whose lower layers were itemized at other loss steps only
    from dataclasses import replace
    keep = fast.layer_itemized_steps != 5
    panel.show_fast(replace(fast, layer_itemized_steps=fast.layer_itemized_steps[keep],
                            layer_itemized=fast.layer_itemized[:, keep],
                            layer_itemized_cell=fast.layer_itemized_cell[:, keep]))
    assert panel.tau() == 5
    assert np.isnan(panel.values.recurrent[:2]).all() and np.isfinite(panel.values.recurrent[2, :5]).all()
    assert "not at this τ" in panel.diagram.note
    panel.show_fast(replace(fast, layer_itemized_steps=None, layer_itemized=None, layer_itemized_cell=None))
    assert np.isnan(panel.values.recurrent[:2]).all() and "this large" in panel.diagram.note
    # the note lies over the lower layer's rows, below the top layer's
    from rnnviz.app.plots.unrolled import QPointF
    rect = panel.diagram.note_rect(lambda x, y: QPointF(100 * x, 100 * y))   # 100 px per step and row
    assert rect.top() <= 100 * panel.structure.row_y(1) <= rect.bottom() < 100 * panel.structure.row_y(2)
    _choose(panel, "total")
    assert panel.diagram.note == ""


def test_encoder_decoder_steps_draw_no_input(make_window, wait_results, small_config):
    """x = 0 after step N: the decoder's input boxes hold 0 and no arrow comes out of them."""
    T = small_config.seq_len
    window = make_window(config=small_config.replace(cell="lstm", loss_placement="encoder-decoder", encoder_steps=4))
    wait_results(window)
    panel = window.panel_by_name["unrolled"]
    assert panel.structure.input_steps == 4
    assert panel.structure.has_input(4) and not panel.structure.has_input(5)
    assert np.isfinite(panel.values.vertical[0, :4]).all() and np.isnan(panel.values.vertical[0, 4:]).all()
    arrows = panel.diagram.arrows(range(0, T + 1))
    from_x = arrows["y0"] < 0.5
    assert sorted(arrows["x1"][from_x].astype(int).tolist()) == [1, 2, 3, 4]
    assert "0" in panel._hover_text(6, 0.0) and "x(t) = 0" in panel._hover_text(6, 0.0)
    assert "x(t) → h(t)" in panel._hover_text(3, 0.0)
    # the boundary between step N and N + 1, as on the other plots' time axes
    assert [line.value() for line in panel.boundary.lines if line.isVisible()] == [4.5, 4.5]
    label = next(line.label for line in panel.boundary.lines if line.label is not None)
    assert "encoder" in label.textItem.toPlainText() and "decoder" in label.textItem.toPlainText()
    panel.plot.setXRange(4.0, 12.5, padding=0)   # the line at the window's left edge: the side with room
    assert label.textItem.toPlainText().strip() == "decoder →"
    window.state.update(loss_placement="all")
    wait_results(window)
    assert panel.structure.input_steps is None and np.isfinite(panel.values.vertical[0]).all()
    assert not any(line.isVisible() for line in panel.boundary.lines)


def test_the_boxes_are_replayed_while_only_the_values_change(make_window, wait_results, small_config):
    """A new colour scale (as after a step of ρ) replays the recorded boxes, drawn exactly as when
    recorded afresh; scrolling the window records them again."""
    window = make_window(config=small_config.replace(cell="lstm", seq_len=40, loss_placement="all"))
    window.resize(1600, 1000)
    window.show()
    window.focus_plot("unrolled")
    wait_results(window)
    panel = window.panel_by_name["unrolled"]
    panel.settle()
    diagram = panel.diagram
    view = diagram.scene().views()[0]
    view.grab()
    recorded = diagram._boxes_picture
    assert recorded is not None
    low, high = diagram.levels
    diagram.set_values(diagram.values, (low - 1.0, high + 1.0), diagram.colormap)
    replayed = view.grab().toImage()
    assert diagram._boxes_picture is recorded
    diagram._boxes_picture = None
    assert view.grab().toImage() == replayed
    assert diagram._boxes_picture is not None
    before = diagram._boxes_key
    (x0, x1), _ = panel.plot.vb.viewRange()
    panel.plot.setXRange(x0 - 5, x1 - 5, padding=0)
    view.grab()
    assert diagram._boxes_key != before


def _whole_columns(panel) -> tuple[int, int]:
    """The first and last step whose boxes lie wholly in the view."""
    import math

    from rnnviz.app.plots.unrolled import BOX_HALF_WIDTH

    low, high = panel.window()
    return (max(1, math.ceil(low + BOX_HALF_WIDTH)),
            min(panel.structure.seq_len, math.floor(high - BOX_HALF_WIDTH)))


def _cut_edges(panel) -> list[str]:
    """Boxes the view's edges cut (an edge inside a column's boxes)."""
    from rnnviz.app.plots.unrolled import BOX_HALF_WIDTH

    low, high = panel.window()
    return [f"the {side} edge {edge:.2f} cuts column {column}"
            for side, edge in (("left", low), ("right", high))
            for column in (int(edge), int(edge) + 1)
            if 0 <= column <= panel.structure.last_column and column - BOX_HALF_WIDTH < edge < column + BOX_HALF_WIDTH]


def _unlabelled(panel) -> list[str]:
    """The state boxes h(t) in view too narrow or low for their labels (the diagram then draws none;
    the thin x, y and L boxes are named by their rows' ticks)."""
    from PySide6.QtGui import QFont, QFontMetricsF

    from rnnviz.app.plots.unrolled import BOX_HALF_WIDTH, subscript

    low, high = panel.window()
    font = QFont()
    font.setPointSizeF(panel.diagram.font_pt)
    metrics = QFontMetricsF(font)
    last = min(panel.structure.seq_len, int(high))
    need = metrics.horizontalAdvance(f"h{subscript(last)}") + 4
    per_step = panel.plot.vb.width() / (high - low)
    per_row = panel.plot.vb.height() / (panel.structure.loss_y + 1.5)
    problems = []
    if 2 * BOX_HALF_WIDTH * per_step < need:
        problems.append(f"boxes {2 * BOX_HALF_WIDTH * per_step:.1f} px wide, labels {need:.1f} px")
    half = panel.diagram.state_half_height(per_row)
    if 2 * half * per_row + 2 < metrics.height():
        problems.append(f"boxes {2 * half * per_row:.1f} px high, labels {metrics.height():.1f} px")
    return problems


@pytest.mark.parametrize("quantity", ["total", "anchor"])
def test_play_keeps_the_columns_in_view_whole(make_window, wait_results, small_config, quantity):
    """While Play follows the gradient's front the view's edges lie between columns (the last column
    was cut in half at the right edge), and the title names the steps in view."""
    window = make_window(config=small_config.replace(cell="lstm", seq_len=100, loss_placement="all", anchor=5))
    window.resize(1600, 1000)
    window.show()
    window.focus_plot("unrolled")
    wait_results(window)
    panel = window.panel_by_name["unrolled"]
    _choose(panel, quantity)
    panel.settle()
    panel.play()
    failures, windows = [], set()
    for _tick in range(panel.play_length()):
        panel._tick()
        windows.add(panel.window())
        first, last = _whole_columns(panel)
        failures += [f"tick {_tick}: {problem}" for problem in _cut_edges(panel)]
        if not first <= panel.front() <= last:
            failures.append(f"tick {_tick}: the front {panel.front()} is not in view ({first}–{last})")
        if f"steps {first}–{last} of 100" not in panel.plot.titleLabel.text:
            failures.append(f"tick {_tick}: title '{panel.plot.titleLabel.text}' for steps {first}–{last}")
    panel.pause()
    assert len(windows) > 2   # the view did follow the front
    assert not failures, "\n".join(failures[:20])


def test_the_title_keeps_the_steps_in_view(make_window, wait_results, small_config):
    """In presentation mode at 1280×720 the English title dropped its "· steps a–b of T" part where
    the whole title did not fit: now it shortens the range, never drops it."""
    window = make_window(config=small_config.replace(cell="lstm", seq_len=100, loss_placement="all", truncate=20))
    window.resize(1280, 720)
    window.show()
    wait_results(window)
    panel = window.panel_by_name["unrolled"]
    failures = []
    for presentation in (False, True):
        window.set_presentation_mode(presentation, full_screen=False)
        window.focus_plot("unrolled")
        for _ in range(3):
            panel.settle()
        first, last = _whole_columns(panel)
        shown = panel.plot.titleLabel.text
        if f"{first}–{last}" not in shown or "100" not in shown.split(f"{first}–{last}")[1]:
            failures.append(f"presentation {presentation}: '{shown}' lacks steps {first}–{last} of 100")
        if "truncated at k = 20" not in shown or "dashed" not in shown:
            failures.append(f"presentation {presentation}: '{shown}' lost what it shows")
    window.set_presentation_mode(False, full_screen=False)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("seq_len", [27, 100, 300])
def test_every_box_in_view_has_its_label(make_window, wait_results, small_config, seq_len):
    """The view shows as many steps as their labels fit (27 steps of T = 100 in the 1264 px panel
    were boxes without labels), at first, zoomed out as far as it goes, and in presentation mode."""
    window = make_window(config=small_config.replace(cell="lstm", seq_len=seq_len, loss_placement="all"))
    window.resize(1600, 1000)
    window.show()
    window.focus_plot("unrolled")
    wait_results(window)
    panel = window.panel_by_name["unrolled"]
    failures = []
    for presentation in (False, True):
        window.set_presentation_mode(presentation, full_screen=False)
        window.focus_plot("unrolled")
        for _ in range(3):
            panel.settle()
        state = f"presentation {presentation}"
        failures += [f"{state}: {problem}" for problem in _unlabelled(panel)]
        failures += [f"{state}: {problem}" for problem in _cut_edges(panel)]
        low, high = panel.window()
        panel.plot.vb.scaleBy(x=4.0)          # zoomed out as far as the view lets the user
        panel.settle()
        failures += [f"{state}, zoomed out: {problem}" for problem in _unlabelled(panel)]
        panel.fit_ranges()
    window.set_presentation_mode(False, full_screen=False)
    assert not failures, "\n".join(failures)


def test_the_controls_above_the_diagram_show_their_whole_text(make_window, wait_results, small_config):
    """In presentation mode at 1280×720 the quantity chooser was cut ("… from the ancho"): the
    controls take a second row where one is too narrow for them."""
    window = make_window(config=small_config.replace(cell="lstm", seq_len=40))
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    window.focus_plot("unrolled")
    window.resize(1280, 720)
    panel = window.panel_by_name["unrolled"]
    failures = []
    for presentation in (True, False):
        window.set_presentation_mode(presentation, full_screen=False)
        window.focus_plot("unrolled")
        for quantity in ("total", "itemized", "anchor"):
            _choose(panel, quantity)
            for _ in range(3):
                panel.settle()
            failures += [f"presentation {presentation}, {quantity}: {problem}"
                         for problem in panel.own_view_problems() if "cut" in problem]
    window.set_presentation_mode(False, full_screen=False)
    assert not failures, "\n".join(failures)


def test_the_overview_strip_has_no_bare_ticks_on_its_value_axis(make_window, wait_results, qtbot):
    """The strip shows no values; its ticks without labels were a ladder of marks beside the curve."""
    window = make_window()
    window.show()
    wait_results(window)
    window.focus_plot("unrolled")
    qtbot.wait(20)
    axis = window.panel_by_name["unrolled"].overview.getAxis("left")
    window.set_presentation_mode(True, full_screen=False)   # a restyle keeps it so
    qtbot.wait(20)
    from PySide6.QtGui import QImage, QPainter

    image = QImage(200, 200, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis_spec, ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    lengths = [abs(start.x() - end.x()) for _pen, start, end in ticks]
    assert texts == [] and all(length < 0.5 for length in lengths), lengths

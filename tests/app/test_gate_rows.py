"""The first switch to a cell not shown before builds its gate rows one per turn of the event loop
(issue 12: no UI-thread gap over 100 ms; building a GRU's three rows and summary at once took
110-150 ms), the rows of the cell shown before leave at once, and the views after the build are
complete and true."""

from __future__ import annotations

import numpy as np

from rnnviz.app.plots.gates import GatesPanel
from rnnviz.app.plots.invariants import view_problems


def _row_labels(panel) -> list[str]:
    """The y labels of the gate rows now in the panel's layout, top to bottom."""
    layout = panel.graphics.ci
    rows = sorted((min(cells)[0], item) for item, cells in layout.items.items())
    return [item.getAxis("left").labelText for _row, item in rows if item in panel._gate_plots]


def _in_layout(panel) -> set:
    return set(panel.graphics.ci.items)


def _record_build_steps(monkeypatch, waited: list | None = None) -> list[int]:
    """Gate rows the panel holds after each staged build step (the class patched before the window
    is made, so its timer calls the recorder). A call while the build waits (``build_waits``: other
    panels' repaints still held) must build nothing; each such call is noted in ``waited``."""
    steps = []
    real = GatesPanel._build_next_row

    def recording(self):
        if self.build_waits():
            before = (list(self._gate_plots), self.building)
            real(self)
            assert (list(self._gate_plots), self.building) == before   # nothing built meanwhile
            if waited is not None:
                waited.append(len(steps))
            return
        real(self)
        steps.append(len(self._gate_plots))

    monkeypatch.setattr(GatesPanel, "_build_next_row", recording)
    return steps


def _wait_for_cell(qtbot, window, cell: str) -> None:
    gates = window.panel_by_name["gates"]
    qtbot.waitUntil(lambda: gates.fast is not None and gates.fast.config.cell == cell, timeout=30000)


def test_a_first_switch_builds_the_new_rows_over_several_turns(make_window, wait_results, qtbot, monkeypatch):
    waited = []
    steps = _record_build_steps(monkeypatch, waited)
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    wait_results(window)
    gates = window.panel_by_name["gates"]
    assert _row_labels(gates) == ["i", "f", "g", "o"] and not gates.building and steps == []
    lstm_items = _in_layout(gates)

    # Right after the result has reached the panel (in its turn among the held repaints): the LSTM's
    # rows left the panel at once, the GRU's are being built.
    seen = []

    def show_and_note(fast, show_fast=gates.show_fast):
        show_fast(fast)
        seen.append((fast.config.cell, gates.building, bool(_in_layout(gates) & lstm_items)))

    gates.show_fast = show_and_note
    window.state.update(cell="gru")
    _wait_for_cell(qtbot, window, "gru")
    assert seen == [("gru", True, False)]
    wait_results(window)
    assert not gates.building
    # One row per turn (three gates, then the summary and its legend), never two at once.
    assert len(steps) >= 4
    assert all(after - before <= 1 for before, after in zip([0] + steps, steps))
    assert steps[-1] == 3
    # and none while the other panels' repaints were still held: those came first, a turn each
    assert waited and not window.repaints.held()
    # Complete: the GRU's rows, each heatmap holding its gate, the summary its curves.
    assert _row_labels(gates) == ["r", "z", "n"]
    fast = window.state.fast_result
    for gate in ("r", "z", "n"):
        np.testing.assert_array_equal(gates.heatmaps[gate].values, np.asarray(fast.gates[gate]).T)
        x, y = gates.mean_curves[gate].getData()
        np.testing.assert_array_equal(y, np.asarray(fast.gate_mean[gate]))
        assert gates.heatmaps[gate].plot.vb.viewRange()[0] == [0.5, fast.config.seq_len + 0.5]
    assert not _in_layout(gates) & lstm_items
    assert view_problems(window.panels) == []


def test_a_cell_shown_before_comes_back_at_once(make_window, wait_results, qtbot, monkeypatch):
    steps = _record_build_steps(monkeypatch)
    window = make_window()
    window.show()
    wait_results(window)
    gates = window.panel_by_name["gates"]
    window.state.update(cell="gru")
    wait_results(window)
    built = len(steps)
    window.state.update(cell="lstm")
    _wait_for_cell(qtbot, window, "lstm")
    assert not gates.building and _row_labels(gates) == ["i", "f", "g", "o"]
    wait_results(window)
    window.state.update(cell="gru-cho")   # the same gates as the GRU: its rows again
    _wait_for_cell(qtbot, window, "gru-cho")
    assert not gates.building and _row_labels(gates) == ["r", "z", "n"]
    assert len(steps) == built


def test_results_during_a_build(make_window, wait_results, qtbot):
    """A newer result for the cell being built is the one shown once the rows are complete; one for
    another cell finishes the build first (the rows are kept) and shows its own rows."""
    from rnnviz.core.analysis import run_fast

    window = make_window()
    window.show()
    wait_results(window)
    gates = window.panel_by_name["gates"]
    config = window.state.config
    gru, gru_later = run_fast(config.replace(cell="gru")), run_fast(config.replace(cell="gru", radius=1.3))
    gates.show_fast(gru)
    assert gates.building and _row_labels(gates) == []
    gates.show_fast(gru_later)
    qtbot.waitUntil(lambda: not gates.building, timeout=10000)
    assert _row_labels(gates) == ["r", "z", "n"]
    np.testing.assert_array_equal(gates.heatmaps["n"].values, np.asarray(gru_later.gates["n"]).T)

    gates.show_fast(run_fast(config.replace(cell="rnn")))
    gates.show_fast(gru)   # the GRU's rows were built: back at once
    assert not gates.building and _row_labels(gates) == ["r", "z", "n"]
    gates.show_fast(run_fast(config.replace(cell="rnn")))
    gates._kept_layouts.pop(("r", "z", "n"))   # as if the GRU's rows were never built
    gates.show_fast(gru)
    assert gates.building
    lstm = run_fast(config.replace(radius=0.7))
    gates.show_fast(lstm)   # before the GRU's rows are complete
    assert not gates.building and _row_labels(gates) == ["i", "f", "g", "o"]
    np.testing.assert_array_equal(gates.heatmaps["f"].values, np.asarray(lstm.gates["f"]).T)
    assert ("r", "z", "n") in gates._kept_layouts   # finished and kept
    gates.show_fast(gru)
    assert not gates.building and _row_labels(gates) == ["r", "z", "n"]
    np.testing.assert_array_equal(gates.heatmaps["z"].values, np.asarray(gru.gates["z"]).T)
    assert gates.graphics.updatesEnabled()   # a build finished early lets the panel paint again


def test_a_staged_build_paints_once_when_complete_not_each_half_built_row(make_window, wait_results, qtbot):
    """Until its new rows are all built and hold their data, the panel keeps the pixels of the cell
    shown before (its updates are off), then paints the complete rows."""
    from tests.app.paint_log import PaintLog

    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    gates = window.panel_by_name["gates"]
    paints = []   # (rows being built, rows in the layout) at each paint of the panel
    log = PaintLog(lambda: paints.append((gates.building, tuple(_row_labels(gates)))))
    gates.graphics.viewport().installEventFilter(log)
    window.state.update(cell="gru")
    qtbot.waitUntil(lambda: gates.building, timeout=30000)
    assert not gates.graphics.updatesEnabled()
    wait_results(window)
    qtbot.wait(50)
    assert gates.graphics.updatesEnabled() and paints
    assert all(not building and rows == ("r", "z", "n") for building, rows in paints)
    assert view_problems(window.panels) == []


def test_the_first_gate_row_is_as_high_as_the_others_under_its_title(make_window, wait_results):
    """The panel's title takes a row of its own above the first gate's heatmap: every heatmap is as
    high as the others, in all plots and with the gates alone, presentation mode off and on
    (sharing its row's height with the title, the first was 134 px beside 161 px at 1600×1000),
    for four rows and for three, and the Elman RNN's note still fills the panel."""
    from rnnviz.app.gallery import settle
    from rnnviz.app.plots.invariants import stacked_heatmap_problems

    window = make_window()
    window.show()
    gates = window.panel_by_name["gates"]
    for cell, rows in (("lstm", 4), ("gru", 3)):
        window.state.update(cell=cell)
        for size, presentation, focus in (((1600, 1000), False, None), ((1600, 1000), False, "gates"),
                                          ((1280, 720), True, "gates"), ((1600, 1000), True, "gates")):
            window.resize(*size)
            window.set_presentation_mode(presentation, full_screen=False)
            if window.focused_plot != focus:
                window.focus_plot(focus)
            settle(window, wait=lambda: wait_results(window))
            heights = [plot.vb.height() for plot in gates.heatmap_plots()]
            assert len(heights) == rows and min(heights) > 0
            assert max(heights) - min(heights) <= 1.0, (cell, size, presentation, focus, heights)
            assert stacked_heatmap_problems(gates.heatmap_plots()) == []
        window.set_presentation_mode(False, full_screen=False)
        window.focus_plot(None)
    window.state.update(cell="rnn")
    settle(window, wait=lambda: wait_results(window))
    assert gates.note is not None and gates.note.geometry().height() > 0.8 * gates.graphics.height()


def test_a_build_that_waits_for_other_repaints_waits_no_longer_than_its_limit(make_window, wait_results, qtbot):
    """At large H·T every result's repaints are staggered: a slider dragged right after a first
    switch would hold repaints without end, and the gates of the previous cell would stay."""
    from rnnviz.app.plots import gates as gates_module

    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    gates = window.panel_by_name["gates"]
    gates.build_waits = lambda: True            # other repaints held for ever
    window.state.update(cell="gru")
    _wait_for_cell(qtbot, window, "gru")
    assert gates.building
    qtbot.waitUntil(lambda: not gates.building, timeout=int(gates_module.BUILD_WAIT_LIMIT_S * 1000) + 5000)
    assert _row_labels(gates) == ["r", "z", "n"]
    np.testing.assert_array_equal(gates.heatmaps["r"].values, np.asarray(window.state.fast_result.gates["r"]).T)


def test_the_map_waits_for_rows_built_over_turns(make_window, wait_results, qtbot):
    """Started beside the first GRU's rows, the map's processes took half a core from each row."""
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    gates = window.panel_by_name["gates"]
    assert not window.compute.repaints_pending()
    window.state.update(cell="gru")
    qtbot.waitUntil(lambda: gates.building, timeout=30000)
    assert window.compute.repaints_pending()
    wait_results(window)   # the rows built, then the map
    assert not gates.building and not window.compute.repaints_pending()
    assert window.state.map_result.complete and window.state.fast_result.config.cell == "gru"
